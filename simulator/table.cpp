#include "simulator/table.h"

#include <algorithm>

namespace pagescope::sim {

void Table::add_column(std::string name, bool numeric, bool right_aligned) {
  names_.push_back(std::move(name));
  numeric_.push_back(numeric);
  right_.push_back(right_aligned);
}

void Table::add_row(std::vector<std::string> cells) {
  cells.resize(names_.size());
  rows_.push_back(std::move(cells));
}

void Table::print_aligned(FILE* out) const {
  std::vector<size_t> width(names_.size());
  for (size_t c = 0; c < names_.size(); ++c) {
    width[c] = names_[c].size();
    for (const auto& r : rows_) width[c] = std::max(width[c], r[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c) s += "  ";
      std::string pad(width[c] - cells[c].size(), ' ');
      s += right_[c] ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : "");
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  line(names_);
  for (const auto& r : rows_) line(r);
}

static std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

void Table::print_csv(FILE* out) const {
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) s += (c ? "," : "") + csv_cell(cells[c]);
    std::fprintf(out, "%s\n", s.c_str());
  };
  line(names_);
  for (const auto& r : rows_) line(r);
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    switch (ch) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          o += buf;
        } else {
          o += ch;
        }
    }
  }
  return o;
}

void Table::print_json(FILE* out) const {
  std::fprintf(out, "[");
  for (size_t r = 0; r < rows_.size(); ++r) {
    std::fprintf(out, "%s\n  {", r ? "," : "");
    for (size_t c = 0; c < names_.size(); ++c) {
      const std::string& v = rows_[r][c];
      bool num = numeric_[c] && !v.empty();
      std::fprintf(out, "%s\"%s\": %s%s%s", c ? ", " : "", json_escape(names_[c]).c_str(),
                   num ? "" : "\"", num ? v.c_str() : json_escape(v).c_str(), num ? "" : "\"");
    }
    std::fprintf(out, "}");
  }
  std::fprintf(out, "%s]\n", rows_.empty() ? "" : "\n");
}

}  // namespace pagescope::sim
