// LRU-K with K = 2 (O'Neil, O'Neil & Weikum, "The LRU-K Page Replacement
// Algorithm For Database Disk Buffering", SIGMOD'93). The victim is the resident
// page whose second most recent reference is oldest (largest backward
// 2-distance). A page referenced only once has an infinite distance and goes
// first; among those the subsidiary policy is LRU, as the paper suggests.
//   Correlated reference period: none (0). Every reference counts, so two
//     references in a row already make a page "seen twice"; the paper's CRP
//     would need a time scale a page trace does not have.
//   Retained information period: unbounded. HIST(p) is kept for every page
//     ever seen, resident or not (flat arrays, 16 bytes per page), so a page
//     coming back after eviction carries its last reference as HIST(p, 2).
// Pages seen once sit on a list in order of their only reference (FIFO = LRU
// for them, since a hit moves them off it); the others in a heap keyed by
// HIST(p, 2). Times are stored + 1 so that 0 means "no such reference".
#include <vector>

#include "simulator/indexed_heap.h"
#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class LruK final : public Policy {
 public:
  explicit LruK(const PolicyConfig& c)
      : last_(c.pages, 0), penultimate_(c.pages, 0), links_(c.pages), once_(links_),
        heap_(c.pages, c.frames, Less{this}) {}

  void on_hit(const Access& a) override {
    const bool was_once = penultimate_[a.page] == 0;
    reference(a);
    if (was_once) {
      once_.unlink(a.page);
      heap_.push(a.page);
    } else {
      heap_.update(a.page);
    }
  }
  void on_insert(const Access& a) override {
    reference(a);  // HIST(p, 2) is the last reference of an earlier residency, if any
    if (penultimate_[a.page] == 0) once_.push_head(a.page); else heap_.push(a.page);
  }
  PageId pick_victim(const Access&) override {
    return once_.empty() ? heap_.pop() : once_.pop_tail();
  }
  void remove(PageId p) override {
    if (heap_.contains(p)) heap_.erase(p); else once_.unlink(p);
  }
  void grow(uint32_t pages) override {
    grow_to(last_, pages, uint64_t(0));
    grow_to(penultimate_, pages, uint64_t(0));
    links_.grow(pages);
    heap_.grow(pages);
  }

 private:
  void reference(const Access& a) {
    penultimate_[a.page] = last_[a.page];
    last_[a.page] = a.time + 1;
  }
  struct Less {
    const LruK* self;
    bool operator()(PageId a, PageId b) const { return self->penultimate_[a] < self->penultimate_[b]; }
  };
  std::vector<uint64_t> last_, penultimate_;  // HIST(p, 1), HIST(p, 2)
  PageLinks links_;
  PageList once_;
  IndexedHeap<Less> heap_;
};
}  // namespace

std::unique_ptr<Policy> make_lru2(const PolicyConfig& c) { return std::make_unique<LruK>(c); }

}  // namespace pagescope::sim::policies
