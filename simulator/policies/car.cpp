// CAR, Clock with Adaptive Replacement (Bansal & Modha, "CAR: Clock with
// Adaptive Replacement", FAST'04, Fig. 2). ARC's lists with clocks for the
// resident ones: T1 (pages seen once recently) and T2 (seen at least twice)
// are clocks with a reference bit per page; B1 and B2 are LRU lists of ghosts
// evicted from them. A hit only sets the bit. To make room, the hand of T1 runs
// while |T1| >= max(1, p), else the hand of T2: a page with its bit set has it
// cleared and goes to the tail of T2 (from either clock), a page with it clear
// is evicted into B1 or B2. A fault on a ghost adapts p as ARC does (by
// max(1, |B2|/|B1|) or max(1, |B1|/|B2|), integer division like arc.cpp) and the
// page enters T2; any other fault enters T1. Bits start clear. The directory
// (T1+B1 <= c, all four <= 2c) is trimmed after replace(), as in the paper.
// Lists: the head of a PageList is the clock's tail (newest), its tail is the
// clock's head (under the hand); for B1/B2 the head is MRU.
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum Where : uint8_t { kNone, kT1, kT2, kB1, kB2 };

class Car final : public Policy {
 public:
  explicit Car(const PolicyConfig& c)
      : c_(c.frames), links_(c.pages), where_(c.pages, kNone), ref_(c.pages, 0), t1_(links_),
        t2_(links_), b1_(links_), b2_(links_) {}

  void on_hit(const Access& a) override { ref_[a.page] = 1; }

  // replace() from the paper.
  PageId pick_victim(const Access&) override {
    for (;;) {
      // t2_ empty only when fewer than c pages are resident (a tier took frames).
      if (t1_.size() >= std::max<uint32_t>(1, p_) || t2_.empty()) {
        PageId h = t1_.pop_tail();
        if (!ref_[h]) {
          put(h, kB1);
          return h;
        }
        ref_[h] = 0;
        put(h, kT2);
      } else {
        PageId h = t2_.tail();
        if (!ref_[h]) {
          t2_.unlink(h);
          put(h, kB2);
          return h;
        }
        ref_[h] = 0;
        t2_.move_to_head(h);
      }
    }
  }

  void on_insert(const Access& x) override {
    const Where w = static_cast<Where>(where_[x.page]);
    ref_[x.page] = 0;
    if (w == kB1) {
      const uint32_t d = std::max<uint32_t>(1, b2_.size() / b1_.size());
      p_ = std::min(c_, p_ + d);
      b1_.unlink(x.page);
      put(x.page, kT2);
    } else if (w == kB2) {
      const uint32_t d = std::max<uint32_t>(1, b1_.size() / b2_.size());
      p_ = p_ > d ? p_ - d : 0;
      b2_.unlink(x.page);
      put(x.page, kT2);
    } else {
      // Directory replacement (the paper's lines 6-9). With c pages resident
      // before replace() these are its "= c" and "= 2c"; the guards keep the
      // directory bounded when a tier left fewer pages resident.
      if (t1_.size() + b1_.size() >= c_ && !b1_.empty()) {
        drop_lru(b1_);
      } else if (t1_.size() + t2_.size() + b1_.size() + b2_.size() >= 2 * c_ && !b2_.empty()) {
        drop_lru(b2_);
      }
      put(x.page, kT1);
    }
  }

  void remove(PageId p) override {
    if (where_[p] == kT1) t1_.unlink(p);
    else if (where_[p] == kT2) t2_.unlink(p);
    where_[p] = kNone;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(where_, pages, uint8_t(kNone));
    grow_to(ref_, pages, uint8_t(0));
  }

 private:
  void drop_lru(PageList& ghosts) { where_[ghosts.pop_tail()] = kNone; }
  void put(PageId p, Where w) {
    where_[p] = w;
    (w == kT1 ? t1_ : w == kT2 ? t2_ : w == kB1 ? b1_ : b2_).push_head(p);
  }

  uint32_t c_;
  uint32_t p_ = 0;  // target size of T1
  PageLinks links_;
  std::vector<uint8_t> where_, ref_;
  PageList t1_, t2_, b1_, b2_;
};
}  // namespace

std::unique_ptr<Policy> make_car(const PolicyConfig& c) { return std::make_unique<Car>(c); }

}  // namespace pagescope::sim::policies
