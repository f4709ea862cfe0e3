// LFU: evict the resident page with the fewest references since it was loaded
// (the count starts at 1 on a fault and is forgotten on eviction: "in-cache"
// LFU); ties go to the page referenced least recently.
#include <vector>

#include "simulator/indexed_heap.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Lfu final : public Policy {
 public:
  explicit Lfu(const PolicyConfig& c)
      : count_(c.pages, 0), last_(c.pages, 0), heap_(c.pages, c.frames, Less{this}) {}
  void on_hit(const Access& a) override {
    ++count_[a.page];
    last_[a.page] = a.time;
    heap_.update(a.page);
  }
  void on_insert(const Access& a) override {
    count_[a.page] = 1;
    last_[a.page] = a.time;
    heap_.push(a.page);
  }
  PageId pick_victim(const Access&) override { return heap_.pop(); }
  void remove(PageId p) override { heap_.erase(p); }
  void grow(uint32_t pages) override {
    grow_to(count_, pages, uint64_t(0));
    grow_to(last_, pages, uint64_t(0));
    heap_.grow(pages);
  }

 private:
  struct Less {
    const Lfu* self;
    bool operator()(PageId a, PageId b) const {
      if (self->count_[a] != self->count_[b]) return self->count_[a] < self->count_[b];
      return self->last_[a] < self->last_[b];
    }
  };
  std::vector<uint64_t> count_, last_;
  IndexedHeap<Less> heap_;
};
}  // namespace

std::unique_ptr<Policy> make_lfu(const PolicyConfig& c) { return std::make_unique<Lfu>(c); }

}  // namespace pagescope::sim::policies
