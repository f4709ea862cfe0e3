// One lab run: validate the request, take the machine-wide lab lock, clean
// leftovers of a killed earlier run, set up zram swap and a memory cgroup,
// run the bundled workload inside (recorded when `record --cgroup` exists),
// read the kernel's counters around it, and tear everything down again: on
// success, on failure, on SIGINT/SIGTERM and when the workload is killed.
// Teardown is by RAII (ZramSwap, MemoryCgroup, SessionLock), so an early
// return anywhere leaves nothing behind.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lab/capture_check.h"
#include "lab/kernel_counters.h"
#include "lab/memory_cgroup.h"
#include "lab/session_lock.h"
#include "lab/zram_swap.h"

namespace pagescope::lab {

class InterruptFlag;

// The workloads ps-pressure knows (its --mode values).
inline constexpr const char* kWorkloadNames[] = {"seq", "uniform", "zipf", "phases", "loop"};

struct LabOptions {
  std::string limit = "64M";
  std::string swap = "zram:lz4:1G";  // zram:ALGORITHM:SIZE
  std::string workload = "zipf";
  std::string size;                  // empty: 4x the limit, or limit + 1/8 for "loop"
  double seconds = 10;
  std::uint64_t seed = 1;
  double alpha = 0.99;               // zipf exponent
  int write_pct = 10;                // 0-10: read-mostly; 80+: write-heavy
  std::string content = "random";    // zero, random, text
  std::string capture_path;          // -o; empty: no capture
  std::vector<std::string> record_args; // passed on to `record` (--access-interval, --sample-contents)
  std::string workload_bin;          // empty: ../workloads/ps-pressure next to self_exe
  std::optional<int> zram_device;
  std::string state_dir = kDefaultStateDir;
  std::string self_exe = "/proc/self/exe";
  // Compare the capture with the kernel's counters after a recorded run
  // (capture_check.h). Off only for tests whose stand-in recorder writes no
  // real capture.
  bool check_capture = true;
};

struct SwapSpec {
  std::string algorithm;
  std::uint64_t size = 0;
};

// "zram:lz4:1G" -> {lz4, 1 GiB}.
Result<SwapSpec> parse_swap_spec(const std::string& text);

// What ps-pressure reported about itself (its JSON line), and how it ended.
struct WorkloadOutcome {
  bool reported = false;
  std::uint64_t accesses = 0, writes = 0, majflt = 0, minflt = 0, utime_us = 0, stime_us = 0, maxrss_kb = 0;
  double elapsed_s = 0;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when it was killed
};

struct LabReport {
  std::string workload;
  std::uint64_t size_bytes = 0, limit_bytes = 0;
  SwapSpec swap;
  double seconds = 0;
  int zram_device = -1;
  CgroupVersion cgroup_version = CgroupVersion::kV1;
  std::string cgroup_path;
  bool recorded = false;
  std::string capture_path;
  std::string capture_note;     // why no capture was written
  std::string other_swaps;      // /proc/swaps lines active before the lab started
  bool swap_state_restored = false;
  WorkloadOutcome outcome;
  KernelCounters delta;         // system-wide, after - before
  CgroupStats cgroup;
  ZramStats zram;
  // Recorded runs: the capture's notes for every source that was unavailable,
  // and its check against the counters above (unset when not checked).
  std::vector<std::string> capture_notes;
  std::optional<CaptureCheck> check;
};

// One lab run, failed or not. `status` is the run's error (its kind gives the
// exit code: usage, permission, unsupported, interrupted, capture disagrees;
// "lab busy" is a plain failure). A failed run keeps its report when the
// workload got to run (OOM-killed, killed, a capture that disagrees): what the
// kernel counted is what explains the failure.
struct LabRun {
  Status status;
  std::optional<LabReport> report;   // also set for a failed workload (OOM, killed)
  std::vector<std::string> notes;    // leftovers cleaned, capture notes
};

// What the wait loop knows while the workload runs (for a progress line).
struct LabProgress {
  double elapsed_s = 0;
  double seconds = 0;           // the run's length
  std::uint64_t swapped_out = 0;  // pages written to the lab's zram device so far
  std::uint64_t swapped_in = 0;
};

class LabRunner {
 public:
  using ProgressFn = std::function<void(const LabProgress&)>;
  // `interrupt` may be null (no signal handling); `progress`, if set, is
  // called about ten times a second while the workload runs.
  LabRunner(LabOptions options, const InterruptFlag* interrupt, ProgressFn progress = nullptr)
      : o_(std::move(options)), interrupt_(interrupt), progress_(std::move(progress)) {}
  LabRun run();

 private:
  struct Waited {
    int status = 0;      // waitpid status of the launched process
    ZramStats fullest;   // the zram sample holding the most data
  };
  bool interrupted() const;
  // Waits for the launched process, sampling zram, stopping it on an
  // interrupt or when it overruns --seconds by far.
  Waited wait_for_workload(pid_t pid, bool recording, const ZramSwap& zram) const;

  LabOptions o_;
  const InterruptFlag* interrupt_;
  ProgressFn progress_;
};

}  // namespace pagescope::lab
