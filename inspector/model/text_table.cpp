#include "inspector/model/text_table.h"

#include <algorithm>
#include <cinttypes>
#include <cstdlib>

namespace pagescope::model {

TextTable::TextTable(std::vector<std::string> columns) {
  for (std::string& c : columns) {
    const bool left = !c.empty() && c.back() == '<';
    if (left) c.pop_back();
    left_.push_back(left);
    names_.push_back(std::move(c));
  }
  not_measured_.assign(names_.size(), false);
}

void TextTable::set_not_measured(std::string_view column) {
  for (size_t c = 0; c < names_.size(); ++c) {
    if (names_[c] == column) not_measured_[c] = true;
  }
}

bool TextTable::has_column(std::string_view column) const {
  for (const std::string& name : names_) {
    if (name == column) return true;
  }
  return false;
}

bool TextTable::measured(std::string_view column) const {
  for (size_t c = 0; c < names_.size(); ++c) {
    if (names_[c] == column) return !not_measured_[c];
  }
  return true;
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(names_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::print_aligned(std::FILE* out) const {
  static const std::string kDash = "-";
  auto cell = [&](const std::vector<std::string>& row, size_t c) -> const std::string& {
    return not_measured_[c] ? kDash : row[c];
  };
  std::vector<size_t> width(names_.size());
  for (size_t c = 0; c < names_.size(); ++c) width[c] = names_[c].size();
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], cell(row, c).size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      const size_t pad = width[c] - cells[c].size();
      if (c) s += "  ";
      if (!left_[c]) s.append(pad, ' ');
      s += cells[c];
      if (left_[c] && !last) s.append(pad, ' ');
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    std::fprintf(out, "%s\n", s.c_str());
  };
  line(names_);
  const bool all_measured = std::find(not_measured_.begin(), not_measured_.end(), true) == not_measured_.end();
  std::vector<std::string> shown;
  for (const auto& row : rows_) {
    if (all_measured) {
      line(row);
      continue;
    }
    shown.assign(row.size(), {});
    for (size_t c = 0; c < row.size(); ++c) shown[c] = cell(row, c);
    line(shown);
  }
}

void TextTable::print_csv(std::FILE* out) const {
  auto line = [&](const std::vector<std::string>& cells, bool header) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c) s += ',';
      if (header || !not_measured_[c]) s += csv_escape(cells[c]);
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  line(names_, true);
  for (const auto& row : rows_) line(row, false);
}

namespace {
bool looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  // Hex addresses and "-" stay strings; plain decimals become numbers.
  return end == s.c_str() + s.size() && s.find_first_of("xXeEnN") == std::string::npos;
}
}  // namespace

void TextTable::print_json_array(std::FILE* out) const {
  std::fprintf(out, "[");
  for (size_t r = 0; r < rows_.size(); ++r) {
    std::fprintf(out, "%s\n  {", r ? "," : "");
    for (size_t c = 0; c < names_.size(); ++c) {
      const std::string& v = rows_[r][c];
      std::fprintf(out, "%s%s: %s", c ? ", " : "", json_escape(names_[c]).c_str(),
                   not_measured_[c] ? "null" : looks_numeric(v) ? v.c_str() : json_escape(v).c_str());
    }
    std::fprintf(out, "}");
  }
  std::fprintf(out, "%s]", rows_.empty() ? "" : "\n");
}

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
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
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

}  // namespace pagescope::model
