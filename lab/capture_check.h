// The lab's self-check: after a recorded run, the capture it just wrote is
// compared with the kernel's own counters for the same run. A capture that
// silently lacks a kind of event (issue 12: no reclaim records while
// /proc/vmstat counted 218,498 swap-outs) fails here instead of being shown
// as zeros. Counting the capture is one pass over its records; the
// comparison itself is pure (check_capture), so its rules are unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/capture/sources.h"

namespace pagescope::lab {

// What the capture holds, counted for the check.
struct CaptureCounts {
  capture::SourceSet sources;
  bool complete = false;             // the recorder closed the file (footer present)
  std::uint64_t records = 0;
  std::uint64_t lost_events = 0;     // records the ring buffer could not take (largest lost_total)
  std::uint64_t anon_writes = 0;     // PS_EV_WRITE_FOLIO with PS_RECLAIM_WB_ANON: swap-outs, any task
  std::uint64_t workload_anon_writes = 0;  // those written by the workload's own (memcg limit) reclaim
  std::uint32_t workload_pid = 0;    // the PS_EV_TARGET record's pid; 0 when there is none
  // The workload's PS_EV_FAULT records that the kernel's fault accounting
  // raised (PS_FAULT_ACCOUNTED), split by PS_FAULT_MAJOR.
  std::uint64_t workload_major = 0, workload_minor = 0;
  // Its ps_exit record: the kernel's own min_flt/maj_flt when it exited.
  bool workload_exit_seen = false;
  std::uint64_t exit_min_flt = 0, exit_maj_flt = 0;
};

// Reads `path` once. Errors: not readable, not a capture.
Result<CaptureCounts> count_capture(const std::string& path);

// The kernel's side, as the lab read it around the run.
struct KernelFigures {
  std::uint64_t pswpout = 0;      // /proc/vmstat delta over the lab's window
  std::uint64_t swpout_zero = 0;  // zero-filled pages reclaim "wrote" to the zeromap (Linux 6.12+)
  std::uint64_t thp_swpout = 0;   // huge pages swapped out whole
  std::uint64_t allocstall = 0;   // global direct reclaims (allocstall_*), by any task
  bool rusage = false;            // the workload wrote its report
  std::uint64_t majflt = 0, minflt = 0;  // its getrusage(RUSAGE_SELF), read just before the report
};

// How much a capture figure may differ from the kernel's: 2% of the kernel's
// figure, and for the workload's faults at least kFaultSlack. The slack covers
// faults that by construction are counted on one side only (docs/lab.md,
// "The capture check"): ~30 minor faults the perf event never reports (in the
// recorder's forked child before the tracer attaches, and GUP faults while
// execve copies the arguments), and the faults of writing the report after
// getrusage was read (14 major and 9 minor on Linux 6.18).
inline constexpr double kAllowedFraction = 0.02;
inline constexpr std::uint64_t kFaultSlack = 64;

enum class CheckResult {
  kAgrees,
  kDiffers,        // more than allowed
  kSourceMissing,  // the capture lacks the source that makes this figure: a failure, never a 0
  kNotChecked,     // the lab has no kernel figure (the workload wrote no report)
};
const char* check_result_name(CheckResult r);  // "ok", "DIFFERS", "NO SOURCE", "not checked"

struct CheckRow {
  std::string key;             // for --json: "swap_outs", "major_faults", "minor_faults"
  std::string figure;          // "swap-outs (pages)"
  std::string capture_source;  // what was counted in the capture
  std::string kernel_source;   // where the kernel's figure comes from
  std::optional<std::uint64_t> capture;  // nullopt: the source was not on
  std::optional<std::uint64_t> kernel;   // nullopt: not known to the lab
  std::uint64_t allowed = 0;   // largest |capture - kernel| that agrees
  CheckResult result = CheckResult::kNotChecked;
  std::string why;             // the missing-source note, or why it was not checked

  // capture - kernel; 0 unless both are known.
  std::int64_t difference() const;
  // difference() as a share of the kernel's figure, in percent; nullopt when
  // either is unknown or the kernel's figure is 0.
  std::optional<double> difference_percent() const;
};

struct CaptureCheck {
  std::vector<CheckRow> rows;
  std::vector<std::string> notes;  // what explains a difference (lost events, exit counters, ...)
  // True when no row differs and no source was missing.
  bool passed() const;
  // One line per failing row, naming the figure, both numbers and the difference.
  std::vector<std::string> warnings() const;
};

// Allowed difference for a kernel figure: kAllowedFraction of it, at least `slack`.
std::uint64_t allowed_difference(std::uint64_t kernel, std::uint64_t slack);

// The comparison: swap-outs (anon reclaim writes vs pswpout + swpout_zero),
// and the workload's major and minor faults vs its getrusage.
CaptureCheck check_capture(const CaptureCounts& capture, const KernelFigures& kernel);

}  // namespace pagescope::lab
