#include "tui/timeline.h"

#include <algorithm>

namespace pagescope::tui {

void Timeline::append(Frame frame) {
  frames_.push_back(std::move(frame));
  if (frames_.size() > capacity_) {
    frames_.pop_front();
    if (cursor_ > 0) --cursor_;
  }
  if (mode_ == Mode::Follow) cursor_ = frames_.size() - 1;
}

void Timeline::step(long delta) {
  if (empty()) return;
  if (mode_ != Mode::Paused) mode_ = Mode::Paused;
  long target = long(cursor_) + delta;
  cursor_ = size_t(std::clamp(target, 0L, long(frames_.size()) - 1));
}

void Timeline::home() {
  if (empty()) return;
  mode_ = Mode::Paused;
  cursor_ = 0;
}

void Timeline::end() {
  if (empty()) return;
  cursor_ = frames_.size() - 1;
  mode_ = replay_ ? Mode::Paused : Mode::Follow;
}

void Timeline::go_to(uint64_t ts_ns) {
  if (empty()) return;
  mode_ = Mode::Paused;
  auto it = std::upper_bound(frames_.begin(), frames_.end(), ts_ns,
                             [](uint64_t ts, const Frame& f) { return ts < f.ts_ns; });
  cursor_ = it == frames_.begin() ? 0 : size_t(it - frames_.begin()) - 1;
}

void Timeline::toggle_pause() {
  if (mode_ != Mode::Paused) {
    mode_ = Mode::Paused;
    return;
  }
  if (replay_) {
    play(speed_);
  } else {
    mode_ = Mode::Follow;
    if (!empty()) cursor_ = frames_.size() - 1;
  }
}

void Timeline::play(int speed) {
  speed_ = speed > 0 ? speed : 1;
  mode_ = Mode::Playing;
  play_debt_ns_ = 0;
}

bool Timeline::tick(uint64_t wall_elapsed_ns) {
  if (mode_ != Mode::Playing || empty()) return false;
  play_debt_ns_ += wall_elapsed_ns * uint64_t(speed_);
  bool moved = false;
  while (cursor_ + 1 < frames_.size()) {
    uint64_t gap = frames_[cursor_ + 1].ts_ns - frames_[cursor_].ts_ns;
    if (play_debt_ns_ < gap) break;
    play_debt_ns_ -= gap;
    ++cursor_;
    moved = true;
  }
  if (cursor_ + 1 >= frames_.size()) {
    // Reached the end: a replay stops there; live goes back to following.
    mode_ = replay_ ? Mode::Paused : Mode::Follow;
    play_debt_ns_ = 0;
  }
  return moved;
}

}  // namespace pagescope::tui
