// Rows of named columns printed three ways: an aligned table for people,
// CSV and JSON (array of objects) for programs.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace pagescope::sim {

class Table {
 public:
  // A column is numeric when its cells should be right-aligned and unquoted in JSON.
  void add_column(std::string name, bool numeric);
  void add_row(std::vector<std::string> cells);
  void print_aligned(FILE* out) const;
  void print_csv(FILE* out) const;
  void print_json(FILE* out) const;

 private:
  std::vector<std::string> names_;
  std::vector<bool> numeric_;
  std::vector<std::vector<std::string>> rows_;
};

std::string json_escape(const std::string& s);

}  // namespace pagescope::sim
