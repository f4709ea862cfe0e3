// CLOCK-Pro (Jiang, Chen & Zhang, "CLOCK-Pro: An Effective Improvement of the
// CLOCK Replacement", USENIX ATC'05, section 3). LIRS's idea on a clock: pages
// are hot (kept) or cold, and a cold page gets a "test period" in which a
// second reference makes it hot. One list holds every resident page and the
// non-resident cold pages still in their test period, in the order they were
// placed (head = small recency); three hands move from the tail toward the
// head and wrap:
//   HAND_cold finds a victim among resident cold pages: bit clear -> evicted
//     (staying as a non-resident page if in its test period, else forgotten);
//     bit set -> cleared, and the page goes to the head, hot if it was in its
//     test period, else cold with a new test period (the paper says "no status
//     change" there; a referenced cold page starting a test period is its
//     general rule, and what Caffeine's simulator does).
//   HAND_hot, run while there are more than m - m_c hot pages, demotes the
//     first hot page with its bit clear (hot pages with it set are cleared and
//     go to the head) and ends the test period of every cold page it passes.
//   HAND_test, run while more than m non-resident pages are kept, ends test
//     periods too; a non-resident page whose test period ends is forgotten.
// A fault on a non-resident page in its test period makes it hot; any other
// fault makes a cold page in its test period. A hit only sets the bit.
// Adaptation: m_c (the target of resident cold pages) grows by one when a cold
// page is referenced in its test period and shrinks by one when a test period
// ends without one, within [max(1, 1% of m), m - that]; it starts at the low
// end, LIRS's 1%. Until memory is first full, new pages are hot while fewer
// than m - m_c are (the paper leaves warm-up open).
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum Status : uint8_t { kOut, kHot, kCold, kColdInTest, kNonResident };

class ClockPro final : public Policy {
 public:
  explicit ClockPro(const PolicyConfig& c)
      : m_(std::max<uint32_t>(1, c.frames)), mc_min_(std::max<uint32_t>(1, m_ / 100)),
        mc_max_(std::max(mc_min_, m_ - mc_min_)), mc_(mc_min_), links_(c.pages), list_(links_),
        status_(c.pages, kOut), ref_(c.pages, 0) {}

  void on_hit(const Access& a) override { ref_[a.page] = 1; }

  // HAND_cold.
  PageId pick_victim(const Access&) override {
    full_ = true;
    for (;;) {
      if (cold_ == 0) {  // only when a tier left fewer than m pages resident
        hand_hot();
        continue;
      }
      PageId c = start(hand_cold_);
      while (status_[c] != kCold && status_[c] != kColdInTest) c = step(c);
      hand_cold_ = c;
      if (ref_[c]) {
        ref_[c] = 0;
        if (status_[c] == kColdInTest) {
          to_head(c, kHot);
          adapt(+1);
          balance_hot();
        } else {
          to_head(c, kColdInTest);
        }
        continue;
      }
      hand_cold_ = step(c);
      if (status_[c] == kColdInTest) set_status(c, kNonResident); else leave(c);
      while (non_resident_ > m_) hand_test();
      return c;
    }
  }

  void on_insert(const Access& a) override {
    const PageId x = a.page;
    ref_[x] = 0;
    if (status_[x] == kNonResident) {  // re-referenced within its test period
      to_head(x, kHot);
      adapt(+1);
      balance_hot();
    } else if (!full_ && hot_ < m_ - mc_) {
      to_head(x, kHot);
    } else {
      to_head(x, kColdInTest);
    }
  }

  void remove(PageId p) override {
    if (status_[p] != kOut) leave(p);
    ref_[p] = 0;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(status_, pages, uint8_t(kOut));
    grow_to(ref_, pages, uint8_t(0));
  }

 private:
  // The next page toward the head, wrapping from the head to the tail.
  PageId step(PageId p) const {
    PageId q = list_.next_toward_head(p);
    return q != kNoPage ? q : list_.tail();
  }
  PageId start(PageId hand) const { return hand != kNoPage ? hand : list_.tail(); }

  void set_status(PageId p, Status s) {
    if (uint32_t* n = counter(status_[p])) --*n;
    status_[p] = s;
    if (uint32_t* n = counter(s)) ++*n;
  }
  uint32_t* counter(uint8_t s) {
    if (s == kHot) return &hot_;
    if (s == kCold || s == kColdInTest) return &cold_;
    if (s == kNonResident) return &non_resident_;
    return nullptr;
  }
  // Takes p off the list; a hand on p moves on to the next page.
  void unlink(PageId p) {
    const PageId next = list_.size() > 1 ? step(p) : kNoPage;
    for (PageId* hand : {&hand_cold_, &hand_hot_, &hand_test_})
      if (*hand == p) *hand = next;
    list_.unlink(p);
  }
  void to_head(PageId p, Status s) {
    if (status_[p] != kOut) unlink(p);
    list_.push_head(p);
    set_status(p, s);
  }
  void leave(PageId p) {
    unlink(p);
    set_status(p, kOut);
  }
  void adapt(int d) {
    if (d > 0) mc_ = std::min(mc_max_, mc_ + 1);
    else if (mc_ > mc_min_) --mc_;
  }
  void balance_hot() {
    while (hot_ > 0 && hot_ > m_ - mc_) hand_hot();
  }
  void end_test(PageId p) {
    adapt(ref_[p] ? +1 : -1);  // a resident page with its bit set was referenced in it
    if (status_[p] == kColdInTest) set_status(p, kCold); else leave(p);
  }
  // HAND_hot: demotes one hot page.
  void hand_hot() {
    PageId h = start(hand_hot_);
    for (;;) {
      hand_hot_ = h;
      if (status_[h] == kHot) {
        if (!ref_[h]) {
          set_status(h, kCold);
          hand_hot_ = step(h);
          return;
        }
        ref_[h] = 0;
        to_head(h, kHot);  // moves the hand on
      } else {
        if (status_[h] == kColdInTest || status_[h] == kNonResident) end_test(h);
        if (hand_hot_ == h) hand_hot_ = step(h);
      }
      h = start(hand_hot_);
    }
  }
  // HAND_test: ends the test period of the next cold page in one.
  void hand_test() {
    PageId h = start(hand_test_);
    while (status_[h] != kColdInTest && status_[h] != kNonResident) h = step(h);
    hand_test_ = h;
    end_test(h);
    if (hand_test_ == h) hand_test_ = step(h);
  }

  uint32_t m_, mc_min_, mc_max_, mc_;
  uint32_t hot_ = 0, cold_ = 0, non_resident_ = 0;
  bool full_ = false;
  PageId hand_cold_ = kNoPage, hand_hot_ = kNoPage, hand_test_ = kNoPage;
  PageLinks links_;
  PageList list_;
  std::vector<uint8_t> status_, ref_;
};
}  // namespace

std::unique_ptr<Policy> make_clockpro(const PolicyConfig& c) { return std::make_unique<ClockPro>(c); }

}  // namespace pagescope::sim::policies
