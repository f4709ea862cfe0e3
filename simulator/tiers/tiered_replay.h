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
};

// A tier's RAM makes the memory the policy may use shrink and grow during a
// run. ARC and LIRS keep directory invariants that assume a victim is asked
// for only when all `frames` are in use, and crash otherwise, so they are
// refused with a tier (until they learn a shrinking capacity).
Status check_policy_for_tiers(const policies::PolicyInfo& policy);

// `sizes` (from model_page_sizes) may be empty for the none tier.
TieredRun simulate_tiered(const Trace& trace, const policies::PolicyInfo& policy, uint32_t frames, uint64_t seed,
                          const TierSpec& spec, const std::vector<uint16_t>& sizes, const Progress& progress = {});

}  // namespace pagescope::sim::tiers
