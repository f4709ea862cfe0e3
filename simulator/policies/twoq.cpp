// 2Q, full version (Johnson & Shasha, "2Q: A Low Overhead High Performance
// Buffer Management Replacement Algorithm", VLDB'94, Fig. 2). A first-time page
// enters A1in (FIFO, resident); evicted from there its id goes to A1out (FIFO of
// ghosts); a fault on a page remembered in A1out promotes it to Am (LRU). Hits
// in A1in change nothing (correlated references). Kin = 25% and Kout = 50% of
// the frames, the paper's recommended tuning.
// The paper decides where the faulting page X goes before reclaimfor(X) runs
// ("if X is in A1out then reclaimfor(X); add X to the head of Am"), and X's id
// still counts in A1out while the A1in victim's id is pushed there. So X goes
// to Am even when that push trims X itself off A1out's tail: pick_victim
// remembers X before reclaiming.
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum Where : uint8_t { kNone, kA1in, kAm, kA1out };

class TwoQ final : public Policy {
 public:
  explicit TwoQ(const PolicyConfig& c)
      : kin_(std::max<uint32_t>(1, c.frames / 4)), kout_(std::max<uint32_t>(1, c.frames / 2)),
        links_(c.pages), where_(c.pages, kNone), a1in_(links_), am_(links_), a1out_(links_) {}

  void on_hit(const Access& a) override {
    if (where_[a.page] == kAm) am_.move_to_head(a.page);
  }
  // reclaimfor(): the paper's rule for making room.
  PageId pick_victim(const Access& x) override {
    promote_ = where_[x.page] == kA1out ? x.page : kNoPage;
    if (a1in_.size() > kin_ || am_.empty()) {
      PageId v = a1in_.pop_tail();
      where_[v] = kA1out;
      a1out_.push_head(v);
      if (a1out_.size() > kout_) where_[a1out_.pop_tail()] = kNone;
      return v;
    }
    PageId v = am_.pop_tail();
    where_[v] = kNone;
    return v;
  }
  void on_insert(const Access& a) override {
    const bool promote = where_[a.page] == kA1out || promote_ == a.page;
    promote_ = kNoPage;
    if (promote) {
      if (where_[a.page] == kA1out) a1out_.unlink(a.page);
      where_[a.page] = kAm;
      am_.push_head(a.page);
    } else {
      where_[a.page] = kA1in;
      a1in_.push_head(a.page);
    }
  }
  void remove(PageId p) override {
    if (where_[p] == kA1in) a1in_.unlink(p);
    else if (where_[p] == kAm) am_.unlink(p);
    where_[p] = kNone;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(where_, pages, uint8_t(kNone));
  }

 private:
  uint32_t kin_, kout_;
  PageId promote_ = kNoPage;  // the faulting page was in A1out when reclaimfor() began
  PageLinks links_;
  std::vector<uint8_t> where_;
  PageList a1in_, am_, a1out_;
};
}  // namespace

std::unique_ptr<Policy> make_twoq(const PolicyConfig& c) { return std::make_unique<TwoQ>(c); }

}  // namespace pagescope::sim::policies
