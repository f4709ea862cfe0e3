// LRU: evict the page referenced longest ago. A stack algorithm (Mattson et
// al., IBM Systems Journal 1970), so mrc.cpp computes it for all sizes at once.
#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Lru final : public Policy {
 public:
  explicit Lru(const PolicyConfig& c) : links_(c.pages), list_(links_) {}
  void on_hit(const Access& a) override { list_.move_to_head(a.page); }
  void on_insert(const Access& a) override { list_.push_head(a.page); }
  PageId pick_victim(const Access&) override { return list_.pop_tail(); }
  void remove(PageId p) override { list_.unlink(p); }
  void grow(uint32_t pages) override {
    links_.grow(pages);
  }

 private:
  PageLinks links_;
  PageList list_;
};
}  // namespace

std::unique_ptr<Policy> make_lru(const PolicyConfig& c) { return std::make_unique<Lru>(c); }

}  // namespace pagescope::sim::policies
