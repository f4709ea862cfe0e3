#include "common/table.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>

#include "common/units.h"

namespace pagescope {

Cell Cell::text(std::string s) {
  std::string shown = printable(s);
  return Cell(Kind::kText, std::move(shown), std::move(s));
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool c1 = c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(s[i + 1]) <= 0x9f;
    if (c < 0x20 || c == 0x7f || c1) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c1 ? static_cast<unsigned char>(s[++i]) : c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Cell Cell::integer(int64_t v) { return Cell(Kind::kInteger, std::to_string(v), std::to_string(v)); }

Cell Cell::count(uint64_t v) { return Cell(Kind::kInteger, std::to_string(v), std::to_string(v)); }

Cell Cell::real(double v, int decimals) {
  if (!std::isfinite(v)) return missing();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return Cell(Kind::kReal, buf, buf);
}

Cell Cell::hex(uint64_t v) {
  std::string h = format_hex(v);
  return Cell(Kind::kHex, h, "0x" + h);
}

Cell Cell::bytes(uint64_t v, bool negative) {
  std::string s = (negative && v ? "-" : "") + format_bytes(v);
  std::string m = s;
  return Cell(Kind::kBytes, std::move(s), std::move(m));
}

Cell Cell::missing() { return Cell(Kind::kMissing, "-", ""); }

namespace {
// A JSON number as -?(0|[1-9][0-9]*)(\.[0-9]+)?: what to_string and %.Nf print.
bool plain_decimal(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  const size_t digits = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits || (s[digits] == '0' && i - digits > 1)) return false;
  if (i < s.size() && s[i] == '.') {
    const size_t frac = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac) return false;
  }
  return i == s.size();
}
}  // namespace

Cell Cell::guess(std::string s) {
  if (!plain_decimal(s)) return text(std::move(s));
  std::string m = s;
  return Cell(m.find('.') == std::string::npos ? Kind::kInteger : Kind::kReal, std::move(s), std::move(m));
}

std::string Cell::csv() const { return kind_ == Kind::kMissing ? std::string() : csv_escape(machine_); }

std::string Cell::json() const {
  switch (kind_) {
    case Kind::kInteger:
    case Kind::kReal: return machine_;
    case Kind::kMissing: return "null";
    case Kind::kText:
    case Kind::kHex:
    case Kind::kBytes: break;
  }
  return json_escape(machine_);
}

Table::Table(std::vector<std::string> columns) {
  for (std::string& c : columns) {
    const bool left = !c.empty() && c.back() == '<';
    if (left) c.pop_back();
    add_column(std::move(c), left ? Align::kLeft : Align::kRight);
  }
}

void Table::add_column(std::string name, Align align) {
  names_.push_back(std::move(name));
  left_.push_back(align == Align::kLeft);
  not_measured_.push_back(false);
  for (auto& row : rows_) row.push_back(Cell::missing());
}

void Table::add_row(std::vector<Cell> cells) {
  cells.resize(names_.size(), Cell::missing());
  rows_.push_back(std::move(cells));
}

void Table::add_row(std::initializer_list<std::string> cells) {
  std::vector<Cell> typed;
  typed.reserve(cells.size());
  for (const std::string& s : cells) typed.push_back(Cell::guess(s));
  add_row(std::move(typed));
}

void Table::set_not_measured(std::string_view column) {
  for (size_t c = 0; c < names_.size(); ++c) {
    if (names_[c] == column) not_measured_[c] = true;
  }
}

bool Table::has_column(std::string_view column) const {
  return std::find(names_.begin(), names_.end(), column) != names_.end();
}

bool Table::measured(std::string_view column) const {
  for (size_t c = 0; c < names_.size(); ++c) {
    if (names_[c] == column) return !not_measured_[c];
  }
  return true;
}

const Cell& Table::cell(size_t row, size_t column) const {
  static const Cell kMissing = Cell::missing();
  return not_measured_[column] ? kMissing : rows_[row][column];
}

std::string Table::aligned() const {
  std::vector<size_t> width(names_.size());
  for (size_t c = 0; c < names_.size(); ++c) {
    width[c] = names_[c].size();
    for (size_t r = 0; r < rows_.size(); ++r) width[c] = std::max(width[c], cell(r, c).shown().size());
  }
  std::string out;
  auto line = [&](auto text_of) {
    std::string s;
    for (size_t c = 0; c < names_.size(); ++c) {
      const std::string& t = text_of(c);
      const bool last = c + 1 == names_.size();
      const size_t pad = width[c] - t.size();
      if (c) s += "  ";
      if (!left_[c]) s.append(pad, ' ');
      s += t;
      if (left_[c] && !last) s.append(pad, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    out += s;
    out += '\n';
  };
  line([&](size_t c) -> const std::string& { return names_[c]; });
  for (size_t r = 0; r < rows_.size(); ++r) line([&](size_t c) -> const std::string& { return cell(r, c).shown(); });
  return out;
}

std::string Table::csv() const {
  std::string out;
  for (size_t c = 0; c < names_.size(); ++c) out += (c ? "," : "") + csv_escape(names_[c]);
  out += '\n';
  for (size_t r = 0; r < rows_.size(); ++r) {
    for (size_t c = 0; c < names_.size(); ++c) out += (c ? "," : "") + cell(r, c).csv();
    out += '\n';
  }
  return out;
}

std::string Table::json() const {
  std::string out = "[";
  for (size_t r = 0; r < rows_.size(); ++r) {
    out += r ? ",\n  {" : "\n  {";
    for (size_t c = 0; c < names_.size(); ++c) {
      out += (c ? ", " : "") + json_escape(names_[c]) + ": " + cell(r, c).json();
    }
    out += "}";
  }
  out += rows_.empty() ? "]" : "\n]";
  return out;
}

void Table::print_aligned(std::FILE* out) const { std::fputs(aligned().c_str(), out); }
void Table::print_csv(std::FILE* out) const { std::fputs(csv().c_str(), out); }
void Table::print_json(std::FILE* out) const { std::fputs(json().c_str(), out); }

std::string json_escape(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  return out + "\"";
}

std::string csv_escape(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string format_hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}

}  // namespace pagescope
