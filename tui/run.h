// The explorer's one loop, for `pagescope top` and `pagescope tui FILE` alike:
// it opens the terminal, draws when something changed, advances a playing
// timeline, reads keys (waiting as long as the driver allows) and ends on
// Quit, a signal or run_for_ms. What differs between a live source and a
// capture (where frames come from, what the detail screen shows, recording,
// replay jobs) is an ExplorerDriver: live_driver.h and capture_driver.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "tui/explorer.h"
#include "tui/process_table_view.h"
#include "tui/screen.h"
#include "tui/source.h"

namespace pagescope::tui {

struct ExplorerOptions {
  int interval_ms = 1000;
  std::string filter;
  Column sort = Column::MinFlt;
  // Testing/benchmarks: quit by itself after this many milliseconds (0 = never).
  int run_for_ms = 0;
  // Live: frames kept for stepping back and for the sparklines (at least 60).
  size_t history_frames = 600;
  // Shown on the status line at start (e.g. why the BPF source is not used).
  std::string note;
  // `r` in top: the pagescope binary to run as `record`, and where captures go.
  std::string record_exe;
  std::string record_dir = ".";
};

enum class RunEnd { Quit, Interrupted };

// Everything the loop leaves to the kind of data shown. Times are
// milliseconds of the monotonic clock.
class ExplorerDriver {
 public:
  virtual ~ExplorerDriver() = default;
  // The explorer to show: its traits, live or replay, how many frames it keeps.
  virtual Explorer make_explorer(const ExplorerOptions& options) = 0;
  // The first frames, before the terminal opens; an error ends the run with it.
  virtual Status setup(Explorer& ex, uint64_t now_ms) = 0;
  // Every turn of the loop: new frames, background work. True: redraw.
  virtual bool poll(Explorer& ex, uint64_t now_ms) = 0;
  // How long the loop may wait for a key before it polls again.
  virtual int wait_ms(const Explorer& ex, uint64_t now_ms) const = 0;
  // An action of a key other than None and Quit (the loop ends on Quit).
  virtual void on_action(Explorer& ex, Explorer::Action action, uint64_t now_ms) = 0;
};

// Runs until Quit (a key or run_for_ms) or a signal. Errors: the driver's
// setup, or no terminal (the message points to `pagescope inspect`).
Result<RunEnd> run_explorer(ExplorerDriver& driver, const ExplorerOptions& options);

// The same on a terminal from `open` (tests: a fake one).
using OpenTerminal = std::function<Result<std::unique_ptr<Terminal>>()>;
Result<RunEnd> run_explorer(ExplorerDriver& driver, const ExplorerOptions& options, const OpenTerminal& open);

}  // namespace pagescope::tui
