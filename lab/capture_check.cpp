#include "lab/capture_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "events.h"
#include "inspector/capture/reader.h"

namespace pagescope::lab {
namespace {

using capture::Source;

std::string num(std::uint64_t v) { return std::to_string(v); }

std::string with_sign(std::int64_t v) { return (v > 0 ? "+" : "") + std::to_string(v); }

// The notes of the sources a figure needs that were not on; empty when all were.
std::string missing_notes(const capture::SourceSet& sources, std::initializer_list<Source> needed) {
  std::string out;
  for (Source s : needed) {
    if (sources.maybe_on(s)) continue;
    auto note = sources.missing_note(s);
    out += (out.empty() ? "" : "; ") + (note ? *note : std::string("no ") + capture::source_what(s));
  }
  return out;
}

// Fills result/allowed/why from what is known on each side.
void judge(CheckRow& row, const std::string& missing, std::uint64_t slack) {
  if (!missing.empty()) {
    row.capture.reset();  // never compared as if it were 0
    row.result = CheckResult::kSourceMissing;
    row.why = missing;
    return;
  }
  if (!row.kernel) {
    row.result = CheckResult::kNotChecked;
    return;
  }
  row.allowed = allowed_difference(*row.kernel, slack);
  std::uint64_t diff = *row.capture > *row.kernel ? *row.capture - *row.kernel : *row.kernel - *row.capture;
  row.result = diff <= row.allowed ? CheckResult::kAgrees : CheckResult::kDiffers;
}

}  // namespace

const char* check_result_name(CheckResult r) {
  switch (r) {
    case CheckResult::kAgrees: return "ok";
    case CheckResult::kDiffers: return "DIFFERS";
    case CheckResult::kSourceMissing: return "NO SOURCE";
    case CheckResult::kNotChecked: return "not checked";
  }
  return "?";
}

std::int64_t CheckRow::difference() const {
  if (!capture || !kernel) return 0;
  return static_cast<std::int64_t>(*capture) - static_cast<std::int64_t>(*kernel);
}

std::optional<double> CheckRow::difference_percent() const {
  if (!capture || !kernel || *kernel == 0) return std::nullopt;
  return 100.0 * static_cast<double>(difference()) / static_cast<double>(*kernel);
}

std::uint64_t allowed_difference(std::uint64_t kernel, std::uint64_t slack) {
  // Exact for the counts a lab produces (well below 2^53).
  auto share = static_cast<std::uint64_t>(std::floor(static_cast<double>(kernel) * kAllowedFraction));
  return std::max(share, slack);
}

bool CaptureCheck::passed() const {
  return std::none_of(rows.begin(), rows.end(), [](const CheckRow& r) {
    return r.result == CheckResult::kDiffers || r.result == CheckResult::kSourceMissing;
  });
}

std::vector<std::string> CaptureCheck::warnings() const {
  std::vector<std::string> out;
  for (const CheckRow& r : rows) {
    if (r.result == CheckResult::kDiffers) {
      char pct[32] = "n/a";
      if (auto p = r.difference_percent()) std::snprintf(pct, sizeof pct, "%+.2f%%", *p);
      out.push_back(r.figure + " differ: capture " + num(*r.capture) + ", kernel " + num(*r.kernel) + " (" +
                    r.kernel_source + "), difference " + with_sign(r.difference()) + " (" + pct + "), allowed " +
                    num(r.allowed));
    } else if (r.result == CheckResult::kSourceMissing) {
      out.push_back(r.figure + " cannot be checked: " + r.why +
                    (r.kernel ? "; the kernel counted " + num(*r.kernel) + " (" + r.kernel_source + ")" : ""));
    }
  }
  return out;
}

Result<CaptureCounts> count_capture(const std::string& path) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return reader.error();
  CaptureCounts c;
  c.sources = reader->host().sources;
  // Counted per pid until the pass is over: nothing here relies on the
  // target record coming first. Few pids: the workload, kswapd, children.
  struct PerPid {
    std::uint64_t major = 0, minor = 0, anon_writes = 0;
  };
  std::unordered_map<std::uint32_t, PerPid> per_pid;
  struct Exit {
    std::uint32_t pid;
    std::uint64_t min_flt, maj_flt;
  };
  std::vector<Exit> exits;
  Status read = reader->for_each([&](const ps_header& h) {
    switch (h.kind) {
      case PS_EV_FAULT: {
        const auto& f = reinterpret_cast<const ps_fault&>(h);
        if (f.flags & PS_FAULT_ACCOUNTED) ++((f.flags & PS_FAULT_MAJOR) ? per_pid[h.pid].major : per_pid[h.pid].minor);
        break;
      }
      case PS_EV_WRITE_FOLIO:
        if (reinterpret_cast<const ps_write_folio&>(h).reclaim_flags & PS_RECLAIM_WB_ANON) {
          ++c.anon_writes;
          ++per_pid[h.pid].anon_writes;
        }
        break;
      case PS_EV_TARGET:
        if (c.workload_pid == 0) c.workload_pid = h.pid;
        break;
      case PS_EV_EXIT: {
        const auto& x = reinterpret_cast<const ps_exit&>(h);
        // Per thread; the workload is single-threaded, and its last thread's
        // record (group dead) is the one that matters.
        if (x.flags & PS_EXIT_GROUP_DEAD) exits.push_back({h.pid, x.min_flt, x.maj_flt});
        break;
      }
      case PS_EV_LOST:
        c.lost_events = std::max<std::uint64_t>(c.lost_events, reinterpret_cast<const ps_lost&>(h).lost_total);
        break;
      default: break;
    }
    return true;
  });
  if (!read) return Error{path + ": " + read.message()};
  c.complete = reader->report().complete;
  c.records = reader->report().records;
  if (c.workload_pid) {
    const PerPid& w = per_pid[c.workload_pid];
    c.workload_major = w.major;
    c.workload_minor = w.minor;
    c.workload_anon_writes = w.anon_writes;
    for (const Exit& x : exits) {
      if (x.pid != c.workload_pid) continue;
      c.workload_exit_seen = true;
      c.exit_min_flt = x.min_flt;
      c.exit_maj_flt = x.maj_flt;
    }
  }
  return c;
}

CaptureCheck check_capture(const CaptureCounts& cap, const KernelFigures& k) {
  CaptureCheck check;
  const capture::SourceSet& src = cap.sources;

  // Swap-outs. mm_vmscan_write_folio fires in pageout() for every folio
  // reclaim writes; for a zero-filled page (Linux 6.12+) swap_writeout only
  // sets the zeromap and counts swpout_zero, not pswpout, so both count.
  CheckRow swap;
  swap.key = "swap_outs";
  swap.figure = "swap-outs (pages)";
  swap.capture_source = "anon reclaim writes, all tasks";
  swap.kernel_source = k.swpout_zero ? "/proc/vmstat pswpout + swpout_zero" : "/proc/vmstat pswpout";
  swap.capture = cap.anon_writes;
  swap.kernel = k.pswpout + k.swpout_zero;
  judge(swap, missing_notes(src, {Source::kReclaimWrites}), 0);
  check.rows.push_back(swap);

  // The workload's faults: the records the kernel's fault accounting raised
  // (perf page-fault events) for the target process, against its getrusage.
  std::string fault_missing = missing_notes(src, {Source::kFaults, Source::kFaultKinds});
  if (fault_missing.empty() && cap.workload_pid == 0)
    fault_missing = "the capture names no workload process (no target record)";
  auto fault_row = [&](std::string key, std::string figure, std::uint64_t captured, std::uint64_t rusage,
                       std::string kernel_source) {
    CheckRow r;
    r.key = std::move(key);
    r.figure = std::move(figure);
    r.capture_source = "fault records of pid " + num(cap.workload_pid);
    r.kernel_source = std::move(kernel_source);
    r.capture = captured;
    if (k.rusage) r.kernel = rusage;
    else r.why = "the workload wrote no getrusage report";
    judge(r, fault_missing, kFaultSlack);
    check.rows.push_back(r);
  };
  fault_row("major_faults", "major faults (workload)", cap.workload_major, k.majflt, "getrusage ru_majflt");
  fault_row("minor_faults", "minor faults (workload)", cap.workload_minor, k.minflt, "getrusage ru_minflt");

  // What explains a difference, measured where the capture can tell.
  if (cap.lost_events)
    check.notes.push_back("the ring buffer lost " + num(cap.lost_events) +
                          " events: the capture may be short by up to that many records of any kind");
  if (!cap.complete)
    check.notes.push_back("the capture has no footer (the recorder did not finish it): its last records may be "
                          "missing");
  const CheckRow& swapped = check.rows.front();
  if (swapped.result == CheckResult::kDiffers && swapped.difference() < 0)
    check.notes.push_back(
        "of the capture's " + num(cap.anon_writes) + " swap-outs the workload's own reclaim wrote " +
        num(cap.workload_anon_writes) + " and kswapd " + num(cap.anon_writes - cap.workload_anon_writes) +
        "; pswpout counts every task, and swap-outs that untraced tasks do in their own reclaim (another memory "
        "cgroup at its limit, or global direct reclaim: " + num(k.allocstall) +
        " allocstalls) are not recorded: was something else swapping?");
  if (k.thp_swpout)
    check.notes.push_back(num(k.thp_swpout) +
                          " huge pages were swapped out whole (/proc/vmstat thp_swpout): one reclaim write each in "
                          "the capture, 512 pages each in pswpout; not the workload's (it maps MADV_NOHUGEPAGE)");
  if (cap.workload_exit_seen && fault_missing.empty())
    check.notes.push_back("at its exit the kernel counted " + num(cap.exit_maj_flt) + " major and " +
                          num(cap.exit_min_flt) + " minor faults for the workload (ps_exit); getrusage is read "
                          "before the report is written, and faults before tracing starts or in execve never "
                          "reach the capture");
  return check;
}

}  // namespace pagescope::lab
