#include "tui/frame.h"

#include <algorithm>

namespace pagescope::tui {
namespace {
// Counters are monotonic; a smaller value means the counter was reset (pid
// reuse): treat as no activity rather than a huge negative rate.
double rate(uint64_t before, uint64_t after, double seconds) {
  if (after < before || seconds <= 0) return 0;
  return double(after - before) / seconds;
}
}  // namespace

Frame make_frame(const Snapshot& prev, const Snapshot& cur) {
  Frame f;
  f.ts_ns = cur.ts_ns;
  f.interval_ns = cur.ts_ns > prev.ts_ns ? cur.ts_ns - prev.ts_ns : 0;
  const double secs = double(f.interval_ns) / 1e9;
  const SystemCounters& a = prev.system;
  const SystemCounters& b = cur.system;
  SystemRates& s = f.system;
  s.mem_total_kb = b.mem_total_kb;
  s.mem_used_kb = b.mem_total_kb > b.mem_available_kb ? b.mem_total_kb - b.mem_available_kb : 0;
  s.swap_total_kb = b.swap_total_kb;
  s.swap_used_kb = b.swap_total_kb > b.swap_free_kb ? b.swap_total_kb - b.swap_free_kb : 0;
  s.psi_some_avg10 = b.psi_some_avg10;
  s.psi_full_avg10 = b.psi_full_avg10;
  s.psi_available = b.psi_available;
  s.pgscan_kswapd_s = rate(a.pgscan_kswapd, b.pgscan_kswapd, secs);
  s.pgscan_direct_s = rate(a.pgscan_direct, b.pgscan_direct, secs);
  s.pgsteal_s = rate(a.pgsteal_kswapd + a.pgsteal_direct, b.pgsteal_kswapd + b.pgsteal_direct, secs);
  s.allocstall_s = rate(a.allocstall, b.allocstall, secs);
  s.kswapd_active = b.pgscan_kswapd > a.pgscan_kswapd;
  s.swapin_s = rate(a.pswpin, b.pswpin, secs);
  s.swapout_s = rate(a.pswpout, b.pswpout, secs);
  s.faults_s = rate(a.pgfault, b.pgfault, secs);
  s.majfaults_s = rate(a.pgmajfault, b.pgmajfault, secs);
  for (const auto& t : b.tlb) {
    uint64_t before = t.count;
    for (const auto& old : a.tlb) {
      if (old.reason == t.reason) before = old.count;
    }
    s.tlb.push_back({t.reason, rate(before, t.count, secs)});
  }

  f.processes.reserve(cur.processes.size());
  size_t i = 0;  // both are sorted by pid: merge walk
  for (const ProcessCounters& p : cur.processes) {
    while (i < prev.processes.size() && prev.processes[i].pid < p.pid) ++i;
    const ProcessCounters* old =
        (i < prev.processes.size() && prev.processes[i].pid == p.pid) ? &prev.processes[i] : nullptr;
    ProcessCounters zero;
    if (old && old->comm != p.comm && p.min_flt < old->min_flt) old = nullptr;  // pid reused
    const ProcessCounters& o = old ? *old : zero;
    ProcessRow r;
    r.pid = p.pid;
    r.comm = p.comm;
    r.minflt_s = rate(o.min_flt, p.min_flt, secs);
    r.majflt_s = rate(o.maj_flt, p.maj_flt, secs);
    r.rss_kb = p.rss_kb;
    if (p.swap_in_pages && p.swap_out_pages) {
      r.swapin_s = rate(o.swap_in_pages.value_or(0), *p.swap_in_pages, secs);
      r.swapout_s = rate(o.swap_out_pages.value_or(0), *p.swap_out_pages, secs);
    } else if (old && secs > 0) {
      constexpr double kPageKb = 4;
      if (p.swap_kb > o.swap_kb) r.swapout_s = double(p.swap_kb - o.swap_kb) / kPageKb / secs;
      if (p.swap_kb < o.swap_kb) r.swapin_s = double(o.swap_kb - p.swap_kb) / kPageKb / secs;
    }
    r.wss_kb = p.wss_kb;
    if (p.tlb_flushes) r.tlb_s = rate(o.tlb_flushes.value_or(0), *p.tlb_flushes, secs);
    if (p.reclaim_stall_ns) {
      r.stall_ms_s = rate(o.reclaim_stall_ns.value_or(0), *p.reclaim_stall_ns, secs) / 1e6;
    }
    f.processes.push_back(std::move(r));
  }
  return f;
}

}  // namespace pagescope::tui
