#include "lab/summary.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "common/units.h"

namespace pagescope::lab {
namespace {

std::string Num(std::uint64_t v) { return std::to_string(v); }

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Raw machine values: what --json and --csv carry (no units, no formatting).
struct Metric {
  std::string key;     // json/csv name
  std::string metric;  // table label
  double value;
  std::string shown;   // table text
  std::string source;
};

std::vector<Metric> Metrics(const LabReport& r) {
  const KernelCounters& d = r.delta;
  const WorkloadOutcome& w = r.outcome;
  std::vector<Metric> m;
  auto count = [&](std::string key, std::string label, std::uint64_t v, std::string src) {
    m.push_back({std::move(key), std::move(label), static_cast<double>(v), Num(v), std::move(src)});
  };
  count("workload_accesses", "workload accesses", w.accesses, "ps-pressure");
  count("major_faults", "major faults (workload)", w.majflt, "getrusage ru_majflt");
  count("minor_faults", "minor faults (workload)", w.minflt, "getrusage ru_minflt");
  count("major_faults_system", "major faults (system)", d.Vm("pgmajfault"), "/proc/vmstat pgmajfault");
  count("swap_outs", "swap-outs (pages)", d.Vm("pswpout"), "/proc/vmstat pswpout");
  // Linux 6.12+ writes no zero-filled page to swap, it only marks it in the
  // zeromap: reclaimed all the same, but not in pswpout (nor in zram's writes).
  if (d.vmstat.count("swpout_zero"))
    count("swap_outs_zero", "zero pages swapped out", d.Vm("swpout_zero"), "/proc/vmstat swpout_zero");
  count("swap_ins", "swap-ins (pages)", d.Vm("pswpin"), "/proc/vmstat pswpin");
  count("zram_writes", "zram writes (pages)", r.zram.write_ios, "/sys/block/zram" + Num(r.zram_device) + "/stat");
  count("zram_reads", "zram reads (pages)", r.zram.read_ios, "/sys/block/zram" + Num(r.zram_device) + "/stat");
  count("limit_hits", "memcg limit hits", r.cgroup.limit_hits,
        r.cgroup_version == CgroupVersion::kV1 ? "memory.failcnt" : "memory.events max");
  count("memcg_major_faults", "memcg major faults", r.cgroup.stat.count("pgmajfault") ? r.cgroup.stat.at("pgmajfault") : 0,
        "memory.stat pgmajfault");
  count("anon_refaults", "anon refaults", d.Vm("workingset_refault_anon"), "/proc/vmstat workingset_refault_anon");
  count("reclaim_scanned_anon", "reclaim scanned (anon)", d.Vm("pgscan_anon"), "/proc/vmstat pgscan_anon");
  count("reclaim_stolen_anon", "reclaim stolen (anon)", d.Vm("pgsteal_anon"), "/proc/vmstat pgsteal_anon");
  count("direct_reclaim_stalls", "global direct reclaims", d.VmPrefixSum("allocstall_"), "/proc/vmstat allocstall_*");
  count("kswapd_scanned", "kswapd scanned", d.Vm("pgscan_kswapd"), "/proc/vmstat pgscan_kswapd");
  count("kswapd_stolen", "kswapd stolen", d.Vm("pgsteal_kswapd"), "/proc/vmstat pgsteal_kswapd");
  m.push_back({"kswapd_cpu_ms", "kswapd CPU time", static_cast<double>(d.kswapd_cpu_ms),
               Fixed(d.kswapd_cpu_ms / 1000.0, 2) + " s", "/proc/<kswapd>/stat"});
  count("tlb_shootdowns", "TLB shootdowns", d.tlb_shootdowns, "/proc/interrupts TLB");
  if (d.psi_available) {
    m.push_back({"psi_some_us", "memory stall, some (PSI)", static_cast<double>(d.psi_some_us),
                 Fixed(d.psi_some_us / 1e6, 3) + " s", "/proc/pressure/memory"});
    m.push_back({"psi_full_us", "memory stall, full (PSI)", static_cast<double>(d.psi_full_us),
                 Fixed(d.psi_full_us / 1e6, 3) + " s", "/proc/pressure/memory"});
  }
  m.push_back({"workload_sys_s", "workload system time", w.stime_us / 1e6, Fixed(w.stime_us / 1e6, 2) + " s",
               "getrusage ru_stime"});
  m.push_back({"memcg_peak_bytes", "memcg peak usage", static_cast<double>(r.cgroup.peak_bytes),
               format_bytes(r.cgroup.peak_bytes),
               r.cgroup_version == CgroupVersion::kV1 ? "memory.max_usage_in_bytes" : "memory.peak"});
  count("oom_kills", "OOM kills", r.cgroup.oom_kills,
        r.cgroup_version == CgroupVersion::kV1 ? "memory.oom_control" : "memory.events oom_kill");
  std::string mm = "/sys/block/zram" + Num(r.zram_device) + "/mm_stat";
  m.push_back({"zram_orig_bytes", "zram stored at peak", static_cast<double>(r.zram.orig_data_size),
               format_bytes(r.zram.orig_data_size), mm});
  m.push_back({"zram_compr_bytes", "zram compressed at peak", static_cast<double>(r.zram.compr_data_size),
               format_bytes(r.zram.compr_data_size), mm});
  m.push_back({"zram_mem_used_max_bytes", "zram memory used (peak)", static_cast<double>(r.zram.mem_used_max),
               format_bytes(r.zram.mem_used_max), mm});
  count("zram_same_pages", "zram same-filled pages", r.zram.same_pages, mm);
  m.push_back({"zram_ratio", "zram compression ratio", r.zram.Ratio(),
               r.zram.compr_data_size ? Fixed(r.zram.Ratio(), 2) + "x" : "-", mm + " orig/compr"});
  return m;
}

std::string Describe(const LabReport& r) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s over %s under a %s limit, zram %s %s (/dev/zram%d), cgroup %s, %.1f s",
                r.workload.c_str(), format_bytes(r.size_bytes).c_str(), format_bytes(r.limit_bytes).c_str(),
                r.swap.algorithm.c_str(), format_bytes(r.swap.size).c_str(), r.zram_device,
                r.cgroup_version == CgroupVersion::kV1 ? "v1" : "v2", r.outcome.elapsed_s);
  return buf;
}

std::string JsonEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string JsonString(const std::string& s) { return "\"" + JsonEscape(s) + "\""; }

std::string JsonOptional(const std::optional<std::uint64_t>& v) { return v ? Num(*v) : "null"; }

// "-120152 (-100.00%)", "+14 (+0.02%)", "0", "-" when a side is unknown.
std::string DifferenceText(const CheckRow& r) {
  if (!r.capture || !r.kernel) return "-";
  std::int64_t d = r.Difference();
  std::string out = (d > 0 ? "+" : "") + std::to_string(d);
  if (d == 0) return out;
  auto pct = r.DifferencePercent();
  if (!pct) return out + " (n/a)";
  char buf[32];
  std::snprintf(buf, sizeof buf, " (%+.2f%%)", *pct);
  return out + buf;
}

}  // namespace

std::string FormatCheck(const CaptureCheck& check) {
  struct Line {
    std::string cells[7];
  };
  std::vector<Line> lines;
  lines.push_back({{"figure", "capture", "kernel", "difference", "allowed", "result", "capture vs kernel"}});
  for (const CheckRow& r : check.rows) {
    bool compared = r.result == CheckResult::kAgrees || r.result == CheckResult::kDiffers;
    lines.push_back({{r.figure, r.capture ? Num(*r.capture) : "-", r.kernel ? Num(*r.kernel) : "-", DifferenceText(r),
                      compared ? Num(r.allowed) : "-", CheckResultName(r.result),
                      r.capture_source + " vs " + r.kernel_source}});
  }
  std::size_t width[7] = {};
  for (const Line& l : lines)
    for (int i = 0; i < 7; ++i) width[i] = std::max(width[i], l.cells[i].size());
  char pct[16];
  std::snprintf(pct, sizeof pct, "%g%%", kAllowedFraction * 100);
  std::string out = std::string("capture check: ") + (check.Passed() ? "agrees" : "DISAGREES") +
                    " with the kernel's own counters (allowed: " + pct + " of the kernel's figure, at least " +
                    Num(kFaultSlack) + " for faults; docs/lab.md)\n";
  for (const Line& l : lines) {
    std::string row;
    for (int i = 0; i < 7; ++i) {
      const std::string& c = l.cells[i];
      std::string pad(width[i] - c.size(), ' ');
      // Text columns left-aligned, numbers right-aligned; the last is not padded.
      if (i == 6) row += c;
      else if (i == 0 || i == 5) row += c + pad + "  ";
      else row += pad + c + "  ";
    }
    out += row + "\n";
  }
  for (const CheckRow& r : check.rows)
    if (!r.why.empty()) out += "  " + r.figure + ": " + r.why + "\n";
  for (const std::string& n : check.notes) out += "note: " + n + "\n";
  return out;
}

std::vector<SummaryRow> SummaryRows(const LabReport& report) {
  std::vector<SummaryRow> rows;
  for (const Metric& m : Metrics(report)) rows.push_back({m.metric, m.shown, m.source});
  return rows;
}

std::string FormatTable(const LabReport& report) {
  std::vector<SummaryRow> rows = SummaryRows(report);
  SummaryRow header{"metric", "value", "source"};
  std::size_t w0 = header.metric.size(), w1 = header.value.size();
  for (const auto& r : rows) {
    w0 = std::max(w0, r.metric.size());
    w1 = std::max(w1, r.value.size());
  }
  std::string out = "lab: " + Describe(report) + "\n";
  out += "capture: " + (report.recorded ? report.capture_path : "none (" + report.capture_note + ")") + "\n";
  // What the capture could not see, said once here rather than shown as 0.
  for (const std::string& n : report.capture_notes) out += "capture lacks: " + n + "\n";
  auto line = [&](const SummaryRow& r) {
    char buf[512];
    std::snprintf(buf, sizeof buf, "%-*s  %*s  %s\n", static_cast<int>(w0), r.metric.c_str(), static_cast<int>(w1),
                  r.value.c_str(), r.source.c_str());
    out += buf;
  };
  line(header);
  for (const auto& r : rows) line(r);
  if (!report.other_swaps.empty())
    out += "note: other swap devices were active; system-wide swap counters include them\n";
  if (report.check) out += "\n" + FormatCheck(*report.check);
  return out;
}

std::string FormatCsv(const LabReport& report) {
  std::string out = "metric,value,source\n";
  for (const Metric& m : Metrics(report)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", m.value);
    out += m.key + "," + buf + "," + m.source + "\n";
  }
  return out;
}

std::string FormatJson(const LabReport& r) {
  std::string out = "{";
  out += "\"workload\":\"" + JsonEscape(r.workload) + "\"";
  out += ",\"size_bytes\":" + Num(r.size_bytes) + ",\"limit_bytes\":" + Num(r.limit_bytes);
  out += ",\"swap\":{\"kind\":\"zram\",\"algorithm\":\"" + JsonEscape(r.swap.algorithm) +
         "\",\"size_bytes\":" + Num(r.swap.size) + ",\"device\":\"/dev/zram" + Num(r.zram_device) + "\"}";
  out += std::string(",\"cgroup_version\":") + (r.cgroup_version == CgroupVersion::kV1 ? "1" : "2");
  out += ",\"capture\":" + (r.recorded ? "\"" + JsonEscape(r.capture_path) + "\"" : std::string("null"));
  out += ",\"elapsed_s\":" + Fixed(r.outcome.elapsed_s, 3);
  out += ",\"workload_exit_code\":" + std::to_string(r.outcome.exit_code);
  out += ",\"workload_signal\":" + std::to_string(r.outcome.signal);
  out += std::string(",\"swap_state_restored\":") + (r.swap_state_restored ? "true" : "false");
  out += ",\"metrics\":{";
  bool first = true;
  for (const Metric& m : Metrics(r)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", m.value);
    out += (first ? "\"" : ",\"") + m.key + "\":" + buf;
    first = false;
  }
  out += "}";
  out += ",\"capture_notes\":[";
  for (std::size_t i = 0; i < r.capture_notes.size(); ++i) out += (i ? "," : "") + JsonString(r.capture_notes[i]);
  out += "]";
  if (r.check) {
    const CaptureCheck& c = *r.check;
    out += std::string(",\"capture_check\":{\"passed\":") + (c.Passed() ? "true" : "false");
    out += ",\"allowed_fraction\":" + Fixed(kAllowedFraction, 2) + ",\"fault_slack\":" + Num(kFaultSlack);
    out += ",\"rows\":[";
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
      const CheckRow& row = c.rows[i];
      out += (i ? ",{" : "{") + std::string("\"key\":") + JsonString(row.key) +
             ",\"figure\":" + JsonString(row.figure) + ",\"capture\":" + JsonOptional(row.capture) +
             ",\"kernel\":" + JsonOptional(row.kernel) + ",\"difference\":" +
             (row.capture && row.kernel ? std::to_string(row.Difference()) : "null") +
             ",\"allowed\":" + Num(row.allowed) + ",\"result\":" + JsonString(CheckResultName(row.result)) +
             ",\"capture_source\":" + JsonString(row.capture_source) +
             ",\"kernel_source\":" + JsonString(row.kernel_source) + ",\"why\":" + JsonString(row.why) + "}";
    }
    out += "],\"notes\":[";
    for (std::size_t i = 0; i < c.notes.size(); ++i) out += (i ? "," : "") + JsonString(c.notes[i]);
    out += "]}";
  } else {
    out += ",\"capture_check\":null";
  }
  out += "}\n";
  return out;
}

}  // namespace pagescope::lab
