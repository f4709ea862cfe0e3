// Enhanced second chance / NRU clock (Silberschatz, "Operating System
// Concepts", 10th ed., 10.4.5.3): each page has a (referenced, dirty) pair and
// the hand looks for the lowest class, preferring clean victims because a dirty
// one costs a write-back:
//   pass 1: first (0,0) page, changing nothing;
//   pass 2: first (0,1) page, clearing reference bits as it goes;
//   repeat (now every bit is clear, so pass 1 or 2 finds one).
// A loaded page starts referenced; dirty comes from write references.
#include <algorithm>
#include <vector>

#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Nru final : public Policy {
 public:
  explicit Nru(const PolicyConfig& c)
      : frames_(std::min(c.frames, c.pages), kNoPage), slot_of_(c.pages, kNoSlot), ref_(c.pages, 0),
        dirty_(c.pages, 0), frames_cap_(c.frames) {}
  void on_hit(const Access& a) override {
    ref_[a.page] = 1;
    if (a.write) dirty_[a.page] = 1;
  }
  void on_insert(const Access& a) override {
    uint32_t slot;
    if (victim_slot_ != kNoSlot) {
      slot = victim_slot_;
      victim_slot_ = kNoSlot;
    } else if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = filled_++;
    }
    frames_[slot] = a.page;
    slot_of_[a.page] = slot;
    ref_[a.page] = 1;
    dirty_[a.page] = a.write;
  }
  PageId pick_victim(const Access&) override {
    const uint32_t n = static_cast<uint32_t>(frames_.size());
    for (;;) {
      // Pass 1: (0,0) without touching bits.
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t s = (hand_ + k) % n;
        PageId p = frames_[s];
        if (p != kNoPage && !ref_[p] && !dirty_[p]) return take(s);
      }
      // Pass 2: (0,1), clearing reference bits on the way.
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t s = (hand_ + k) % n;
        PageId p = frames_[s];
        if (p == kNoPage) continue;
        if (!ref_[p] && dirty_[p]) return take(s);
        ref_[p] = 0;
      }
    }
  }
  void remove(PageId p) override {
    uint32_t s = slot_of_[p];
    frames_[s] = kNoPage;
    slot_of_[p] = kNoSlot;
    free_.push_back(s);
  }
  void grow(uint32_t pages) override {
    grow_to(slot_of_, pages, kNoSlot);
    grow_to(ref_, pages, uint8_t(0));
    grow_to(dirty_, pages, uint8_t(0));
    // The ring is only walked once full (every frame used), so it can grow
    // with the pages seen up to the frames.
    grow_to(frames_, std::min(pages, frames_cap_), kNoPage);
  }

 private:
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  PageId take(uint32_t s) {
    PageId v = frames_[s];
    frames_[s] = kNoPage;
    slot_of_[v] = kNoSlot;
    dirty_[v] = 0;  // the engine counts the write-back
    victim_slot_ = s;
    hand_ = (s + 1) % frames_.size();
    return v;
  }
  std::vector<PageId> frames_;
  std::vector<uint32_t> slot_of_;
  std::vector<uint8_t> ref_, dirty_;
  std::vector<uint32_t> free_;
  uint32_t frames_cap_;  // the ring's size once every frame is used
  uint32_t filled_ = 0, hand_ = 0, victim_slot_ = kNoSlot;
};
}  // namespace

std::unique_ptr<Policy> make_nru(const PolicyConfig& c) { return std::make_unique<Nru>(c); }

}  // namespace pagescope::sim::policies
