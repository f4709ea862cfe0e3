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

}  // namespace pagescope::sim
