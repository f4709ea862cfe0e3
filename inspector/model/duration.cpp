#include "inspector/model/duration.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace pagescope::model {

Result<uint64_t> parse_duration_ns(std::string_view text) {
  const std::string s(text);
  const char* begin = s.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(v) || v < 0) {
    return Error{"bad duration \"" + s + "\" (expected e.g. 2.5s, 100ms, 250us)"};
  }
  const std::string unit(end);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1e9;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ns") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60e9;
  else return Error{"bad duration unit in \"" + s + "\" (use ns, us, ms, s or m)"};
  return uint64_t(std::llround(v * scale));
}

Result<std::vector<uint64_t>> parse_duration_list(std::string_view text) {
  std::vector<uint64_t> out;
  while (true) {
    const size_t comma = text.find(',');
    auto d = parse_duration_ns(text.substr(0, comma));
    if (!d) return d.error();
    out.push_back(d.value());
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace pagescope::model
