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

SimResult Engine::run(Policy& policy, uint32_t frames, const Progress& progress) const {
  SimResult r;
  const size_t n = trace_.size();
  const PageId* refs = trace_.refs.data();
  const uint8_t* writes = trace_.writes.data();
  // Per page: bit 0 resident, bit 1 dirty, bit 2 seen before.
  enum : uint8_t { kResident = 1, kDirty = 2, kSeen = 4 };
  std::vector<uint8_t> state(trace_.distinct_pages(), 0);
  uint32_t used = 0;
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
        if (!(s & kSeen)) ++r.cold_faults;
        if (used == frames) {
          PageId v = policy.pick_victim(a);
          ++r.evictions;
          if (state[v] & kDirty) ++r.dirty_writebacks;
          state[v] &= ~(kResident | kDirty);
        } else {
          ++used;
        }
        s |= kResident | kSeen;
        policy.on_insert(a);
      }
      if (a.write) s |= kDirty;
    }
    if (progress) progress(end, n);
  }
  r.references = n;
  return r;
}

SimResult Engine::run(Policy& policy, uint32_t frames, tiers::Tier& tier, const Progress& progress) const {
  SimResult r;
  const size_t n = trace_.size();
  const PageId* refs = trace_.refs.data();
  const uint8_t* writes = trace_.writes.data();
  enum : uint8_t { kResident = 1, kDirty = 2, kSeen = 4 };
  std::vector<uint8_t> state(trace_.distinct_pages(), 0);
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
        if (used > 0 && used + tier.ram_frames() >= frames) {
          PageId v = policy.pick_victim(a);
          evicted(v);
        }
        ++used;
        s |= kResident | kSeen;
        policy.on_insert(a);
        // Storing a victim grows the pool by part of a frame, so memory can
        // now be over budget: evict more. Policies expect every pick_victim to
        // be followed by an insert into the freed frame (Clock reuses the
        // hand's slot), so each extra victim is handed back to the policy and
        // removed through remove(). It ends because each store adds less RAM
        // than the frame it frees; one page always stays resident.
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

}  // namespace pagescope::sim
