#include "simulator/tiers/spec.h"

#include <cmath>
#include <cstdlib>

#include "common/units.h"
#include "compressors/compressor.h"

namespace pagescope::sim::tiers {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

bool known_compressor(const std::string& name) { return compressors::make_compressor(name).ok(); }

Result<TierSpec> parse_one(const std::string& text) {
  auto parts = split(text, ':');
  TierSpec t;
  t.text = text;
  const std::string where = "--tier '" + text + "': ";
  if (parts[0] == "none") {
    if (parts.size() > 1) return Error{where + "none takes no parameters"};
    return t;
  }
  if (parts[0] != "zswap" && parts[0] != "zram")
    return Error{where + "unknown tier '" + parts[0] + "' (known: none, zswap, zram)"};
  t.kind = parts[0] == "zswap" ? TierKind::kZswap : TierKind::kZram;
  const size_t max_parts = t.kind == TierKind::kZswap ? 3 : 4;
  if (parts.size() > max_parts)
    return Error{where + "too many ':' parts (" + (t.kind == TierKind::kZswap ? "zswap:COMPRESSOR:PCT%)" : "zram:COMPRESSOR:SIZE:uncharged)")};
  if (parts.size() == 4) {
    if (parts[3] != "uncharged") return Error{where + "unknown zram option '" + parts[3] + "' (known: uncharged)"};
    t.charged = false;
  }
  t.compressor = parts.size() > 1 && !parts[1].empty() ? parts[1] : "lz4";
  if (!known_compressor(t.compressor))
    return Error{where + "unknown compressor '" + t.compressor + "' (known: " + compressors::compressor_names() + ")"};
  if (parts.size() < 3) return t;
  const std::string& p = parts[2];
  if (p.empty() && t.kind == TierKind::kZram) return t;  // zram:lz4::uncharged keeps the default size
  if (t.kind == TierKind::kZswap) {
    std::string num = !p.empty() && p.back() == '%' ? p.substr(0, p.size() - 1) : p;
    char* end = nullptr;
    double v = num.empty() ? NAN : std::strtod(num.c_str(), &end);
    if (num.empty() || *end != '\0' || !std::isfinite(v))
      return Error{where + "pool limit '" + p + "' is not a percentage like 20%"};
    if (!(v > 0 && v <= 100)) return Error{where + "pool limit " + p + " is outside (0,100]%"};
    t.pool_percent = v;
  } else {
    auto size = parse_byte_size(p);
    if (!size) return Error{where + "capacity: " + size.error().message};
    if (*size == 0) return Error{where + "zram capacity must be more than 0"};
    t.capacity_bytes = *size;
  }
  return t;
}

}  // namespace

Result<std::vector<TierSpec>> parse_tier_list(const std::string& list) {
  std::vector<TierSpec> out;
  for (const auto& item : split(list, ',')) {
    if (item.empty()) return Error{"--tier: empty entry in '" + list + "'"};
    auto t = parse_one(item);
    if (!t) return t.error();
    out.push_back(std::move(*t));
  }
  return out;
}

}  // namespace pagescope::sim::tiers
