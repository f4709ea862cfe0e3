// Clock (second chance, Corbató 1968): frames in a circle, a hand, one
// reference bit per page. A hit sets the bit; to evict, the hand clears set bits
// and stops at the first clear one; the new page takes that frame and the hand
// moves past it.
// The initial bit is a convention that changes results, so both are offered:
//   clock  - a loaded page starts with its bit SET (the fault was a reference;
//            what hardware does, and Silberschatz's presentation);
//   clock0 - a loaded page starts with its bit CLEAR (it must be referenced
//            again before the hand comes round to earn a second chance).
#include <algorithm>
#include <vector>

#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
class Clock final : public Policy {
 public:
  Clock(const PolicyConfig& c, bool initial_bit)
      : frames_(std::min(c.frames, c.pages), kNoPage), slot_of_(c.pages, kNoSlot), ref_(c.pages, 0),
        frames_cap_(c.frames), initial_bit_(initial_bit) {}
  void on_hit(const Access& a) override { ref_[a.page] = 1; }
  void on_insert(const Access& a) override {
    uint32_t slot;
    if (victim_slot_ != kNoSlot) {
      slot = victim_slot_;  // the frame the hand just freed; the hand is already past it
      victim_slot_ = kNoSlot;
    } else if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = filled_++;
    }
    frames_[slot] = a.page;
    slot_of_[a.page] = slot;
    ref_[a.page] = initial_bit_;
  }
  PageId pick_victim(const Access&) override {
    const uint32_t n = static_cast<uint32_t>(frames_.size());
    for (;;) {
      PageId p = frames_[hand_];
      if (p != kNoPage && !ref_[p]) break;
      if (p != kNoPage) ref_[p] = 0;
      hand_ = hand_ + 1 == n ? 0 : hand_ + 1;
    }
    PageId v = frames_[hand_];
    frames_[hand_] = kNoPage;
    slot_of_[v] = kNoSlot;
    victim_slot_ = hand_;
    hand_ = hand_ + 1 == n ? 0 : hand_ + 1;
    return v;
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
    // The ring is only walked once full (every frame used), so it can grow
    // with the pages seen up to the frames.
    grow_to(frames_, std::min(pages, frames_cap_), kNoPage);
  }

 private:
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  std::vector<PageId> frames_;
  std::vector<uint32_t> slot_of_;
  std::vector<uint8_t> ref_;
  std::vector<uint32_t> free_;
  uint32_t frames_cap_;  // the ring's size once every frame is used
  uint32_t filled_ = 0, hand_ = 0, victim_slot_ = kNoSlot;
  uint8_t initial_bit_;
};
}  // namespace

std::unique_ptr<Policy> make_clock(const PolicyConfig& c) { return std::make_unique<Clock>(c, true); }
std::unique_ptr<Policy> make_clock0(const PolicyConfig& c) { return std::make_unique<Clock>(c, false); }

}  // namespace pagescope::sim::policies
