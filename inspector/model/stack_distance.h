// Exact LRU stack distances (Mattson et al., "Evaluation techniques for
// storage hierarchies", IBM Systems Journal 9(2), 1970): a reference's
// distance is the number of distinct pages touched since that page's previous
// reference, itself included, so LRU with c frames hits exactly the
// references at distance <= c and one histogram answers every size.
//
// In the model, not in simulator/: `inspect --locality` (a reuse-distance
// histogram per process) and the simulator's MRCs (simulator/mrc.h, which
// re-exports these names) count with this one implementation, and the model
// is the lower layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "inspector/model/fenwick.h"

namespace pagescope::model {

// Stack-distance histogram: hits_at[d] = references with distance d (d >= 1);
// cold = first references (infinite distance).
struct StackDistances {
  std::vector<uint64_t> hits_at;
  uint64_t cold = 0;
  uint64_t references = 0;
  // Exact LRU misses with `frames` frames.
  uint64_t misses(uint64_t frames) const;
};

// Fed dense page ids (0, 1, 2, ... in any order, each below the count given
// to grow()) piece by piece: memory O(pages), not O(references), and O(log
// pages) per reference with a Fenwick tree over last-reference times.
class LruStackCounter {
 public:
  using Id = uint32_t;
  static constexpr Id kNoId = UINT32_MAX;

  // The tree's size never falls below `min_slots` (x 8 bytes with the slot
  // table). The simulator's one counter per curve keeps the old 64 Ki; the
  // model's one per live process starts small (kSmallSlots: 32 KiB) and grows.
  static constexpr size_t kDefaultSlots = size_t{1} << 16;
  static constexpr size_t kSmallSlots = size_t{1} << 12;
  explicit LruStackCounter(uint32_t pages = 0, size_t min_slots = kDefaultSlots);
  void grow(uint32_t pages);  // ids below `pages` may come
  void feed(const Id* refs, size_t n);
  void feed(Id ref) { feed(&ref, 1); }
  // The histogram so far (hits_at may be longer than distinct pages + 1).
  const StackDistances& current() const { return out_; }
  StackDistances finish();  // hits_at sized distinct pages + 1

 private:
  void compact(uint32_t pages);
  static constexpr uint64_t kNever = UINT64_MAX;
  StackDistances out_;
  std::vector<uint64_t> last_;  // page -> slot of its latest reference
  std::vector<Id> page_at_;     // slot -> page
  Fenwick marks_{0};
  uint64_t tick_ = 0, distinct_ = 0;
  size_t min_slots_ = kDefaultSlots;
};

}  // namespace pagescope::model
