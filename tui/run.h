// The interactive loops: sample (live) or step (replay), draw, read keys.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "tui/address_scale.h"
#include "tui/frame.h"
#include "tui/process_table_view.h"
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

// `pagescope top`: frames from a live source. Errors: no terminal (message
// points to `pagescope inspect`), or the source failing on its first sample.
Result<RunEnd> run_live(Source& source, const ExplorerOptions& options);

// `pagescope tui FILE`: frames prepared from a capture (tui/source.h's
// ReplaySource), replayed under the same cursor.
Result<RunEnd> run_replay(ReplaySource& source, const ExplorerOptions& options);

}  // namespace pagescope::tui
