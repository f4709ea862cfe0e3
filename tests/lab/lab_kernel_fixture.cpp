#include "tests/lab/lab_kernel_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "lab/leftovers.h"
#include "lab/memory_cgroup.h"
#include "lab/session_lock.h"
#include "lab/zram_swap.h"
#include "tests/support/root.h"

namespace pagescope::lab::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) out.push_back(e->d_name);
    ::closedir(d);
  }
  return out;
}

}  // namespace

std::string active_swap_lines() {
  std::string text = slurp("/proc/swaps");
  auto eol = text.find('\n');
  return eol == std::string::npos ? "" : text.substr(eol + 1);
}

std::vector<std::string> lab_cgroup_dirs() {
  std::vector<std::string> out;
  for (std::string root : {"/sys/fs/cgroup/memory", "/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
    for (const auto& name : entries(root))
      if (name.rfind(kLabCgroupPrefix, 0) == 0) out.push_back(root + "/" + name);
  return out;
}

int marked_zram_device() {
  for (const auto& name : entries(kDefaultStateDir))
    if (name.rfind("zram", 0) == 0 && name.size() > 4) return std::atoi(name.c_str() + 4);
  return -1;
}

void LabKernelTest::SetUp() {
  SKIP_UNLESS_ROOT("the lab configures zram swap and memory cgroups");
  if (!zram_available()) GTEST_SKIP() << "zram is unavailable (no /sys/class/zram-control; modprobe zram)";
  if (auto h = find_memory_hierarchy(); !h) GTEST_SKIP() << h.error().message;
  if (::access(LAB_CLI_DRIVER, X_OK) != 0) GTEST_SKIP() << "lab_cli_driver not built";
  if (::access(PS_PRESSURE_BIN, X_OK) != 0) GTEST_SKIP() << "ps-pressure not built: " << PS_PRESSURE_BIN;
  // A lab started by hand must not be disturbed by the tests, and vice versa.
  if (auto lock = SessionLock::acquire(kDefaultStateDir); !lock) GTEST_SKIP() << lock.error().message;
  swaps_before_ = active_swap_lines();
  std::string base = "/tmp/lab-test-" + std::to_string(::getpid());
  out_path_ = base + ".out";
  err_path_ = base + ".err";
}

void LabKernelTest::TearDown() {
  for (pid_t pid : children_) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  children_.clear();
  // Whatever the lab under test failed to remove goes now, so a failing test
  // leaves neither swap nor cgroups on the machine.
  if (::geteuid() == 0) {
    if (auto lock = SessionLock::acquire(kDefaultStateDir)) clean_leftovers(kDefaultStateDir);
  }
  ::unlink(out_path_.c_str());
  ::unlink(err_path_.c_str());
}

pid_t LabKernelTest::start_lab(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {LAB_CLI_DRIVER, "lab"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--workload-bin");
  argv.push_back(PS_PRESSURE_BIN);
  return start_program(argv);
}

pid_t LabKernelTest::start_program(std::vector<std::string> argv) {
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    // Its own process group, as a shell gives a foreground job, so a test
    // can deliver "Ctrl-C" to the lab and its workload at once.
    ::setpgid(0, 0);
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execv(cargv[0], cargv.data());
    ::_exit(127);
  }
  children_.push_back(pid);
  return pid;
}

ChildResult LabKernelTest::wait_lab(pid_t pid, double timeout_s) {
  ChildResult r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "lab did not finish within " << timeout_s << " s";
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::erase(children_, pid);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = slurp(out_path_);
  r.err = slurp(err_path_);
  return r;
}

pid_t LabKernelTest::wait_for_workload_under_pressure(pid_t lab_pid, double timeout_s) {
  auto hierarchy = find_memory_hierarchy();
  if (!hierarchy) return -1;
  std::string procs = hierarchy->root + "/" + kLabCgroupPrefix + std::to_string(lab_pid) + "/cgroup.procs";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int device = marked_zram_device();
    pid_t workload = -1;
    std::istringstream in(slurp(procs));
    long pid;
    if (in >> pid) workload = static_cast<pid_t>(pid);
    if (device >= 0 && workload > 0) {
      std::istringstream stat(slurp("/sys/block/zram" + std::to_string(device) + "/stat"));
      unsigned long long f[5] = {};
      for (auto& v : f) stat >> v;
      if (f[4] > 1000) return workload;  // write I/Os: pages swapped out
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

void LabKernelTest::expect_nothing_left_behind() {
  EXPECT_EQ(active_swap_lines(), swaps_before_) << "swap state differs from before the lab ran";
  EXPECT_TRUE(lab_cgroup_dirs().empty()) << "a lab cgroup was left: " << lab_cgroup_dirs().front();
  EXPECT_EQ(marked_zram_device(), -1) << "a zram device is still marked as the lab's";
}


bool ended_in_memcg_oom(const LabRun& result) {
  return result.report && result.report->cgroup.oom_kills > 0;
}

LabRun run_retrying_memcg_oom(const LabOptions& options, int tries, KernelCounters* last_window) {
  LabRun result;
  for (int i = 0; i < tries; ++i) {
    KernelCounters before = read_kernel_counters();
    result = LabRunner(options, nullptr).run();
    if (last_window) *last_window = counter_delta(before, read_kernel_counters());
    if (!ended_in_memcg_oom(result)) break;
  }
  return result;
}

}  // namespace pagescope::lab::testing
