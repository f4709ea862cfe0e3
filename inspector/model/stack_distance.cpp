#include "inspector/model/stack_distance.h"

#include <algorithm>

namespace pagescope::model {

uint64_t StackDistances::misses(uint64_t frames) const {
  uint64_t m = cold;
  for (size_t d = frames + 1; d < hits_at.size(); ++d) m += hits_at[d];
  return m;
}

// One mark per page, at the time of its latest reference: the marks after a
// page's previous reference are the distinct pages touched since. Times are
// slots in a Fenwick tree that holds at most one live mark per page, so when
// its slots run out the live marks are renumbered 0..live-1 in time order
// (order is all a distance needs) and the tree is rebuilt at twice the live
// count: O(pages) memory however long the trace, amortized O(1) extra work
// per reference. (A loaded trace of n references used an n-slot tree.)
LruStackCounter::LruStackCounter(uint32_t pages, size_t min_slots) : min_slots_(min_slots) {
  grow(pages);
}

void LruStackCounter::grow(uint32_t pages) {
  if (last_.size() < pages) last_.resize(pages, kNever);
  if (out_.hits_at.size() < size_t{pages} + 1) out_.hits_at.resize(size_t{pages} + 1, 0);
  if (page_at_.empty()) compact(pages);
}

void LruStackCounter::compact(uint32_t pages) {
  // Live marks in time order, renumbered from 0.
  std::vector<Id> live;
  live.reserve(distinct_);
  for (uint64_t t = 0; t < tick_; ++t) {
    const Id p = page_at_[t];
    if (p != kNoId && last_[p] == t) live.push_back(p);
  }
  const size_t slots =
      std::max<size_t>({min_slots_, 2 * live.size() + (size_t{1} << 12), 2 * size_t{pages}});
  page_at_.assign(slots, kNoId);
  marks_ = Fenwick(slots);
  for (size_t t = 0; t < live.size(); ++t) {
    page_at_[t] = live[t];
    last_[live[t]] = t;
    marks_.add(t, 1);
  }
  tick_ = live.size();
}

void LruStackCounter::feed(const Id* refs, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (tick_ == page_at_.size()) compact(0);
    const Id p = refs[i];
    const uint64_t prev = last_[p];
    if (prev == kNever) {
      ++out_.cold;
      ++distinct_;
    } else {
      // marks in (prev, t) = distinct - marks in [0, prev]; plus the page itself.
      uint64_t d = distinct_ - static_cast<uint64_t>(marks_.prefix(prev + 1)) + 1;
      ++out_.hits_at[d];
      marks_.add(prev, -1);
    }
    marks_.add(tick_, 1);
    page_at_[tick_] = p;
    last_[p] = tick_++;
  }
  out_.references += n;
}

StackDistances LruStackCounter::finish() {
  out_.hits_at.resize(distinct_ + 1);
  return std::move(out_);
}

}  // namespace pagescope::model
