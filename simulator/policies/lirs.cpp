// LIRS (Jiang & Zhang, "LIRS: An Efficient Low Inter-reference Recency Set
// Replacement Policy to Improve Buffer Cache Performance", SIGMETRICS'02,
// section 3.3). Pages are LIR (low inter-reference recency: kept) or HIR;
// the recency stack S holds LIR pages and recently seen HIR pages (resident or
// not); the list Q holds resident HIR pages, and its front is always the victim.
// HIR pages get 1% of the frames (at least one), the paper's setting.
//   hit on LIR: move to the top of S (pruning the bottom if it was there);
//   hit on resident HIR: if in S it becomes LIR and the bottom LIR page of S
//     moves to the end of Q; otherwise it moves to the top of S and end of Q;
//   miss: Q's front is evicted (stays in S as non-resident if it is there);
//     the page becomes LIR if it was in S (the bottom LIR is demoted), else a
//     resident HIR at the end of Q. Until the LIR set is full, new pages are LIR.
// "Stack pruning" removes HIR entries from the bottom of S so its bottom is LIR.
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum State : uint8_t { kUnseen, kLir, kHirResident, kHirNonResident };

class Lirs final : public Policy {
 public:
  explicit Lirs(const PolicyConfig& c)
      : lir_cap_(c.frames - std::max<uint32_t>(1, c.frames / 100)), s_links_(c.pages),
        q_links_(c.pages), s_(s_links_), q_(q_links_), state_(c.pages, kUnseen), in_s_(c.pages, 0),
        in_q_(c.pages, 0) {}

  void on_hit(const Access& a) override {
    const PageId x = a.page;
    if (state_[x] == kLir) {
      const bool was_bottom = s_.tail() == x;
      s_.move_to_head(x);
      if (was_bottom) prune();
      return;
    }
    // Resident HIR.
    if (in_s_[x]) {
      s_.move_to_head(x);
      q_unlink(x);
      make_lir(x);
    } else {
      s_push(x);
      q_unlink(x);
      q_.push_head(x);  // head of the list object = end of Q (newest)
      in_q_[x] = 1;
    }
  }

  PageId pick_victim(const Access&) override {
    PageId v = q_.tail();  // front of Q (oldest)
    q_unlink(v);
    if (in_s_[v]) {
      state_[v] = kHirNonResident;
    } else {
      state_[v] = kUnseen;
    }
    return v;
  }

  void on_insert(const Access& a) override {
    const PageId x = a.page;
    if (lir_count_ < lir_cap_) {  // filling the LIR set
      if (in_s_[x]) s_.move_to_head(x); else s_push(x);
      state_[x] = kLir;
      ++lir_count_;
      return;
    }
    if (in_s_[x]) {
      s_.move_to_head(x);
      make_lir(x);
    } else {
      s_push(x);
      state_[x] = kHirResident;
      q_.push_head(x);
      in_q_[x] = 1;
    }
  }

  void remove(PageId p) override {
    if (state_[p] == kLir) --lir_count_;
    if (in_q_[p]) q_unlink(p);
    if (in_s_[p]) {
      s_.unlink(p);
      in_s_[p] = 0;
    }
    state_[p] = kUnseen;
    prune();
  }
  void grow(uint32_t pages) override {
    s_links_.grow(pages);
    q_links_.grow(pages);
    grow_to(state_, pages, uint8_t(kUnseen));
    grow_to(in_s_, pages, uint8_t(0));
    grow_to(in_q_, pages, uint8_t(0));
  }

 private:
  void s_push(PageId p) {
    s_.push_head(p);
    in_s_[p] = 1;
  }
  void q_unlink(PageId p) {
    if (!in_q_[p]) return;
    q_.unlink(p);
    in_q_[p] = 0;
  }
  // x (at the top of S) becomes LIR; if that overfills the LIR set, the bottom
  // LIR page of S becomes a resident HIR at the end of Q.
  void make_lir(PageId x) {
    state_[x] = kLir;
    ++lir_count_;
    if (lir_count_ > lir_cap_) {
      prune();  // the bottom must be LIR (x itself at worst, when the LIR set holds nothing)
      PageId b = s_.tail();
      s_.unlink(b);
      in_s_[b] = 0;
      state_[b] = kHirResident;
      --lir_count_;
      q_.push_head(b);
      in_q_[b] = 1;
      prune();
    }
  }
  void prune() {
    while (!s_.empty() && state_[s_.tail()] != kLir) {
      PageId b = s_.tail();
      s_.unlink(b);
      in_s_[b] = 0;
      if (state_[b] == kHirNonResident) state_[b] = kUnseen;  // forgotten entirely
    }
  }

  uint32_t lir_cap_;
  uint32_t lir_count_ = 0;
  PageLinks s_links_, q_links_;
  PageList s_, q_;
  std::vector<uint8_t> state_, in_s_, in_q_;
};
}  // namespace

std::unique_ptr<Policy> make_lirs(const PolicyConfig& c) { return std::make_unique<Lirs>(c); }

}  // namespace pagescope::sim::policies
