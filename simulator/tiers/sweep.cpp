#include "simulator/tiers/sweep.h"

#include <algorithm>

namespace pagescope::sim::tiers {

SweepResult smallest_memory(const Trace& trace, const policies::PolicyInfo& policy, uint64_t seed, const TierSpec& spec,
                            const std::vector<uint16_t>& sizes, double target_rate, const Progress& progress) {
  SweepResult out;
  uint32_t hi = std::max<uint32_t>(1, trace.distinct_pages());  // meets any target >= 0
  uint32_t lo = 1;
  out.frames = hi;
  out.run = simulate_tiered(trace, policy, hi, seed, spec, sizes, progress);
  ++out.replays;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    TieredRun r = simulate_tiered(trace, policy, mid, seed, spec, sizes, progress);
    ++out.replays;
    if (meets(r, target_rate)) {
      hi = mid;
      out.frames = mid;
      out.run = std::move(r);
    } else {
      lo = mid + 1;
    }
  }
  return out;
}

}  // namespace pagescope::sim::tiers
