#include "simulator/tiers/page_sizes.h"

#include <algorithm>
#include <cmath>

namespace pagescope::sim::tiers {

namespace {

uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

double unit(uint64_t h) { return double(h >> 11) * (1.0 / 9007199254740992.0); }

}  // namespace

Status check_model(const CompressibilityModel& m) {
  if (!(m.ratio >= 1.0) || !std::isfinite(m.ratio))
    return Error{"--compress-ratio must be at least 1 (got " + std::to_string(m.ratio) + ")"};
  if (!(m.zero_fraction >= 0 && m.zero_fraction <= 1))
    return Error{"--zero-fraction must be in [0,1]"};
  if (!(m.incompressible_fraction >= 0 && m.incompressible_fraction <= 1))
    return Error{"--incompressible-fraction must be in [0,1]"};
  if (m.zero_fraction + m.incompressible_fraction > 1.0 + 1e-12)
    return Error{"--zero-fraction plus --incompressible-fraction exceed 1"};
  return Status::Ok();
}

std::vector<uint16_t> model_page_sizes(const Trace& trace, const CompressibilityModel& m) {
  std::vector<uint16_t> sizes(trace.distinct_pages());
  const double mean = double(kModelPage) / m.ratio;
  for (PageId p = 0; p < sizes.size(); ++p) {
    // Keyed on the original page number (and pid for per-process traces would
    // be the same page id space), not the dense id, so a page keeps its size
    // when the trace is cut or split.
    uint64_t h1 = mix(trace.page_of[p] ^ mix(m.seed));
    uint64_t h2 = mix(h1);
    double u = unit(h1);
    if (u < m.zero_fraction) {
      sizes[p] = 0;
    } else if (u < m.zero_fraction + m.incompressible_fraction) {
      sizes[p] = kModelPage;
    } else {
      double s = std::round(mean * (0.5 + unit(h2)));
      sizes[p] = uint16_t(std::clamp(s, 1.0, double(kModelPage)));
    }
  }
  return sizes;
}

}  // namespace pagescope::sim::tiers
