#include "simulator/tiers/tiered_replay.h"

#include <algorithm>
#include <string>

namespace pagescope::sim::tiers {

Status check_policy_for_tiers(const policies::PolicyInfo& policy) {
  const std::string name = policy.name;
  if (name == "arc" || name == "lirs")
    return Error{"--tier: policy " + name + " cannot run with a compressed tier yet (it assumes memory never shrinks)"};
  return Status::Ok();
}

TieredRun simulate_tiered(const Trace& trace, const policies::PolicyInfo& info, uint32_t frames, uint64_t seed,
                          const TierSpec& spec, const std::vector<uint16_t>& sizes, const Progress& progress) {
  frames = std::max<uint32_t>(1, frames);
  PolicyConfig pc;
  pc.frames = frames;
  pc.pages = trace.distinct_pages();
  pc.seed = seed;
  pc.trace = &trace;
  auto policy = info.make(pc);

  TierConfig tc;
  tc.pages = trace.distinct_pages();
  tc.memory_frames = frames;
  tc.sizes = &sizes;
  tc.pool_percent = spec.pool_percent;
  tc.charged = spec.charged;
  // Traces numbered in pages (page_size 1) are taken as 4 KiB pages.
  const uint64_t page_bytes = trace.page_size > 1 ? trace.page_size : 4096;
  tc.capacity_pages = spec.capacity_bytes ? std::max<uint64_t>(1, spec.capacity_bytes / page_bytes) : std::max<uint64_t>(1, frames / 2);
  std::unique_ptr<Tier> tier;
  switch (spec.kind) {
    case TierKind::kNone: tier = make_none(tc); break;
    case TierKind::kZswap: tier = make_zswap(tc); break;
    case TierKind::kZram: tier = make_zram(tc); break;
  }
  TieredRun r;
  r.sim = Engine(trace).run(*policy, frames, *tier, progress);
  r.tier = tier->stats();
  r.final_pool_bytes = tier->pool_bytes();
  r.final_stored_pages = tier->stored_pages();
  return r;
}

}  // namespace pagescope::sim::tiers
