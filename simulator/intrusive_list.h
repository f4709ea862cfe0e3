// Doubly linked lists threaded through flat prev/next arrays indexed by dense
// page id. Several lists can share one PageLinks when a page is on at most one
// of them at a time (ARC's T1/T2/B1/B2, 2Q's A1in/Am/A1out). O(1) everything,
// no allocation after construction but grow().
#pragma once

#include <cstdint>
#include <vector>

#include "simulator/trace.h"

namespace pagescope::sim {

struct PageLinks {
  explicit PageLinks(uint32_t pages) : prev(pages, kNoPage), next(pages, kNoPage) {}
  // More pages (Policy::grow): the lists keep their order, ids stay valid.
  void grow(uint32_t pages) {
    if (prev.size() >= pages) return;
    prev.resize(pages, kNoPage);
    next.resize(pages, kNoPage);
  }
  std::vector<PageId> prev, next;
};

// head = most recently pushed (MRU / newest), tail = oldest.
class PageList {
 public:
  explicit PageList(PageLinks& links) : l_(&links) {}
  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  PageId head() const { return head_; }
  PageId tail() const { return tail_; }
  PageId next_toward_head(PageId p) const { return l_->prev[p]; }

  void push_head(PageId p) {
    l_->prev[p] = kNoPage;
    l_->next[p] = head_;
    if (head_ != kNoPage) l_->prev[head_] = p; else tail_ = p;
    head_ = p;
    ++size_;
  }
  void unlink(PageId p) {
    PageId pv = l_->prev[p], nx = l_->next[p];
    if (pv != kNoPage) l_->next[pv] = nx; else head_ = nx;
    if (nx != kNoPage) l_->prev[nx] = pv; else tail_ = pv;
    --size_;
  }
  PageId pop_tail() {
    PageId p = tail_;
    unlink(p);
    return p;
  }
  void move_to_head(PageId p) {
    if (head_ == p) return;
    unlink(p);
    push_head(p);
  }

 private:
  PageLinks* l_;
  PageId head_ = kNoPage, tail_ = kNoPage;
  uint32_t size_ = 0;
};

}  // namespace pagescope::sim
