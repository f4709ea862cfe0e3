// W-TinyLFU (Einziger, Friedman & Manes, "TinyLFU: A Highly Efficient Cache
// Admission Policy", ACM Transactions on Storage 13(4), 2017, section 4): a
// small LRU window in front of a segmented LRU main cache, and an admission
// filter between them. A new page enters the window; the page the window
// pushes out (the candidate) enters the main cache only if the frequency
// sketch estimates it was referenced more often than the page main would
// evict (the victim, probation's LRU page); ties keep the victim.
//   window: LRU, 1% of the frames (at least 1);
//   main: SLRU, probation + protected; a hit in probation moves the page to
//     protected (80% of main), whose LRU page falls back to probation's MRU end;
//   sketch: count-min, 4 rows of 4-bit counters (saturating at 15), 4 x the
//     next power of two >= frames per row (Caffeine's 16 counters per frame);
//     every reference, hit or miss, counts. Aging ("reset"): after 10 x frames
//     references every counter and the reference count are halved.
//   doorkeeper: none (the paper's optional Bloom filter in front of the
//     sketch only saves sketch space).
// Until memory is full the window's overflow goes to probation unfiltered.
#include <algorithm>
#include <bit>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {

// Count-min sketch of 4-bit counters, 16 to a word.
class FrequencySketch {
 public:
  FrequencySketch(uint32_t frames, uint64_t seed)
      // Frames capped at 2^28 (4 GiB of counters would be the next step):
      // the width must fit 32 bits, and no trace here has that many pages.
      : width_(4 * std::bit_ceil(std::clamp<uint32_t>(frames, 16, uint32_t{1} << 28))), words_(kRows * width_ / 16, 0),
        sample_(10 * uint64_t{std::max<uint32_t>(frames, 1)}), seed_(seed) {}

  void add(PageId p) {
    uint32_t idx[kRows];
    indexes(p, idx);
    for (uint32_t r = 0; r < kRows; ++r) {
      uint64_t& w = words_[idx[r] / 16];
      const uint32_t shift = (idx[r] % 16) * 4;
      if (((w >> shift) & 0xF) < 15) w += uint64_t{1} << shift;
    }
    if (++added_ == sample_) reset();
  }
  uint32_t estimate(PageId p) const {
    uint32_t idx[kRows];
    indexes(p, idx);
    uint32_t m = 15;
    for (uint32_t r = 0; r < kRows; ++r)
      m = std::min<uint32_t>(m, (words_[idx[r] / 16] >> ((idx[r] % 16) * 4)) & 0xF);
    return m;
  }

 private:
  static constexpr uint32_t kRows = 4;
  static uint64_t mix(uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  // One counter per row, by double hashing; row r uses columns [r*width, (r+1)*width).
  void indexes(PageId p, uint32_t* idx) const {
    const uint64_t h = mix(p + seed_ * 0x9e3779b97f4a7c15ULL);
    const uint32_t h1 = static_cast<uint32_t>(h), h2 = static_cast<uint32_t>(h >> 32) | 1;
    for (uint32_t r = 0; r < kRows; ++r) idx[r] = r * width_ + ((h1 + r * h2) & (width_ - 1));
  }
  void reset() {
    for (uint64_t& w : words_) w = (w >> 1) & 0x7777777777777777ULL;
    added_ /= 2;
  }

  uint32_t width_;
  std::vector<uint64_t> words_;
  uint64_t sample_, added_ = 0, seed_;
};

enum Where : uint8_t { kNone, kWindow, kProbation, kProtected };

class WTinyLfu final : public Policy {
 public:
  explicit WTinyLfu(const PolicyConfig& c)
      : window_cap_(std::max<uint32_t>(1, c.frames / 100)),
        protected_cap_((c.frames > window_cap_ ? c.frames - window_cap_ : 0) * 4 / 5),
        sketch_(c.frames, c.seed), links_(c.pages), where_(c.pages, kNone), window_(links_),
        probation_(links_), protected_(links_) {}

  void on_hit(const Access& a) override {
    const PageId p = a.page;
    sketch_.add(p);
    switch (where_[p]) {
      case kWindow: window_.move_to_head(p); break;
      case kProtected: protected_.move_to_head(p); break;
      default:  // probation: promoted
        probation_.unlink(p);
        put(p, kProtected);
        if (protected_.size() > protected_cap_) put(protected_.pop_tail(), kProbation);
    }
  }

  PageId pick_victim(const Access&) override {
    const bool main_empty = probation_.empty() && protected_.empty();
    if (window_.size() >= window_cap_ && !window_.empty()) {
      // The incoming page will push the window's LRU page out: admit it or not.
      const PageId candidate = window_.tail();
      if (main_empty) return leave(window_, candidate);
      const PageId victim = main_victim();
      if (sketch_.estimate(candidate) > sketch_.estimate(victim)) {
        leave(main_list(victim), victim);
        window_.unlink(candidate);
        put(candidate, kProbation);
        return victim;
      }
      return leave(window_, candidate);
    }
    // The window is below its share (pages were removed): main gives the page.
    if (main_empty) return leave(window_, window_.tail());
    const PageId victim = main_victim();
    return leave(main_list(victim), victim);
  }

  void on_insert(const Access& a) override {
    sketch_.add(a.page);
    put(a.page, kWindow);
    if (window_.size() > window_cap_) {  // memory was not full: the overflow goes to main as is
      const PageId p = window_.pop_tail();
      put(p, kProbation);
    }
  }

  void remove(PageId p) override {
    if (where_[p] != kNone) leave(where_[p] == kWindow ? window_ : main_list(p), p);
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(where_, pages, uint8_t(kNone));
  }

 private:
  PageId main_victim() const { return probation_.empty() ? protected_.tail() : probation_.tail(); }
  PageList& main_list(PageId p) { return where_[p] == kProtected ? protected_ : probation_; }
  PageId leave(PageList& list, PageId p) {
    list.unlink(p);
    where_[p] = kNone;
    return p;
  }
  void put(PageId p, Where w) {
    where_[p] = w;
    (w == kWindow ? window_ : w == kProbation ? probation_ : protected_).push_head(p);
  }

  uint32_t window_cap_, protected_cap_;
  FrequencySketch sketch_;
  PageLinks links_;
  std::vector<uint8_t> where_;
  PageList window_, probation_, protected_;
};
}  // namespace

std::unique_ptr<Policy> make_wtinylfu(const PolicyConfig& c) { return std::make_unique<WTinyLfu>(c); }

}  // namespace pagescope::sim::policies
