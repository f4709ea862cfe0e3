// Rows of named columns printed three ways: an aligned table for people,
// CSV and JSON (array of objects) for programs.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace pagescope::sim {

class Table {
 public:
  // Numeric cells are unquoted in JSON; right-aligned cells line up on the
  // right in the table (numbers, and sizes like "64M").
  void add_column(std::string name, bool numeric, bool right_aligned);
  void add_column(std::string name, bool numeric) { add_column(std::move(name), numeric, numeric); }
  void add_row(std::vector<std::string> cells);
  void print_aligned(FILE* out) const;
  void print_csv(FILE* out) const;
  void print_json(FILE* out) const;

 private:
  std::vector<std::string> names_;
  std::vector<bool> numeric_, right_;
  std::vector<std::vector<std::string>> rows_;
};

std::string json_escape(const std::string& s);

}  // namespace pagescope::sim
