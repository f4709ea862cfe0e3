// `pagescope tui FILE`: the explorer over a ReplaySource (a capture). Every
// frame is there from the start; the detail screen of a process is built from
// the capture when it opens; the replay screen (`R`) runs the simulator on
// the capture in a ReplayJob and shows its progress, then its results.
#pragma once

#include <cstdint>
#include <memory>

#include "tui/replay_job.h"
#include "tui/run.h"
#include "tui/source.h"

namespace pagescope::tui {

class CaptureDriver : public ExplorerDriver {
 public:
  explicit CaptureDriver(ReplaySource& source) : source_(source) {}

  Explorer make_explorer(const ExplorerOptions& options) override;
  Status setup(Explorer& ex, uint64_t now_ms) override;
  bool poll(Explorer& ex, uint64_t now_ms) override;
  int wait_ms(const Explorer& ex, uint64_t now_ms) const override;
  void on_action(Explorer& ex, Explorer::Action action, uint64_t now_ms) override;

 private:
  ReplaySource& source_;
  std::unique_ptr<ReplayJob> job_;  // the replay screen's run, while it runs
};

}  // namespace pagescope::tui
