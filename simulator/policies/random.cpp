// Random: every resident page is equally likely to go. Seeded (xorshift64*),
// so a run is reproducible; different seeds give different fault counts.
#include <algorithm>
#include <vector>

#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(const PolicyConfig& c)
      : slot_of_(c.pages, kNoPage), state_(c.seed * 0x9e3779b97f4a7c15ULL | 1) {
    resident_.reserve(std::min(c.frames, c.pages));  // grows with the pages when streamed
  }
  void on_hit(const Access&) override {}
  void on_insert(const Access& a) override {
    slot_of_[a.page] = static_cast<uint32_t>(resident_.size());
    resident_.push_back(a.page);
  }
  PageId pick_victim(const Access&) override {
    PageId v = resident_[next() % resident_.size()];
    remove(v);
    return v;
  }
  void remove(PageId p) override {
    uint32_t s = slot_of_[p];
    PageId last = resident_.back();
    resident_[s] = last;
    slot_of_[last] = s;
    resident_.pop_back();
    slot_of_[p] = kNoPage;
  }
  void grow(uint32_t pages) override {
    grow_to(slot_of_, pages, uint32_t(kNoPage));
  }

 private:
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dULL;
  }
  std::vector<PageId> resident_;
  std::vector<uint32_t> slot_of_;
  uint64_t state_;
};
}  // namespace

std::unique_ptr<Policy> make_random(const PolicyConfig& c) {
  return std::make_unique<RandomPolicy>(c);
}

}  // namespace pagescope::sim::policies
