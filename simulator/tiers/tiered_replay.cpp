#include "simulator/tiers/tiered_replay.h"

#include <algorithm>
#include <string>

namespace pagescope::sim::tiers {

bool needs_fixed_capacity(const policies::PolicyInfo& policy) {
  const std::string name = policy.name;
  return name == "arc" || name == "lirs";
}

namespace {

// One replay: the policy gets `policy_frames`, the tier is sized for `frames`.
TieredRun run_once(const Trace& trace, const policies::PolicyInfo& info, uint32_t frames, uint32_t policy_frames,
                   bool reserved, uint64_t seed, const TierSpec& spec, const std::vector<uint16_t>& sizes,
                   const Progress& progress) {
  PolicyConfig pc;
  pc.frames = policy_frames;
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
  tc.reserved = reserved;
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
  r.sim = Engine(trace).run(*policy, policy_frames, *tier, progress);
  r.tier = tier->stats();
  r.final_pool_bytes = tier->pool_bytes();
  r.final_stored_pages = tier->stored_pages();
  return r;
}

}  // namespace

TieredRun simulate_tiered(const Trace& trace, const policies::PolicyInfo& info, uint32_t frames, uint64_t seed,
                          const TierSpec& spec, const std::vector<uint16_t>& sizes, const Progress& progress) {
  frames = std::max<uint32_t>(1, frames);
  if (spec.kind == TierKind::kNone || !spec.charged || !needs_fixed_capacity(info))
    return run_once(trace, info, frames, frames, false, seed, spec, sizes, progress);
  uint32_t reserve = 0;
  for (int round = 1;; ++round) {
    TieredRun r = run_once(trace, info, frames, frames - reserve, true, seed, spec, sizes, progress);
    r.reserved_frames = reserve;
    // A reserved zswap pool and a charged zram hold at most memory less a
    // frame, so the peak never asks for every frame.
    const uint64_t need = std::min<uint64_t>((r.tier.peak_pool_bytes + 4095) / 4096, frames - 1);
    if (need <= reserve) return r;
    // R only grows; after enough rounds jump to the most the pool can take,
    // which holds by construction.
    reserve = round < 12 ? uint32_t(need) : frames - 1;
  }
}

}  // namespace pagescope::sim::tiers
