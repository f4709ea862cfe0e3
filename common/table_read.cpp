// Reading back what Table::csv() and Table::json() wrote (for `pagescope
// merge`, which joins the tables of a sweep's parts). Only that shape: a JSON
// array of flat objects or CSV with a header; anything else is an Error
// naming the line, never a guess.
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/table.h"

namespace pagescope {

namespace {

struct Field {
  enum class Kind { kText, kNumber, kNull } kind = Kind::kNull;
  std::string value;
};

struct Rows {
  std::vector<std::string> names;
  std::vector<std::vector<Field>> rows;
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view t) : t_(t) {}

  Result<Rows> read() {
    Rows out;
    skip();
    if (!eat('[')) return fail("expected '[' (a JSON array of rows)");
    skip();
    if (eat(']')) return end(std::move(out));
    for (;;) {
      std::vector<std::string> names;
      std::vector<Field> row;
      skip();
      if (!eat('{')) return fail("expected '{' (a row)");
      skip();
      if (!eat('}')) {
        for (;;) {
          skip();
          std::string key;
          if (!string(key)) return fail("expected a key in quotes");
          skip();
          if (!eat(':')) return fail("expected ':'");
          skip();
          Field f;
          if (peek() == '"') {
            f.kind = Field::Kind::kText;
            if (!string(f.value)) return fail("bad string");
          } else if (t_.substr(i_, 4) == "null") {
            i_ += 4;
          } else {
            const size_t b = i_;
            while (i_ < t_.size() && std::strchr("+-.0123456789eE", t_[i_])) ++i_;
            if (i_ == b) return fail("expected a string, a number or null");
            f.kind = Field::Kind::kNumber;
            f.value = std::string(t_.substr(b, i_ - b));
          }
          names.push_back(std::move(key));
          row.push_back(std::move(f));
          skip();
          if (eat('}')) break;
          if (!eat(',')) return fail("expected ',' or '}'");
        }
      }
      if (out.rows.empty()) out.names = names;
      else if (names != out.names) return fail("a row with other columns than the first");
      out.rows.push_back(std::move(row));
      skip();
      if (eat(']')) return end(std::move(out));
      if (!eat(',')) return fail("expected ',' or ']'");
    }
  }

 private:
  Result<Rows> end(Rows r) {
    skip();
    if (i_ != t_.size()) return fail("text after the array");
    return r;
  }
  Error fail(const std::string& what) const {
    size_t line = 1;
    for (size_t k = 0; k < i_ && k < t_.size(); ++k) line += t_[k] == '\n';
    return Error{"line " + std::to_string(line) + ": " + what, ErrorKind::kUsage};
  }
  char peek() const { return i_ < t_.size() ? t_[i_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void skip() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\t' || t_[i_] == '\r')) ++i_;
  }
  // The escapes json_escape() writes: \" \\ \n \t \r \u00XX.
  bool string(std::string& s) {
    if (!eat('"')) return false;
    while (i_ < t_.size() && t_[i_] != '"') {
      char c = t_[i_++];
      if (c != '\\') {
        s += c;
        continue;
      }
      if (i_ >= t_.size()) return false;
      c = t_[i_++];
      switch (c) {
        case '"': case '\\': case '/': s += c; break;
        case 'n': s += '\n'; break;
        case 't': s += '\t'; break;
        case 'r': s += '\r'; break;
        case 'u': {
          if (i_ + 4 > t_.size()) return false;
          const unsigned long v = std::stoul(std::string(t_.substr(i_, 4)), nullptr, 16);
          if (v >= 0x80) return false;  // json_escape only writes control bytes so
          s += char(v);
          i_ += 4;
          break;
        }
        default: return false;
      }
    }
    return eat('"');
  }
  std::string_view t_;
  size_t i_ = 0;
};

// RFC 4180 as csv_escape() writes it: quotes around fields with , " or a line end.
Result<Rows> read_csv(std::string_view t) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> line;
  std::string field;
  size_t i = 0, lineno = 1;
  bool any = false;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '"' && field.empty()) {
      ++i;
      for (;;) {
        if (i >= t.size()) return Error{"line " + std::to_string(lineno) + ": unterminated quote", ErrorKind::kUsage};
        if (t[i] == '"') {
          if (i + 1 < t.size() && t[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        lineno += t[i] == '\n';
        field += t[i++];
      }
      any = true;
      continue;
    }
    ++i;
    if (c == ',') {
      line.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n') {
      line.push_back(std::move(field));
      field.clear();
      lines.push_back(std::move(line));
      line.clear();
      any = false;
      ++lineno;
    } else if (c != '\r') {
      field += c;
      any = true;
    }
  }
  if (any) {
    line.push_back(std::move(field));
    lines.push_back(std::move(line));
  }
  Rows out;
  if (lines.empty()) return Error{"empty: no header line", ErrorKind::kUsage};
  out.names = std::move(lines[0]);
  for (size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].size() != out.names.size())
      return Error{"line " + std::to_string(l + 1) + ": " + std::to_string(lines[l].size()) + " fields, the header has " +
                       std::to_string(out.names.size()),
                   ErrorKind::kUsage};
    std::vector<Field> row;
    for (auto& v : lines[l]) {
      Field f;
      if (!v.empty()) {
        f.kind = Field::Kind::kText;  // typed by Cell::guess below
        f.value = std::move(v);
      }
      row.push_back(std::move(f));
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Result<TableText> read_table(std::string_view text) {
  size_t first = 0;
  while (first < text.size() && std::strchr(" \t\r\n", text[first])) ++first;
  const bool json = first < text.size() && text[first] == '[';
  auto rows = json ? JsonReader(text).read() : read_csv(text);
  if (!rows) return rows.error();
  TableText out;
  out.json = json;
  std::vector<std::vector<Cell>> cells;
  std::vector<bool> left(rows->names.size(), false);
  for (const auto& r : rows->rows) {
    std::vector<Cell> row;
    for (size_t c = 0; c < r.size(); ++c) {
      const Field& f = r[c];
      if (f.kind == Field::Kind::kNull) {
        row.push_back(Cell::missing());
        continue;
      }
      // A JSON string is text even when it looks like a number; a CSV field
      // and a JSON number are typed as the printer would type them.
      Cell cell = json && f.kind == Field::Kind::kText ? Cell::text(f.value) : Cell::guess(f.value);
      // Names left, numbers and sizes ("64M") right, as the commands align them.
      if (cell.kind() == Cell::Kind::kText && !(f.value[0] >= '0' && f.value[0] <= '9')) left[c] = true;
      row.push_back(std::move(cell));
    }
    cells.push_back(std::move(row));
  }
  for (size_t c = 0; c < rows->names.size(); ++c)
    out.table.add_column(rows->names[c], left[c] ? Table::Align::kLeft : Table::Align::kRight);
  for (auto& r : cells) out.table.add_row(std::move(r));
  return out;
}

}  // namespace pagescope
