#include "simulator/units.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace pagescope::sim {

Result<uint64_t> parse_byte_size(const std::string& text) {
  if (text.empty()) return Error{"empty size"};
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || v < 0 || !std::isfinite(v)) return Error{"not a size: '" + text + "'"};
  std::string suffix(end);
  double mult = 1;
  if (suffix.empty() || suffix == "B") mult = 1;
  else if (suffix == "K" || suffix == "k" || suffix == "KiB" || suffix == "KB") mult = 1024.0;
  else if (suffix == "M" || suffix == "MiB" || suffix == "MB") mult = 1024.0 * 1024;
  else if (suffix == "G" || suffix == "GiB" || suffix == "GB") mult = 1024.0 * 1024 * 1024;
  else if (suffix == "T" || suffix == "TiB" || suffix == "TB") mult = 1024.0 * 1024 * 1024 * 1024;
  else return Error{"not a size: '" + text + "' (use a number with K, M, G or T)"};
  double bytes = v * mult;
  if (bytes >= 1.8e19) return Error{"size too large: '" + text + "'"};
  return static_cast<uint64_t>(std::llround(bytes));
}

Result<std::vector<uint64_t>> parse_size_list(const std::string& text, bool bytes) {
  std::vector<uint64_t> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (bytes) {
      auto v = parse_byte_size(item);
      if (!v) return v.error();
      out.push_back(*v);
    } else {
      char* end = nullptr;
      unsigned long long v = std::strtoull(item.c_str(), &end, 10);
      if (item.empty() || *end != '\0' || item[0] == '-')
        return Error{"not a frame count: '" + item + "'"};
      out.push_back(v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string format_bytes(uint64_t bytes) {
  static const char* units[] = {"", "K", "M", "G", "T", "P"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f%s", v, units[u]);
  else std::snprintf(buf, sizeof buf, "%.3g%s", v, units[u]);
  return buf;
}

}  // namespace pagescope::sim
