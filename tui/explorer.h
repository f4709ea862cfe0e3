// The state of the interactive explorer and what each key does to it, for
// `top` (live) and `tui FILE` (replay) alike. No terminal here: the loop in
// run.cpp feeds keys in and its driver (live_driver, capture_driver) frames
// and the answers to Actions; render.cpp draws the state.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tui/process_detail.h"
#include "tui/process_table_view.h"
#include "tui/replay_screen.h"
#include "tui/source.h"
#include "tui/timeline.h"

namespace pagescope::tui {

class Explorer {
 public:
  enum class View { Table, Detail, Replay };
  enum class Input { None, Filter, SortPick, GoTo };
  enum class Action { None, Quit, OpenDetail, CloseDetail, IntervalChanged, StartReplay, CancelReplay, ToggleRecord };

  // history_frames: how many frames the timeline keeps (live: memory grows
  // with processes x frames, so minutes, not hours).
  Explorer(SourceTraits traits, bool replay, int interval_ms = 1000, size_t history_frames = 3600);

  Action handle_key(int key);

  const SourceTraits& traits() const { return traits_; }
  Timeline& timeline() { return timeline_; }
  const Timeline& timeline() const { return timeline_; }
  ProcessTableView& table() { return table_; }
  const ProcessTableView& table() const { return table_; }
  View view() const { return view_; }
  bool help_shown() const { return help_; }
  Input input() const { return input_; }
  const std::string& input_text() const { return input_text_; }
  Column sort_pick() const { return sort_pick_; }
  int interval_ms() const { return interval_ms_; }
  const std::string& message() const { return message_; }
  void set_message(std::string m) { message_ = std::move(m); }

  // The detail screen's model; the loop creates it on OpenDetail and feeds it.
  ProcessDetail* detail() { return detail_.get(); }
  const ProcessDetail* detail() const { return detail_.get(); }
  void set_detail(std::unique_ptr<ProcessDetail> d) { detail_ = std::move(d); }

  // The replay screen (`R`, captures only).
  ReplayScreen& replay_screen() { return replay_screen_; }
  const ReplayScreen& replay_screen() const { return replay_screen_; }
  // Live: where `r` is recording to (empty: not recording), shown in the title.
  const std::string& recording() const { return recording_; }
  void set_recording(std::string path) { recording_ = std::move(path); }

  // Scroll positions, adjusted by render.cpp to keep the selection visible.
  size_t table_scroll = 0;
  size_t vma_scroll = 0;

 private:
  Action handle_input_key(int key);
  Action handle_table_key(int key);
  Action handle_detail_key(int key);
  void change_interval(int direction);

  SourceTraits traits_;
  Timeline timeline_;
  ProcessTableView table_;
  View view_ = View::Table;
  bool help_ = false;
  Input input_ = Input::None;
  std::string input_text_;
  Column sort_pick_ = Column::MinFlt;
  int interval_ms_;
  std::string message_;
  std::unique_ptr<ProcessDetail> detail_;
  ReplayScreen replay_screen_;
  View before_replay_ = View::Table;
  std::string recording_;
};

// "90", "1:30", "1:02:03" or "12.5" (seconds) -> nanoseconds; -1 if unparsable.
int64_t parse_time_offset(const std::string& text);

}  // namespace pagescope::tui
