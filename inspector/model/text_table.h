// The three output forms every inspector command offers: an aligned table for
// people, CSV and JSON for programs. Cells are strings; numeric columns are
// right-aligned.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.h"

namespace pagescope::model {

class TextTable {
 public:
  // A column name ending in '<' is left-aligned (text); others right-aligned.
  explicit TextTable(std::vector<std::string> columns);
  void add_row(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // A column whose event source was off in the capture (see SourceNotes):
  // its cells are not measurements, so they print as "-" aligned, empty in
  // CSV and null in JSON, whatever the rows hold. Unknown names are ignored.
  void set_not_measured(std::string_view column);
  bool measured(std::string_view column) const;
  bool has_column(std::string_view column) const;

  void print_aligned(std::FILE* out) const;
  void print_csv(std::FILE* out) const;
  // An array of objects keyed by column name; cells that parse as numbers stay numbers.
  void print_json_array(std::FILE* out) const;

 private:
  std::vector<std::string> names_;
  std::vector<bool> left_;
  std::vector<bool> not_measured_;
  std::vector<std::vector<std::string>> rows_;
};

std::string json_escape(std::string_view s);   // with the quotes
std::string csv_escape(std::string_view s);
std::string format_hex(uint64_t v);

}  // namespace pagescope::model
