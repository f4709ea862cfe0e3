// S3-FIFO (Yang et al., "FIFO queues are all you need for cache eviction",
// SOSP'23, Algorithm 1). S: small FIFO, 10% of the frames; M: main FIFO, the
// rest; G: ghost FIFO remembering as many evicted ids as M holds pages. Each
// resident page has a 2-bit frequency (0..3), bumped on hits.
//   new page -> S (or M if its id is in G: "ghost re-insertion");
//   evict from S when |S| >= 10%: tail with freq > 1 moves to M (freq cleared),
//     otherwise it leaves and its id goes to G;
//   evict from M: tail with freq > 0 is reinserted at the head with freq - 1,
//     otherwise it leaves.
// The engine asks for exactly one victim per fault, so moving S's tail into a
// full M ends the search with M's victim (the paper's loop may evict twice).
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum Where : uint8_t { kNone, kS, kM, kG };

class S3Fifo final : public Policy {
 public:
  explicit S3Fifo(const PolicyConfig& c)
      : small_cap_(std::max<uint32_t>(1, c.frames / 10)),
        main_cap_(c.frames > small_cap_ ? c.frames - small_cap_ : 1), links_(c.pages),
        where_(c.pages, kNone), freq_(c.pages, 0), s_(links_), m_(links_), g_(links_) {}

  void on_hit(const Access& a) override {
    if (freq_[a.page] < 3) ++freq_[a.page];
  }
  void on_insert(const Access& a) override {
    freq_[a.page] = 0;
    if (where_[a.page] == kG) {
      g_.unlink(a.page);
      put(a.page, kM);
    } else {
      put(a.page, kS);
    }
  }
  PageId pick_victim(const Access&) override {
    if (s_.size() >= small_cap_ || m_.empty()) return evict_small();
    return evict_main();
  }
  void remove(PageId p) override {
    if (where_[p] == kS) s_.unlink(p);
    else if (where_[p] == kM) m_.unlink(p);
    else if (where_[p] == kG) g_.unlink(p);
    where_[p] = kNone;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(where_, pages, uint8_t(kNone));
    grow_to(freq_, pages, uint8_t(0));
  }

 private:
  PageId evict_small() {
    while (!s_.empty()) {
      PageId t = s_.pop_tail();
      if (freq_[t] > 1) {
        freq_[t] = 0;
        put(t, kM);
        if (m_.size() > main_cap_) return evict_main();
      } else {
        put(t, kG);
        if (g_.size() > main_cap_) where_[g_.pop_tail()] = kNone;
        return t;
      }
    }
    return evict_main();
  }
  PageId evict_main() {
    for (;;) {
      PageId t = m_.pop_tail();
      if (freq_[t] > 0) {
        --freq_[t];
        m_.push_head(t);
      } else {
        where_[t] = kNone;
        return t;
      }
    }
  }
  void put(PageId p, Where w) {
    where_[p] = w;
    (w == kS ? s_ : w == kM ? m_ : g_).push_head(p);
  }

  uint32_t small_cap_, main_cap_;
  PageLinks links_;
  std::vector<uint8_t> where_, freq_;
  PageList s_, m_, g_;
};
}  // namespace

std::unique_ptr<Policy> make_s3fifo(const PolicyConfig& c) { return std::make_unique<S3Fifo>(c); }

}  // namespace pagescope::sim::policies
