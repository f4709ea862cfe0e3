// The lab must leave the machine as it found it however a run ends: the
// workload SIGKILLed mid-run, the lab itself interrupted (SIGINT, SIGTERM),
// or a normal finish. Each test runs the real `lab` command as a child, under
// real memory pressure, then checks /proc/swaps, the cgroup hierarchy and the
// lab's markers directly.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <sstream>

#include "lab/sys_file.h"
#include "tests/lab/lab_kernel_fixture.h"

namespace pagescope::lab::testing {
namespace {

// Small enough to be quick, big enough to swap hard within a second.
const std::vector<std::string> kPressureRun = {"--limit", "32M", "--swap", "zram:lz4:256M", "--workload", "zipf",
                                               "--size",  "96M", "--seconds", "15"};

bool zram_device_free(int device) {
  std::string dir = "/sys/block/zram" + std::to_string(device);
  if (!path_exists(dir)) return true;  // hot-removed
  auto init = read_sys_number(dir + "/initstate");
  return init.ok() && *init == 0;
}

using LabTeardownTest = LabKernelTest;

TEST_F(LabTeardownTest, WorkloadKilledMidRunLeavesNothingBehind) {
  pid_t lab = start_lab(kPressureRun);
  pid_t workload = wait_for_workload_under_pressure(lab, 15);
  ASSERT_GT(workload, 0) << "the workload never came under swap pressure";
  int device = marked_zram_device();
  ASSERT_GE(device, 0);
  ASSERT_EQ(::kill(workload, SIGKILL), 0);
  ChildResult r = wait_lab(lab, 30);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("killed by signal 9"), std::string::npos) << r.err;
  expect_nothing_left_behind();
  EXPECT_TRUE(zram_device_free(device)) << "/dev/zram" << device << " was not reset";
}

class LabInterruptTest : public LabKernelTest, public ::testing::WithParamInterface<int> {};

TEST_P(LabInterruptTest, InterruptedLabStopsWorkloadAndTearsDown) {
  int sig = GetParam();
  pid_t lab = start_lab(kPressureRun);
  pid_t workload = wait_for_workload_under_pressure(lab, 15);
  ASSERT_GT(workload, 0) << "the workload never came under swap pressure";
  int device = marked_zram_device();
  ASSERT_EQ(::kill(lab, sig), 0);
  ChildResult r = wait_lab(lab, 30);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find(std::string("interrupted by SIG") + sigabbrev_np(sig)), std::string::npos) << r.err;
  // The lab reaped it: the pid is gone (or reused by an unrelated process).
  EXPECT_FALSE(path_exists("/proc/" + std::to_string(workload) + "/cmdline") &&
               read_sys_file("/proc/" + std::to_string(workload) + "/cmdline")->find("ps-pressure") !=
                   std::string::npos);
  expect_nothing_left_behind();
  EXPECT_TRUE(zram_device_free(device));
}

INSTANTIATE_TEST_SUITE_P(Signals, LabInterruptTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string("SIG") + sigabbrev_np(info.param);
                         });

// Whether /proc/PID is still a process named `comm`, running or a zombie.
bool process_named(pid_t pid, const std::string& comm) {
  auto stat = read_sys_file("/proc/" + std::to_string(pid) + "/stat");
  return stat.ok() && stat->find("(" + comm + ")") != std::string::npos;
}

// Issue 17 item 2: a recording lab stopped by a signal only it got (not the
// terminal's, which reaches the workload too) must not leave the workload
// running or a zombie. The lab SIGTERMs its recorder; the recorder must end
// and reap its command. This test process becomes a child subreaper, so an
// orphaned workload would be re-parented here and stay visible, instead of
// being reaped by whatever init the machine has.
TEST_F(LabTeardownTest, InterruptedRecordingLabLeavesNoWorkloadBehind) {
  // The whole pagescope: the lab test driver has no `record` to record with.
  const std::string pagescope = PAGESCOPE_BINARY_DIR "/app/pagescope";
  if (::access(pagescope.c_str(), X_OK) != 0) GTEST_SKIP() << pagescope << " not built";
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  const std::string capture = "/tmp/pagescope-teardown-" + std::to_string(getpid()) + ".psc";
  std::vector<std::string> argv = {pagescope, "lab"};
  argv.insert(argv.end(), kPressureRun.begin(), kPressureRun.end());
  argv.insert(argv.end(), {"-o", capture, "--workload-bin", PS_PRESSURE_BIN});
  pid_t lab = start_program(argv);
  pid_t workload = wait_for_workload_under_pressure(lab, 15);
  if (workload > 0) {
    EXPECT_TRUE(process_named(workload, "ps-pressure")) << "the cgroup's first process is the workload";
    ASSERT_EQ(::kill(lab, SIGINT), 0);
    ChildResult r = wait_lab(lab, 30);
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_FALSE(process_named(workload, "ps-pressure"))
        << "the workload outlived the lab (running or a zombie): " << workload;
  }
  // Reap whatever was re-parented here, then stop being a subreaper.
  if (workload > 0) ::kill(workload, SIGKILL);
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  ::unlink(capture.c_str());
  ASSERT_GT(workload, 0) << "the workload never came under swap pressure";
  expect_nothing_left_behind();
}

TEST_F(LabTeardownTest, CtrlCReachingLabAndWorkloadTearsDown) {
  // A terminal's Ctrl-C signals the whole foreground process group: the
  // workload dies of SIGINT at the same moment the lab is told to stop.
  pid_t lab = start_lab(kPressureRun);
  ASSERT_GT(wait_for_workload_under_pressure(lab, 15), 0);
  ASSERT_EQ(::kill(-lab, SIGINT), 0);
  ChildResult r = wait_lab(lab, 30);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("interrupted by SIGINT"), std::string::npos) << r.err;
  expect_nothing_left_behind();
}

TEST_F(LabTeardownTest, NormalRunPrintsTheTableAndLeavesNothingBehind) {
  ChildResult r = run_lab({"--limit", "32M", "--swap", "zram:lz4:256M", "--workload", "loop", "--seconds", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("swap-outs (pages)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("zram compression ratio"), std::string::npos) << r.out;
  // The loop is 1/8 bigger than the limit: under LRU every pass must swap.
  std::istringstream in(r.out);
  std::string line;
  unsigned long long swap_outs = 0;
  while (std::getline(in, line))
    if (line.rfind("swap-outs (pages)", 0) == 0) swap_outs = std::stoull(line.substr(17));
  EXPECT_GT(swap_outs, 1000u) << r.out;
  expect_nothing_left_behind();
}

TEST_F(LabTeardownTest, CleanupRemovesWhatAKilledLabLeft) {
  // SIGKILL cannot be caught: the lab's own teardown never runs, and the next
  // lab (or `lab --cleanup`) must find and remove the leftovers.
  pid_t lab = start_lab(kPressureRun);
  ASSERT_GT(wait_for_workload_under_pressure(lab, 15), 0);
  ASSERT_EQ(::kill(lab, SIGKILL), 0);
  wait_lab(lab, 10);
  EXPECT_FALSE(lab_cgroup_dirs().empty()) << "expected the killed lab's cgroup to remain";
  EXPECT_GE(marked_zram_device(), 0) << "expected the killed lab's zram marker to remain";
  ChildResult r = run_lab({"--cleanup"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("removed /dev/zram"), std::string::npos) << r.out;
  expect_nothing_left_behind();
}

}  // namespace
}  // namespace pagescope::lab::testing
