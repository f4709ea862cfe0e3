// Shared by the lab's real-kernel tests: skips where the lab cannot run,
// remembers the machine's swap state, runs the lab CLI as a child process, and
// cleans up in TearDown whatever a failed test left behind (zram devices the
// lab marked as its own, cgroups named pagescope-lab-*), so one failure does
// not poison the next test or the machine.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "lab/kernel_counters.h"
#include "lab/lab_runner.h"

namespace pagescope::lab::testing {

struct ChildResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  int signal = 0;
  std::string out;
  std::string err;
};

class LabKernelTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts `lab_cli_driver lab ARGS --workload-bin ps-pressure`; output goes to files.
  pid_t start_lab(const std::vector<std::string>& args);
  // Any program, the same way (its own process group, output to files).
  pid_t start_program(std::vector<std::string> argv);
  // Waits up to `timeout_s`; SIGKILLs the child when it takes longer.
  ChildResult wait_lab(pid_t pid, double timeout_s);
  ChildResult run_lab(const std::vector<std::string>& args, double timeout_s = 60) {
    return wait_lab(start_lab(args), timeout_s);
  }

  // The workload's pid inside the lab's cgroup once it is under pressure
  // (its zram device has taken swap-outs), or -1 after `timeout_s`.
  pid_t wait_for_workload_under_pressure(pid_t lab_pid, double timeout_s);

  // Fails the test if any lab resource is still there: an active swap that
  // was not active in SetUp, a pagescope-lab-* cgroup, a zram marker.
  void expect_nothing_left_behind();

  std::string swaps_before_;
  std::vector<pid_t> children_;
  std::string out_path_, err_path_;
};

// /proc/swaps without its header line.
std::string active_swap_lines();

// On cgroup v1 (Linux 6.18) the memcg OOM killer sometimes fires with swap to
// spare: limit reclaim finds every anon page active (docs/lab.md). Tests that
// check counters, not that behaviour, repeat such a run, up to `tries` times.
// `last_window`, when given, gets the system's counters over the last try
// only (a window around all tries would include the failed ones' swapping).
LabRun run_retrying_memcg_oom(const LabOptions& options, int tries = 3,
                              KernelCounters* last_window = nullptr);
bool ended_in_memcg_oom(const LabRun& result);
// Every directory named pagescope-lab-* in the memory cgroup hierarchies.
std::vector<std::string> lab_cgroup_dirs();
// The /dev/zramN the lab currently marks as its own, or -1.
int marked_zram_device();

}  // namespace pagescope::lab::testing
