// One replay with a compressed tier: builds the policy and the tier from their
// descriptions and runs the engine's tiered loop.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "simulator/engine.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/tier.h"
#include "simulator/trace.h"

namespace pagescope::sim::tiers {

struct TieredRun {
  SimResult sim;
  TierStats tier;
  uint64_t final_pool_bytes = 0;
  uint64_t final_stored_pages = 0;
  uint32_t reserved_frames = 0;  // fixed-capacity policies: frames set aside for the tier up front
};

// A tier's RAM makes the memory the policy may use shrink and grow during a
// run. ARC and LIRS keep directory invariants that assume a victim is asked
// for only when all their frames are in use (they crashed otherwise), so
// for them the tier's RAM is reserved up front instead: the policy runs with
// frames - R, where R is the smallest fixed point of "R >= the pool's peak
// RAM in a run with frames - R" (found by repeating the run with R raised to
// the last peak; R only grows, so it ends, usually in 2-4 runs). The memory
// budget then holds at every moment, but the pool's RAM is idle while the
// pool is small: a lower bound on what a dynamic split would give.
bool needs_fixed_capacity(const policies::PolicyInfo& policy);

// `sizes` (from model_page_sizes) may be empty for the none tier.
TieredRun simulate_tiered(const Trace& trace, const policies::PolicyInfo& policy, uint32_t frames, uint64_t seed,
                          const TierSpec& spec, const std::vector<uint16_t>& sizes, const Progress& progress = {});

}  // namespace pagescope::sim::tiers
