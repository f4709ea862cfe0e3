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

// `pagescope tui FILE`: frames prepared from a capture, replayed under the same
// cursor. vmas_at(pid, ts) gives the detail screen its address space and
// heat spans at a time (may return no VMAs).
struct ReplayDetail {
  std::vector<VmaRow> vmas;
  std::vector<HeatSpan> spans;
};
class ReplaySource {
 public:
  virtual ~ReplaySource() = default;
  virtual const SourceTraits& traits() const = 0;
  virtual const std::vector<Frame>& frames() const = 0;
  // Detail columns for one process: one per frame (same timestamps).
  virtual std::vector<std::pair<uint64_t, ReplayDetail>> detail(int32_t pid) = 0;
  // The capture file, for the replay screen's simulator runs (empty: none).
  virtual std::string capture_path() const { return {}; }
  // The memory the real run had, when the capture knows it (a memory cgroup limit); 0: unknown.
  virtual uint64_t memory_limit_bytes() const { return 0; }
};
Result<RunEnd> run_replay(ReplaySource& source, const ExplorerOptions& options);

}  // namespace pagescope::tui
