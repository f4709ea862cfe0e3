// What one screen refresh shows: rates over one interval, derived from two
// snapshots. Live and replay both produce Frames; the screens only see these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inspector/model/proc_counters.h"

namespace pagescope::tui {

// The counters are the model's; a frame is the view's rates between two of them.
using model::ProcessCounters;
using model::Snapshot;
using model::SystemCounters;

struct SystemRates {
  uint64_t mem_total_kb = 0;
  uint64_t mem_used_kb = 0;  // total - available
  uint64_t swap_total_kb = 0;
  uint64_t swap_used_kb = 0;
  double psi_some_avg10 = 0;
  double psi_full_avg10 = 0;
  bool psi_available = false;
  double pgscan_kswapd_s = 0;
  double pgscan_direct_s = 0;
  double pgsteal_s = 0;       // kswapd + direct reclaimed pages/s
  double allocstall_s = 0;    // direct-reclaim stalls/s
  bool kswapd_active = false;
  double swapin_s = 0;        // pages/s
  double swapout_s = 0;
  double faults_s = 0;
  double majfaults_s = 0;
  struct TlbRate {
    std::string reason;
    double per_s = 0;
  };
  std::vector<TlbRate> tlb;
  double tlb_total_s() const {
    double t = 0;
    for (const auto& r : tlb) t += r.per_s;
    return t;
  }
};

// One row of the process table. Empty optionals are numbers this source
// cannot see; the table shows "-".
struct ProcessRow {
  int32_t pid = 0;
  std::string comm;
  double minflt_s = 0;
  double majflt_s = 0;
  double swapin_s = 0;   // pages/s, from VmSwap shrinking (proxy, see docs/tui.md)
  double swapout_s = 0;  // pages/s, from VmSwap growing
  uint64_t rss_kb = 0;
  std::optional<uint64_t> wss_kb;
  std::optional<double> stall_ms_s;
  std::optional<double> tlb_s;
};

struct Frame {
  uint64_t ts_ns = 0;        // end of the interval
  uint64_t interval_ns = 0;
  SystemRates system;
  std::vector<ProcessRow> processes;  // sorted by pid
};

// Rates between two snapshots of the same source. Processes only in `cur`
// (new since `prev`) count from zero faults, so a process started during the
// interval shows its faults rather than nothing.
Frame make_frame(const Snapshot& prev, const Snapshot& cur);

}  // namespace pagescope::tui
