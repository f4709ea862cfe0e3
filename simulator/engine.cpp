#include "simulator/engine.h"

#include <algorithm>
#include <vector>

namespace pagescope::sim {

SimResult& SimResult::operator+=(const SimResult& o) {
  references += o.references;
  faults += o.faults;
  cold_faults += o.cold_faults;
  evictions += o.evictions;
  dirty_writebacks += o.dirty_writebacks;
  return *this;
}

namespace {

// No tier: evicted pages just leave memory. Inline no-ops, so the plain replay
// (the hot path benchmarks measure) pays nothing for the tier hooks.
struct NoTier {
  void store(PageId) {}
  void load(PageId) {}
  uint64_t ram_frames() const { return 0; }
};

// The one access loop. With a tier, evicted pages go to it, faults on pages
// seen before are served by it, and the policy may use only the frames the
// tier's RAM leaves free (so it evicts more as the pool grows).
template <typename TierT>
SimResult replay(const Trace& trace, Policy& policy, uint32_t frames, TierT& tier,
                 const Progress& progress) {
  SimResult r;
  const size_t n = trace.size();
  const PageId* refs = trace.refs.data();
  const uint8_t* writes = trace.writes.data();
  // Per page: bit 0 resident, bit 1 dirty, bit 2 seen before.
  enum : uint8_t { kResident = 1, kDirty = 2, kSeen = 4 };
  std::vector<uint8_t> state(trace.distinct_pages(), 0);
  uint64_t used = 0;
  auto evicted = [&](PageId v) {
    ++r.evictions;
    if (state[v] & kDirty) ++r.dirty_writebacks;
    state[v] &= ~(kResident | kDirty);
    --used;
    tier.store(v);
  };
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t begin = 0; begin < n; begin += kChunk) {
    const size_t end = std::min(n, begin + kChunk);
    for (size_t t = begin; t < end; ++t) {
      const Access a{refs[t], t, writes[t] != 0};
      uint8_t& s = state[a.page];
      if (s & kResident) {
        policy.on_hit(a);
      } else {
        ++r.faults;
        if (s & kSeen) {
          tier.load(a.page);  // leaves the tier first: that may free a frame
        } else {
          ++r.cold_faults;
        }
        // Room for one more page next to the tier's RAM: the usual one victim.
        if (used > 0 && used + tier.ram_frames() >= frames) evicted(policy.pick_victim(a));
        ++used;
        s |= kResident | kSeen;
        policy.on_insert(a);
        // Storing a victim grows the pool by part of a frame, so memory can
        // now be over budget: evict more. Policies expect every pick_victim to
        // be followed by an insert into the freed frame (Clock reuses the
        // hand's slot), so each extra victim is handed back to the policy and
        // removed through remove(). It ends because each store adds less RAM
        // than the frame it frees; one page always stays resident. Without a
        // tier ram_frames() is 0 and this never runs.
        while (used > 1 && used + tier.ram_frames() > frames) {
          PageId v = policy.pick_victim(a);
          policy.on_insert(Access{v, a.time, false});
          policy.remove(v);
          evicted(v);
        }
      }
      if (a.write) s |= kDirty;
    }
    if (progress) progress(end, n);
  }
  r.references = n;
  return r;
}

}  // namespace

SimResult Engine::run(Policy& policy, uint32_t frames, const Progress& progress) const {
  NoTier none;
  return replay(trace_, policy, frames, none, progress);
}

SimResult Engine::run(Policy& policy, uint32_t frames, tiers::Tier& tier,
                      const Progress& progress) const {
  return replay(trace_, policy, frames, tier, progress);
}

}  // namespace pagescope::sim
