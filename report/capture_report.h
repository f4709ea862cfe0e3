// `pagescope report FILE`: one self-contained HTML page about a capture, to
// send to someone who will not run the TUI. Every number on it is computed
// by the code the other commands use (inspect's summary, timeline and
// working-set tables; the TUI's address heatmap and recorded run; the
// experiment runner's curves and replays), drawn as inline SVG that keeps its
// data in the DOM; a chart whose event source the capture lacks is replaced
// by the note inspect prints for it, never drawn as zeros.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/engine.h"
#include "simulator/policies/registry.h"

namespace pagescope::report {

struct ReportOptions {
  std::string path;                                     // the capture
  size_t top_processes = 4;                             // heatmaps: the N processes with the most faults
  std::vector<const sim::policies::PolicyInfo*> policies;  // empty: kDefaultPolicies
  uint64_t interval_ns = 1'000'000'000;                 // timeline rows, heatmap columns, working-set windows
  int curve_points = 24;                                // miss-ratio curve sizes
  size_t heatmap_rows = 64;
  size_t heatmap_columns = 240;                         // more intervals are summed in groups
  unsigned threads = 0;                                 // curve sweeps (0: all cores)
};

inline constexpr const char* kDefaultPolicies = "lru,clock,opt";

struct ReportHooks {
  std::function<void(const std::string& what)> step;  // a new stage starts
  sim::Progress run;                                   // within a replay
};

struct Report {
  std::string html;
  std::vector<std::string> notes;  // missing sources and caveats, as shown on the page
};

// Errors: the capture cannot be read (kUsage, naming the file) or a replay
// failed (kFailure).
Result<Report> build_report(const ReportOptions& options, const ReportHooks& hooks = {});

}  // namespace pagescope::report
