// FIFO: evict the page loaded longest ago; hits change nothing. Not a stack
// algorithm (Belady's anomaly: Belady, Nelson & Shedler, CACM 1969).
#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Fifo final : public Policy {
 public:
  explicit Fifo(const PolicyConfig& c) : links_(c.pages), queue_(links_) {}
  void on_hit(const Access&) override {}
  void on_insert(const Access& a) override { queue_.push_head(a.page); }
  PageId pick_victim(const Access&) override { return queue_.pop_tail(); }
  void remove(PageId p) override { queue_.unlink(p); }
  void grow(uint32_t pages) override {
    links_.grow(pages);
  }

 private:
  PageLinks links_;
  PageList queue_;
};
}  // namespace

std::unique_ptr<Policy> make_fifo(const PolicyConfig& c) { return std::make_unique<Fifo>(c); }

}  // namespace pagescope::sim::policies
