// The one table printer: rows of named columns as an aligned table for people,
// CSV and JSON (an array of objects) for programs. Cells carry their type, so
// each column has one type in JSON, documented in docs/json.md:
//
//   kind      text (aligned)   CSV              JSON
//   text      as given         as given         "string"
//   integer   12               12               12
//   real      0.8327           0.8327           0.8327        (non-finite: - / empty / null)
//   hex       559937759000     0x559937759000   "0x559937759000"
//   bytes     64M              64M              "64M"         (the size syntax the options read)
//   missing   -                (empty)          null          (not recorded, not applicable)
//
// A column whose event source was off in the capture (set_not_measured) prints
// as missing in every row, whatever the rows hold.
#pragma once

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pagescope {

class Cell {
 public:
  enum class Kind { kText, kInteger, kReal, kHex, kBytes, kMissing };

  static Cell text(std::string s);
  static Cell integer(int64_t v);
  static Cell count(uint64_t v);
  static Cell real(double v, int decimals);
  static Cell hex(uint64_t v);
  // A size; `negative` for differences ("-16M").
  static Cell bytes(uint64_t v, bool negative = false);
  static Cell missing();
  // A cell that only has text: a plain decimal ("12", "-0.5", "3.000")
  // becomes a number, anything else text. For tables read back from CSV
  // (read_table) and quick tests; never give it an address: use hex().
  static Cell guess(std::string s);

  Kind kind() const { return kind_; }
  const std::string& shown() const { return shown_; }  // what the aligned table prints
  std::string csv() const;
  std::string json() const;

 private:
  Cell(Kind kind, std::string shown, std::string machine)
      : kind_(kind), shown_(std::move(shown)), machine_(std::move(machine)) {}
  Kind kind_ = Kind::kMissing;
  std::string shown_;
  std::string machine_;  // CSV and JSON form, before quoting
};

class Table {
 public:
  // A column name ending in '<' is left-aligned (text); others right-aligned.
  explicit Table(std::vector<std::string> columns = {});
  enum class Align { kLeft, kRight };
  void add_column(std::string name, Align align);
  void add_row(std::vector<Cell> cells);
  // Untyped rows: each cell goes through Cell::guess.
  void add_row(std::initializer_list<std::string> cells);
  size_t rows() const { return rows_.size(); }
  const Cell& at(size_t row, size_t column) const { return rows_[row][column]; }

  void set_not_measured(std::string_view column);
  bool measured(std::string_view column) const;
  bool has_column(std::string_view column) const;

  std::string aligned() const;
  std::string csv() const;
  // "[\n  {...},\n  {...}\n]" (or "[]"), no newline after it.
  std::string json() const;
  void print_aligned(std::FILE* out) const;
  void print_csv(std::FILE* out) const;
  void print_json(std::FILE* out) const;
  const std::vector<std::string>& column_names() const { return names_; }
  bool left_aligned(size_t c) const { return left_[c]; }

 private:
  const Cell& cell(size_t row, size_t column) const;
  std::vector<std::string> names_;
  std::vector<bool> left_;
  std::vector<bool> not_measured_;
  std::vector<std::vector<Cell>> rows_;
};

// The inverse of Table::csv() and Table::json() (table_read.cpp): a JSON
// array of flat objects (strings, numbers, null; every object with the same
// keys in the same order) or CSV with a header line. Cells come back as the
// printer wrote them: JSON strings as text, numbers as Cell::guess reads them,
// null (and an empty CSV field) as missing; so csv() and json() of the result
// reproduce the input byte for byte. A column is left-aligned when it holds
// text that does not start with a digit. The error names the line:
// "line 3: expected ','".
struct TableText {
  Table table;
  bool json = false;  // which of the two it was
};
Result<TableText> read_table(std::string_view text);

std::string json_escape(std::string_view s);  // with the quotes
// For a terminal: control bytes (C0, DEL, and C1 as UTF-8) become \xNN, so a
// traced program's name or command line cannot send escape sequences to the
// reader's terminal. Other UTF-8 is kept. Aligned tables apply it to text.
std::string printable(std::string_view s);
std::string csv_escape(std::string_view s);
std::string format_hex(uint64_t v);           // "559937759000", no 0x: the aligned table's form

}  // namespace pagescope
