// The one cursor over a sequence of frames, for live and replay alike: live
// appends frames and the cursor follows the newest; pausing keeps the cursor
// where it is while frames keep arriving; replay steps and plays at 1x or 10x.
// (below's ViewMode { Live, Pause, Replay } over one Advance.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <algorithm>

#include "tui/frame.h"

namespace pagescope::tui {

class Timeline {
 public:
  enum class Mode { Follow, Paused, Playing };

  // Keeps at most `capacity` frames (the oldest are dropped; the cursor stays
  // on its frame while it exists).
  explicit Timeline(size_t capacity = 3600) : capacity_(capacity) {}

  void append(Frame frame);
  bool empty() const { return frames_.empty(); }
  size_t size() const { return frames_.size(); }
  size_t cursor() const { return cursor_; }
  const Frame* current() const { return empty() ? nullptr : &frames_[cursor_]; }
  const Frame& at(size_t i) const { return frames_[i]; }
  Mode mode() const { return mode_; }
  int speed() const { return speed_; }

  // Navigation: any step leaves Follow mode (pause), End returns to it.
  void step(long delta);
  void home();
  void end();
  // The last frame at or before ts_ns (the first frame if ts is earlier).
  void go_to(uint64_t ts_ns);
  void toggle_pause();   // Follow/Playing -> Paused; Paused -> Follow (live) or Playing (replay)
  void play(int speed);  // 1 or 10: advance in capture time at that multiple
  // Replay: advance the cursor by wall time elapsed * speed. Returns true if it moved.
  bool tick(uint64_t wall_elapsed_ns);
  // True for a capture (no more frames will arrive): pause resumes to Playing.
  void set_replay(bool replay) { replay_ = replay; if (replay && mode_ == Mode::Follow) mode_ = Mode::Paused; }
  bool replay() const { return replay_; }

  // Where time starts: the beginning of the first frame's interval (the
  // capture's first record, or when `top` started). The bar and "go to" count from here.
  uint64_t first_ts() const { return empty() ? 0 : frames_.front().ts_ns - std::min(frames_.front().ts_ns, frames_.front().interval_ns); }
  uint64_t last_ts() const { return empty() ? 0 : frames_.back().ts_ns; }

 private:
  std::deque<Frame> frames_;
  size_t capacity_;
  size_t cursor_ = 0;
  Mode mode_ = Mode::Follow;
  int speed_ = 1;
  bool replay_ = false;
  uint64_t play_debt_ns_ = 0;  // capture time owed to the cursor while playing
};

}  // namespace pagescope::tui
