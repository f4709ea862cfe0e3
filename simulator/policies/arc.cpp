// ARC (Megiddo & Modha, "ARC: A Self-Tuning, Low Overhead Replacement Cache",
// FAST'03, Fig. 4). T1/T2 hold resident pages seen once/at least twice; B1/B2
// remember as many recently evicted ones; a hit in a ghost list moves the target
// size p of T1 toward the list that would have hit. p adapts by
// max(|B2|/|B1|, 1) (integer division) on a B1 hit and by max(|B1|/|B2|, 1) on a
// B2 hit, as in the paper.
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum Where : uint8_t { kNone, kT1, kT2, kB1, kB2 };

class Arc final : public Policy {
 public:
  explicit Arc(const PolicyConfig& c)
      : c_(c.frames), links_(c.pages), where_(c.pages, kNone), t1_(links_), t2_(links_),
        b1_(links_), b2_(links_) {}

  void on_hit(const Access& a) override {
    (where_[a.page] == kT1 ? t1_ : t2_).unlink(a.page);
    put(a.page, kT2);
  }

  PageId pick_victim(const Access& x) override {
    const Where w = where_[x.page];
    if (w == kB1 || w == kB2) {
      adapt(w);
      adapted_at_ = x.time;
      return replace(w == kB2);
    }
    // Case IV: a page in no list.
    if (t1_.size() + b1_.size() == c_) {
      if (t1_.size() < c_) {
        drop_ghost(b1_);
        return replace(false);
      }
      PageId v = t1_.pop_tail();  // B1 is empty: the T1 LRU page leaves without a ghost
      where_[v] = kNone;
      return v;
    }
    if (t1_.size() + t2_.size() + b1_.size() + b2_.size() >= 2 * c_) drop_ghost(b2_);
    return replace(false);
  }

  void on_insert(const Access& x) override {
    const Where w = where_[x.page];
    if (w == kB1 || w == kB2) {
      if (adapted_at_ != x.time) adapt(w);  // memory was not full: pick_victim did not run
      (w == kB1 ? b1_ : b2_).unlink(x.page);
      put(x.page, kT2);
      return;
    }
    // Keep the directory within 2c when memory was not full (after remove()).
    if (t1_.size() + b1_.size() >= c_ && !b1_.empty()) drop_ghost(b1_);
    if (t1_.size() + t2_.size() + b1_.size() + b2_.size() >= 2 * c_ && !b2_.empty()) drop_ghost(b2_);
    put(x.page, kT1);
  }

  void remove(PageId p) override {
    list(where_[p]).unlink(p);
    where_[p] = kNone;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(where_, pages, Where(kNone));
  }

 private:
  void adapt(Where w) {
    if (w == kB1) {
      uint32_t d = std::max<uint32_t>(b1_.size() ? b2_.size() / b1_.size() : 1, 1);
      p_ = std::min(c_, p_ + d);
    } else {
      uint32_t d = std::max<uint32_t>(b2_.size() ? b1_.size() / b2_.size() : 1, 1);
      p_ = p_ > d ? p_ - d : 0;
    }
  }
  // REPLACE(x, p) from the paper: evict the LRU page of T1 or of T2 into its ghost list.
  PageId replace(bool x_in_b2) {
    if (!t1_.empty() && (t1_.size() > p_ || (x_in_b2 && t1_.size() == p_))) {
      PageId v = t1_.pop_tail();
      put(v, kB1);
      return v;
    }
    PageId v = t2_.pop_tail();
    put(v, kB2);
    return v;
  }
  void drop_ghost(PageList& ghosts) { where_[ghosts.pop_tail()] = kNone; }
  PageList& list(Where w) {
    switch (w) {
      case kT1: return t1_;
      case kT2: return t2_;
      case kB1: return b1_;
      default: return b2_;
    }
  }
  void put(PageId p, Where w) {
    where_[p] = w;
    list(w).push_head(p);
  }

  uint32_t c_;
  uint32_t p_ = 0;
  uint64_t adapted_at_ = UINT64_MAX;
  PageLinks links_;
  std::vector<Where> where_;
  PageList t1_, t2_, b1_, b2_;
};
}  // namespace

std::unique_ptr<Policy> make_arc(const PolicyConfig& c) { return std::make_unique<Arc>(c); }

}  // namespace pagescope::sim::policies
