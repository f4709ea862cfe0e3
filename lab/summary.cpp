#include "lab/summary.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "common/table.h"
#include "common/units.h"

namespace pagescope::lab {
namespace {

std::string num(std::uint64_t v) { return std::to_string(v); }

std::string fixed_digits(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Raw machine values: what --json and --csv carry (no units, no formatting).
struct Metric {
  std::string key;     // json/csv name
  std::string metric;  // table label
  Cell value;          // a count, or a real for seconds and ratios
  std::string shown;   // table text
  std::string source;
};

std::vector<Metric> metrics(const LabReport& r) {
  const KernelCounters& d = r.delta;
  const WorkloadOutcome& w = r.outcome;
  std::vector<Metric> m;
  auto count = [&](std::string key, std::string label, std::uint64_t v, std::string src) {
    m.push_back({std::move(key), std::move(label), Cell::count(v), num(v), std::move(src)});
  };
  count("workload_accesses", "workload accesses", w.accesses, "ps-pressure");
  count("major_faults", "major faults (workload)", w.majflt, "getrusage ru_majflt");
  count("minor_faults", "minor faults (workload)", w.minflt, "getrusage ru_minflt");
  count("major_faults_system", "major faults (system)", d.vm("pgmajfault"), "/proc/vmstat pgmajfault");
  count("swap_outs", "swap-outs (pages)", d.vm("pswpout"), "/proc/vmstat pswpout");
  // Linux 6.12+ writes no zero-filled page to swap, it only marks it in the
  // zeromap: reclaimed all the same, but not in pswpout (nor in zram's writes).
  if (d.vmstat.count("swpout_zero"))
    count("swap_outs_zero", "zero pages swapped out", d.vm("swpout_zero"), "/proc/vmstat swpout_zero");
  count("swap_ins", "swap-ins (pages)", d.vm("pswpin"), "/proc/vmstat pswpin");
  count("zram_writes", "zram writes (pages)", r.zram.write_ios, "/sys/block/zram" + num(r.zram_device) + "/stat");
  count("zram_reads", "zram reads (pages)", r.zram.read_ios, "/sys/block/zram" + num(r.zram_device) + "/stat");
  count("limit_hits", "memcg limit hits", r.cgroup.limit_hits,
        r.cgroup_version == CgroupVersion::kV1 ? "memory.failcnt" : "memory.events max");
  count("memcg_major_faults", "memcg major faults", r.cgroup.stat.count("pgmajfault") ? r.cgroup.stat.at("pgmajfault") : 0,
        "memory.stat pgmajfault");
  count("anon_refaults", "anon refaults", d.vm("workingset_refault_anon"), "/proc/vmstat workingset_refault_anon");
  count("reclaim_scanned_anon", "reclaim scanned (anon)", d.vm("pgscan_anon"), "/proc/vmstat pgscan_anon");
  count("reclaim_stolen_anon", "reclaim stolen (anon)", d.vm("pgsteal_anon"), "/proc/vmstat pgsteal_anon");
  count("direct_reclaim_stalls", "global direct reclaims", d.vm_prefix_sum("allocstall_"), "/proc/vmstat allocstall_*");
  count("kswapd_scanned", "kswapd scanned", d.vm("pgscan_kswapd"), "/proc/vmstat pgscan_kswapd");
  count("kswapd_stolen", "kswapd stolen", d.vm("pgsteal_kswapd"), "/proc/vmstat pgsteal_kswapd");
  m.push_back({"kswapd_cpu_ms", "kswapd CPU time", Cell::count(d.kswapd_cpu_ms),
               fixed_digits(d.kswapd_cpu_ms / 1000.0, 2) + " s", "/proc/<kswapd>/stat"});
  count("tlb_shootdowns", "TLB shootdowns", d.tlb_shootdowns, "/proc/interrupts TLB");
  if (d.psi_available) {
    m.push_back({"psi_some_us", "memory stall, some (PSI)", Cell::count(d.psi_some_us),
                 fixed_digits(d.psi_some_us / 1e6, 3) + " s", "/proc/pressure/memory"});
    m.push_back({"psi_full_us", "memory stall, full (PSI)", Cell::count(d.psi_full_us),
                 fixed_digits(d.psi_full_us / 1e6, 3) + " s", "/proc/pressure/memory"});
  }
  m.push_back({"workload_sys_s", "workload system time", Cell::real(w.stime_us / 1e6, 6), fixed_digits(w.stime_us / 1e6, 2) + " s",
               "getrusage ru_stime"});
  m.push_back({"memcg_peak_bytes", "memcg peak usage", Cell::count(r.cgroup.peak_bytes),
               format_bytes(r.cgroup.peak_bytes),
               r.cgroup_version == CgroupVersion::kV1 ? "memory.max_usage_in_bytes" : "memory.peak"});
  count("oom_kills", "OOM kills", r.cgroup.oom_kills,
        r.cgroup_version == CgroupVersion::kV1 ? "memory.oom_control" : "memory.events oom_kill");
  std::string mm = "/sys/block/zram" + num(r.zram_device) + "/mm_stat";
  m.push_back({"zram_orig_bytes", "zram stored at peak", Cell::count(r.zram.orig_data_size),
               format_bytes(r.zram.orig_data_size), mm});
  m.push_back({"zram_compr_bytes", "zram compressed at peak", Cell::count(r.zram.compr_data_size),
               format_bytes(r.zram.compr_data_size), mm});
  m.push_back({"zram_mem_used_max_bytes", "zram memory used (peak)", Cell::count(r.zram.mem_used_max),
               format_bytes(r.zram.mem_used_max), mm});
  count("zram_same_pages", "zram same-filled pages", r.zram.same_pages, mm);
  m.push_back({"zram_ratio", "zram compression ratio", Cell::real(r.zram.ratio(), 6),
               r.zram.compr_data_size ? fixed_digits(r.zram.ratio(), 2) + "x" : "-", mm + " orig/compr"});
  return m;
}

std::string describe(const LabReport& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s over %s under a %s limit, zram %s %s (/dev/zram%d), cgroup %s, %.1f s",
                r.workload.c_str(), format_bytes(r.size_bytes).c_str(), format_bytes(r.limit_bytes).c_str(),
                r.swap.algorithm.c_str(), format_bytes(r.swap.size).c_str(), r.zram_device,
                r.cgroup_version == CgroupVersion::kV1 ? "v1" : "v2", r.outcome.elapsed_s);
  return buf;
}

std::string json_string(const std::string& s) { return json_escape(s); }

std::string json_optional(const std::optional<std::uint64_t>& v) { return v ? num(*v) : "null"; }

// "-120152 (-100.00%)", "+14 (+0.02%)", "0", "-" when a side is unknown.
std::string difference_text(const CheckRow& r) {
  if (!r.capture || !r.kernel) return "-";
  std::int64_t d = r.difference();
  std::string out = (d > 0 ? "+" : "") + std::to_string(d);
  if (d == 0) return out;
  auto pct = r.difference_percent();
  if (!pct) return out + " (n/a)";
  char buf[32];
  std::snprintf(buf, sizeof buf, " (%+.2f%%)", *pct);
  return out + buf;
}

}  // namespace

std::string format_check(const CaptureCheck& check) {
  Table table({"figure<", "capture", "kernel", "difference", "allowed", "result<", "capture vs kernel<"});
  auto count = [](const std::optional<std::uint64_t>& v) { return v ? Cell::count(*v) : Cell::missing(); };
  for (const CheckRow& r : check.rows) {
    bool compared = r.result == CheckResult::kAgrees || r.result == CheckResult::kDiffers;
    std::string difference = difference_text(r);
    table.add_row({Cell::text(r.figure), count(r.capture), count(r.kernel),
                   difference == "-" ? Cell::missing() : Cell::text(difference),
                   compared ? Cell::count(r.allowed) : Cell::missing(), Cell::text(check_result_name(r.result)),
                   Cell::text(r.capture_source + " vs " + r.kernel_source)});
  }
  char pct[16];
  std::snprintf(pct, sizeof pct, "%g%%", kAllowedFraction * 100);
  std::string out = std::string("capture check: ") + (check.passed() ? "agrees" : "DISAGREES") +
                    " with the kernel's own counters (allowed: " + pct + " of the kernel's figure, at least " +
                    num(kFaultSlack) + " for faults; docs/lab.md)\n";
  out += table.aligned();
  for (const CheckRow& r : check.rows)
    if (!r.why.empty()) out += "  " + r.figure + ": " + r.why + "\n";
  for (const std::string& n : check.notes) out += "note: " + n + "\n";
  return out;
}

std::vector<SummaryRow> summary_rows(const LabReport& report) {
  std::vector<SummaryRow> rows;
  for (const Metric& m : metrics(report)) rows.push_back({m.metric, m.shown, m.source});
  return rows;
}

std::string format_table(const LabReport& report) {
  Table table({"metric<", "value", "source<"});
  for (const SummaryRow& r : summary_rows(report))
    table.add_row({Cell::text(r.metric), Cell::text(r.value), Cell::text(r.source)});
  std::string out = "lab: " + describe(report) + "\n";
  out += "capture: " + (report.recorded ? report.capture_path : "none (" + report.capture_note + ")") + "\n";
  // What the capture could not see, said once here rather than shown as 0.
  for (const std::string& n : report.capture_notes) out += "capture lacks: " + n + "\n";
  out += table.aligned();
  if (!report.other_swaps.empty())
    out += "note: other swap devices were active; system-wide swap counters include them\n";
  if (report.check) out += "\n" + format_check(*report.check);
  return out;
}

std::string format_csv(const LabReport& report) {
  Table t({"metric", "value", "source"});
  for (const Metric& m : metrics(report)) t.add_row({Cell::text(m.key), m.value, Cell::text(m.source)});
  return t.csv();
}

std::string format_json(const LabReport& r) {
  std::string out = "{";
  out += "\"workload\":" + json_string(r.workload);
  out += ",\"size_bytes\":" + num(r.size_bytes) + ",\"limit_bytes\":" + num(r.limit_bytes);
  out += ",\"swap\":{\"kind\":\"zram\",\"algorithm\":" + json_string(r.swap.algorithm) +
         ",\"size_bytes\":" + num(r.swap.size) + ",\"device\":\"/dev/zram" + num(r.zram_device) + "\"}";
  out += std::string(",\"cgroup_version\":") + (r.cgroup_version == CgroupVersion::kV1 ? "1" : "2");
  out += ",\"capture\":" + (r.recorded ? json_string(r.capture_path) : std::string("null"));
  out += ",\"elapsed_s\":" + fixed_digits(r.outcome.elapsed_s, 3);
  out += ",\"workload_exit_code\":" + std::to_string(r.outcome.exit_code);
  out += ",\"workload_signal\":" + std::to_string(r.outcome.signal);
  out += std::string(",\"swap_state_restored\":") + (r.swap_state_restored ? "true" : "false");
  out += ",\"metrics\":{";
  bool first = true;
  for (const Metric& m : metrics(r)) {
    out += (first ? "" : ",") + json_string(m.key) + ":" + m.value.json();
    first = false;
  }
  out += "}";
  out += ",\"capture_notes\":[";
  for (std::size_t i = 0; i < r.capture_notes.size(); ++i) out += (i ? "," : "") + json_string(r.capture_notes[i]);
  out += "]";
  if (r.check) {
    const CaptureCheck& c = *r.check;
    out += std::string(",\"capture_check\":{\"passed\":") + (c.passed() ? "true" : "false");
    out += ",\"allowed_fraction\":" + fixed_digits(kAllowedFraction, 2) + ",\"fault_slack\":" + num(kFaultSlack);
    out += ",\"rows\":[";
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      const CheckRow& row = c.rows[i];
      out += (i ? ",{" : "{") + std::string("\"key\":") + json_string(row.key) +
             ",\"figure\":" + json_string(row.figure) + ",\"capture\":" + json_optional(row.capture) +
             ",\"kernel\":" + json_optional(row.kernel) + ",\"difference\":" +
             (row.capture && row.kernel ? std::to_string(row.difference()) : "null") +
             ",\"allowed\":" + num(row.allowed) + ",\"result\":" + json_string(check_result_name(row.result)) +
             ",\"capture_source\":" + json_string(row.capture_source) +
             ",\"kernel_source\":" + json_string(row.kernel_source) + ",\"why\":" + json_string(row.why) + "}";
    }
    out += "],\"notes\":[";
    for (std::size_t i = 0; i < c.notes.size(); ++i) out += (i ? "," : "") + json_string(c.notes[i]);
    out += "]}";
  } else {
    out += ",\"capture_check\":null";
  }
  out += "}\n";
  return out;
}

}  // namespace pagescope::lab
