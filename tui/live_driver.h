// `pagescope top`: the explorer over a live Source. Samples it on the
// explorer's interval (a frame per sample), drains an event-fed source between
// samples, feeds the detail screen of the watched process, and records what is
// on screen with `r` (a `pagescope record` child, tui/recording.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tui/run.h"
#include "tui/source.h"

namespace pagescope::tui {

class Recording;

class LiveDriver : public ExplorerDriver {
 public:
  // options: record_exe and record_dir for `r`.
  LiveDriver(Source& source, const ExplorerOptions& options);
  // Stops a recording still running and says on stderr where it went; the
  // loop has restored the terminal by then.
  ~LiveDriver() override;

  Explorer make_explorer(const ExplorerOptions& options) override;
  // Takes the first sample: a source that cannot sample fails here.
  Status setup(Explorer& ex, uint64_t now_ms) override;
  bool poll(Explorer& ex, uint64_t now_ms) override;
  int wait_ms(const Explorer& ex, uint64_t now_ms) const override;
  void on_action(Explorer& ex, Explorer::Action action, uint64_t now_ms) override;

 private:
  void refresh_detail(Explorer& ex, uint64_t ts_ns);
  void toggle_recording(Explorer& ex);
  void check_recording(Explorer& ex);

  Source& source_;
  std::string record_exe_;
  std::string record_dir_;
  Snapshot prev_;
  uint64_t next_sample_ = 0;
  uint64_t next_pump_ = 0;
  std::unique_ptr<Recording> rec_;
};

}  // namespace pagescope::tui
