// SIEVE (Zhang et al., "SIEVE is Simpler than LRU", NSDI'24, Fig. 2): one FIFO
// queue, a visited bit per page and a hand. New pages go to the head with the
// bit clear; a hit sets the bit. To evict, the hand (starting at the tail)
// moves toward the head clearing set bits, wrapping to the tail, and evicts the
// first page whose bit is clear; the hand stays where it stopped. Survivors are
// not moved, so new pages sit in front of the hand and old useful ones behind.
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Sieve final : public Policy {
 public:
  explicit Sieve(const PolicyConfig& c) : links_(c.pages), queue_(links_), visited_(c.pages, 0) {}
  void on_hit(const Access& a) override { visited_[a.page] = 1; }
  void on_insert(const Access& a) override {
    visited_[a.page] = 0;
    queue_.push_head(a.page);
  }
  PageId pick_victim(const Access&) override {
    PageId o = hand_ != kNoPage ? hand_ : queue_.tail();
    while (visited_[o]) {
      visited_[o] = 0;
      o = queue_.next_toward_head(o);
      if (o == kNoPage) o = queue_.tail();
    }
    hand_ = queue_.next_toward_head(o);
    queue_.unlink(o);
    return o;
  }
  void remove(PageId p) override {
    if (hand_ == p) hand_ = queue_.next_toward_head(p);
    queue_.unlink(p);
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(visited_, pages, uint8_t(0));
  }

 private:
  PageLinks links_;
  PageList queue_;
  std::vector<uint8_t> visited_;
  PageId hand_ = kNoPage;
};
}  // namespace

std::unique_ptr<Policy> make_sieve(const PolicyConfig& c) { return std::make_unique<Sieve>(c); }

}  // namespace pagescope::sim::policies
