// A binary heap of page ids with a position index, so a page's key can change
// or the page can leave in O(log n). Used where a policy needs "the page with
// the smallest key" (LFU, OPT). Storage is sized once, then grown with the pages (grow()).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "simulator/trace.h"

namespace pagescope::sim {

// Less(a, b): a should leave before b. Keys live in the caller; the heap is told
// when a key changed through update().
template <typename Less>
class IndexedHeap {
 public:
  IndexedHeap(uint32_t pages, uint32_t capacity, Less less) : pos_(pages, kNone), less_(less) {
    heap_.reserve(std::min(pages, capacity));  // grows with pages when streamed
  }
  void grow(uint32_t pages) {
    if (pos_.size() < pages) pos_.resize(pages, kNone);
  }
  bool empty() const { return heap_.empty(); }
  PageId top() const { return heap_.front(); }
  bool contains(PageId p) const { return pos_[p] != kNone; }
  void push(PageId p) {
    pos_[p] = static_cast<uint32_t>(heap_.size());
    heap_.push_back(p);
    up(pos_[p]);
  }
  PageId pop() {
    PageId p = heap_.front();
    erase(p);
    return p;
  }
  void erase(PageId p) {
    uint32_t i = pos_[p];
    pos_[p] = kNone;
    PageId last = heap_.back();
    heap_.pop_back();
    if (i == heap_.size()) return;
    heap_[i] = last;
    pos_[last] = i;
    update_at(i);
  }
  void update(PageId p) { update_at(pos_[p]); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  void update_at(uint32_t i) {
    if (i > 0 && less_(heap_[i], heap_[(i - 1) / 2])) up(i); else down(i);
  }
  void up(uint32_t i) {
    PageId p = heap_[i];
    while (i > 0) {
      uint32_t parent = (i - 1) / 2;
      if (!less_(p, heap_[parent])) break;
      heap_[i] = heap_[parent];
      pos_[heap_[i]] = i;
      i = parent;
    }
    heap_[i] = p;
    pos_[p] = i;
  }
  void down(uint32_t i) {
    PageId p = heap_[i];
    const uint32_t n = static_cast<uint32_t>(heap_.size());
    for (;;) {
      uint32_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && less_(heap_[c + 1], heap_[c])) ++c;
      if (!less_(heap_[c], p)) break;
      heap_[i] = heap_[c];
      pos_[heap_[i]] = i;
      i = c;
    }
    heap_[i] = p;
    pos_[p] = i;
  }
  std::vector<PageId> heap_;
  std::vector<uint32_t> pos_;
  Less less_;
};

}  // namespace pagescope::sim
