#include "lab/byte_size.h"

#include <cstdio>
#include <limits>

namespace pagescope::lab {

Result<std::uint64_t> ParseByteSize(std::string_view text, std::string_view what) {
  auto bad = [&]() {
    return Error{std::string(what) + ": '" + std::string(text) +
                 "' is not a size (examples: 4096, 512K, 64M, 1G)"};
  };
  std::string_view digits = text;
  unsigned shift = 0;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 'k': case 'K': shift = 10; break;
      case 'm': case 'M': shift = 20; break;
      case 'g': case 'G': shift = 30; break;
      case 't': case 'T': shift = 40; break;
      default: break;
    }
    if (shift) digits.remove_suffix(1);
  }
  if (digits.empty()) return bad();
  std::uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return bad();
    if (value > std::numeric_limits<std::uint64_t>::max() / 10) return bad();
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (shift && value > (std::numeric_limits<std::uint64_t>::max() >> shift)) return bad();
  return value << shift;
}

std::string FormatBytes(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 4) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  if (unit == 0 || v == static_cast<double>(static_cast<std::uint64_t>(v)))
    std::snprintf(buf, sizeof buf, "%.0f %s", v, kUnits[unit]);
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

}  // namespace pagescope::lab
