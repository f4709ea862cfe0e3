// OPT / MIN (Belady, IBM Systems Journal 1966): evict the resident page whose
// next reference is farthest in the future (never referenced again = infinity).
// The next use of every reference is precomputed in one backward pass, so each
// decision is a heap operation. Optimal for fault count, so every other policy
// must fault at least as often: the property tests check exactly that.
#include <vector>

#include "simulator/indexed_heap.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Opt final : public Policy {
 public:
  explicit Opt(const PolicyConfig& c)
      : next_use_(c.trace->size()), key_(c.pages, 0), heap_(c.pages, c.frames, Later{this}) {
    const Trace& t = *c.trace;
    std::vector<uint64_t> seen(c.pages, kNever);
    for (size_t i = t.size(); i-- > 0;) {
      next_use_[i] = seen[t.refs[i]];
      seen[t.refs[i]] = i;
    }
  }
  void on_hit(const Access& a) override {
    key_[a.page] = next_use_[a.time];
    heap_.update(a.page);
  }
  void on_insert(const Access& a) override {
    key_[a.page] = next_use_[a.time];
    heap_.push(a.page);
  }
  PageId pick_victim(const Access&) override { return heap_.pop(); }
  void remove(PageId p) override { heap_.erase(p); }
  void grow(uint32_t pages) override {
    key_.resize(std::max<size_t>(key_.size(), pages), 0);
    heap_.grow(pages);
  }

 private:
  static constexpr uint64_t kNever = UINT64_MAX;
  struct Later {
    const Opt* self;
    bool operator()(PageId a, PageId b) const { return self->key_[a] > self->key_[b]; }
  };
  std::vector<uint64_t> next_use_;
  std::vector<uint64_t> key_;
  IndexedHeap<Later> heap_;
};
}  // namespace

std::unique_ptr<Policy> make_opt(const PolicyConfig& c) { return std::make_unique<Opt>(c); }

}  // namespace pagescope::sim::policies
