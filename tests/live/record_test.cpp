// `pagescope record` against the real kernel: a workload with a known answer
// (ps-touch-pages) is recorded, and the capture is checked against the
// workload's own getrusage/wait4 counts and the calls it made.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/live/live_support.h"

namespace pagescope::testing {
namespace {

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t vmstat(const char* key) {
  std::ifstream in("/proc/vmstat");
  std::string k;
  uint64_t v;
  while (in >> k >> v) {
    if (k == key) return v;
  }
  return 0;
}

uint64_t last_lost_total(const Capture& c) {
  uint64_t total = 0;
  for (const auto* l : c.of_kind<ps_lost>(PS_EV_LOST)) total = std::max<uint64_t>(total, l->lost_total);
  return total;
}

class RecordGroundTruth : public ::testing::TestWithParam<std::pair<size_t, size_t>> {};

// N and M are primes so no other count in the process matches them by chance
// (bcc CONTRIBUTING-SCRIPTS.md: "run a prime number of events").
TEST_P(RecordGroundTruth, CaptureMatchesTheWorkloadsOwnCounts) {
  SKIP_WITHOUT_KERNEL();
  const auto [n, m] = GetParam();
  const std::string dir = temp_dir();
  const std::string cap = dir + "/run.psc", rep = dir + "/report.txt";
  RunResult r = run(pagescope_bin() + " record -o " + cap + " -- " + binary("workloads/ps-touch-pages") +
                    " " + std::to_string(n) + " " + std::to_string(m) + " " + rep);
  ASSERT_EQ(r.exit_code(), 0) << r.output;

  auto report = read_report(rep);
  const uint32_t pid = std::stoul(report.find("pid")->second);
  const uint32_t child = std::stoul(report.find("child_pid")->second);
  const uint64_t t0 = std::stoull(report.find("t0")->second), t1 = std::stoull(report.find("t1")->second);
  const long window_faults = std::stol(report.find("window_faults")->second);
  const long child_faults = std::stol(report.find("child_faults")->second);

  Capture c = read_capture(cap);
  EXPECT_TRUE(c.report.complete);
  EXPECT_EQ(c.report.chunks_corrupt, 0u);
  EXPECT_EQ(last_lost_total(c), 0u) << "the ring buffer dropped events";
  struct stat st{};
  ASSERT_EQ(stat(cap.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "captures hold addresses: owner-only";

  // Faults. The workload reads getrusage right around its window, and the
  // perf events fire exactly where the kernel counts min_flt/maj_flt, so the
  // faults recorded inside the window must equal the delta exactly.
  auto faults = c.of_kind<ps_fault>(PS_EV_FAULT);
  uintptr_t a_addr = 0, c_addr = 0;
  for (auto it = report.equal_range("mmap"); it.first != it.second; ++it.first) {
    uintptr_t addr;
    size_t len;
    sscanf(it.first->second.c_str(), "%lu %zu", &addr, &len);
    if (len == n * 4096) a_addr = addr;
    if (len == 11 * 4096) c_addr = addr;
  }
  ASSERT_NE(a_addr, 0u);
  ASSERT_NE(c_addr, 0u);
  long in_window = 0, in_a = 0, in_c = 0, writes_in_a = 0, reads_in_c = 0;
  for (const auto* f : faults) {
    if (f->hdr.pid != pid || f->hdr.ts_ns <= t0 || f->hdr.ts_ns >= t1) continue;
    ++in_window;
    EXPECT_TRUE(f->flags & PS_FAULT_ACCOUNTED);
    if (f->address >= a_addr && f->address < a_addr + n * 4096) {
      ++in_a;
      writes_in_a += (f->flags & PS_FAULT_ERR_KNOWN) && (f->error_code & PS_PF_WRITE);
    }
    if (f->address >= c_addr && f->address < c_addr + 11 * 4096) {
      ++in_c;
      reads_in_c += (f->flags & PS_FAULT_ERR_KNOWN) && !(f->error_code & PS_PF_WRITE);
    }
  }
  EXPECT_EQ(in_window, window_faults) << "faults in the window vs the workload's getrusage delta";
  EXPECT_EQ(in_a, static_cast<long>(n + 5)) << "one write fault per page, plus 5 after MADV_DONTNEED";
  EXPECT_EQ(writes_in_a, static_cast<long>(n + 5));
  EXPECT_EQ(in_c, 11);
  EXPECT_EQ(reads_in_c, 11);

  // The child is traced from its first instruction (the fork tracepoint adds
  // it in the kernel), so all its faults are there: wait4's count, exactly.
  long child_recorded = std::count_if(faults.begin(), faults.end(),
                                      [&](const ps_fault* f) { return f->hdr.pid == child; });
  EXPECT_EQ(child_recorded, child_faults) << "child faults vs wait4 rusage";

  // Memory syscalls: each call the workload made in its window, exactly once.
  std::map<int, int> calls_by_kind, records_by_kind;
  const std::map<std::string, int> kind_of{{"mmap", PS_EV_MMAP}, {"munmap", PS_EV_MUNMAP},
                                           {"mprotect", PS_EV_MPROTECT}, {"madvise", PS_EV_MADVISE}};
  std::vector<const ps_mm_syscall*> sys;
  for (int kind : {PS_EV_MMAP, PS_EV_MUNMAP, PS_EV_MPROTECT, PS_EV_MADVISE}) {
    for (const auto* s : c.of_kind<ps_mm_syscall>(kind)) {
      if (s->hdr.pid == pid && s->hdr.ts_ns > t0 && s->hdr.ts_ns < t1) {
        sys.push_back(s);
        ++records_by_kind[kind];
      }
    }
  }
  for (const auto& [op, kind] : kind_of) {
    for (auto it = report.equal_range(op); it.first != it.second; ++it.first) {
      uintptr_t addr;
      size_t len;
      sscanf(it.first->second.c_str(), "%lu %zu", &addr, &len);
      ++calls_by_kind[kind];
      int matches = std::count_if(sys.begin(), sys.end(), [&](const ps_mm_syscall* s) {
        if (static_cast<int>(s->hdr.kind) != kind || s->args[1] != len) return false;
        return kind == PS_EV_MMAP ? static_cast<uintptr_t>(s->ret) == addr : s->args[0] == addr;
      });
      EXPECT_EQ(matches, 1) << op << " " << addr << " " << len;
    }
  }
  EXPECT_EQ(records_by_kind, calls_by_kind);

  // Lifecycle: fork of the child, exec of /bin/true, both exits.
  auto forks = c.of_kind<ps_fork>(PS_EV_FORK);
  EXPECT_EQ(std::count_if(forks.begin(), forks.end(), [&](const ps_fork* f) {
              return f->hdr.pid == pid && f->child_pid == child && !(f->flags & PS_FORK_THREAD);
            }), 1);
  auto execs = c.of_kind<ps_exec>(PS_EV_EXEC);
  EXPECT_EQ(std::count_if(execs.begin(), execs.end(), [&](const ps_exec* e) {
              return e->hdr.pid == pid && std::string(e->filename) == "/bin/true";
            }), 1);
  auto exits = c.of_kind<ps_exit>(PS_EV_EXIT);
  const ps_exit* child_exit = nullptr;
  bool parent_exited = false;
  for (const auto* x : exits) {
    if (x->hdr.pid == child) child_exit = x;
    if (x->hdr.pid == pid && (x->flags & PS_EXIT_GROUP_DEAD)) parent_exited = true;
  }
  ASSERT_NE(child_exit, nullptr);
  EXPECT_TRUE(child_exit->flags & PS_EXIT_GROUP_DEAD);
  EXPECT_EQ(static_cast<long>(child_exit->min_flt + child_exit->maj_flt), child_faults);
  EXPECT_TRUE(parent_exited);

  // The same faults through the model: `inspect --vmas` attributes each fault
  // to the VMA it hit, so the N-page mapping shows N + 5 write faults over N
  // distinct pages and the 11-page one 11 read faults, for both N (the
  // 100003-page run once hung here: PageMap::clear() at the final exec).
  RunResult vmas = run(pagescope_bin() + " inspect " + cap + " --pid " + std::to_string(pid) +
                       " --vmas --csv");
  ASSERT_EQ(vmas.exit_code(), 0) << vmas.output;
  // The last mapping created at that address (the loader may have used it before).
  auto row_for = [&](uintptr_t start) -> std::vector<std::string> {
    char hex[32];
    snprintf(hex, sizeof(hex), "0x%lx", static_cast<unsigned long>(start));  // CSV addresses say they are hex
    std::istringstream lines(vmas.output);
    std::string line;
    std::vector<std::string> found;
    while (std::getline(lines, line)) {
      std::vector<std::string> cells;
      std::istringstream cs(line);
      for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
      // ID,ORIGIN,CREATED,ENDED,START,END,PERMS,KIND,FAULTS,READ,WRITE,EXEC,MAJOR,COW,PAGES
      if (cells.size() > 14 && cells[1] == "mmap" && cells[4] == hex) found = cells;
    }
    return found;
  };
  auto a_row = row_for(a_addr), c_row = row_for(c_addr);
  ASSERT_FALSE(a_row.empty()) << vmas.output;
  ASSERT_FALSE(c_row.empty()) << vmas.output;
  EXPECT_EQ(std::stoul(a_row[8]), n + 5);   // FAULTS
  EXPECT_EQ(std::stoul(a_row[10]), n + 5);  // WRITE
  EXPECT_EQ(std::stoul(a_row[14]), n);      // PAGES (distinct)
  EXPECT_EQ(std::stoul(c_row[8]), 11u);
  EXPECT_EQ(std::stoul(c_row[9]), 11u);     // READ

  // The start-up snapshot of the traced process is there.
  bool maps_snapshot = false;
  for (const auto* p : c.of_kind<ps_proc_file>(PS_EV_PROC_FILE)) {
    maps_snapshot |= p->hdr.pid == pid && p->which == PS_PROC_MAPS && p->length > 0;
  }
  EXPECT_TRUE(maps_snapshot);
}

INSTANTIATE_TEST_SUITE_P(Primes, RecordGroundTruth,
                         ::testing::Values(std::pair<size_t, size_t>{23, 13},
                                           std::pair<size_t, size_t>{100003, 4099}));

TEST(RecordErrors, BadInputGivesOneLineErrorsAndNoCapture) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  RunResult r = run(pagescope_bin() + " record -o " + dir + "/x.psc -p 999999999");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("no such process: 999999999"), std::string::npos) << r.output;

  r = run(pagescope_bin() + " record -o /nonexistent-dir/x.psc -- /bin/true");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("cannot write /nonexistent-dir/x.psc"), std::string::npos) << r.output;

  r = run(pagescope_bin() + " record -o " + dir + "/y.psc -- /no/such/program");
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_NE(r.output.find("cannot run '/no/such/program'"), std::string::npos) << r.output;
  EXPECT_NE(access((dir + "/y.psc").c_str(), F_OK), 0) << "a failed start leaves no capture";

  r = run(pagescope_bin() + " record -o " + dir + "/z.psc");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("exactly one of"), std::string::npos) << r.output;

  r = run(pagescope_bin() + " record -o " + dir + "/z.psc -d banana --all");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("bad duration 'banana'"), std::string::npos) << r.output;

  // Two samplers that clear the same accessed bits, a bad interval, and
  // samplers with --all: refused before anything runs.
  r = run(pagescope_bin() + " record -o " + dir + "/w.psc --wss-interval 1s --access-interval 500ms -- /bin/true");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("both clear the accessed bits"), std::string::npos) << r.output;
  r = run(pagescope_bin() + " record -o " + dir + "/w.psc --access-interval 5ms -- /bin/true");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("bad --access-interval '5ms'"), std::string::npos) << r.output;
  r = run(pagescope_bin() + " record -o " + dir + "/w.psc --all -d 1s --sample-contents");
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.output.find("cannot be used with --all"), std::string::npos) << r.output;
  EXPECT_NE(access((dir + "/w.psc").c_str(), F_OK), 0) << "refused flags leave no capture";
}

TEST(RecordInterrupt, CtrlCGivesACompleteCapture) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  pid_t rec = start_recorder("-o " + dir + "/int.psc -- sh -c 'while :; do ls / >/dev/null; done'",
                             dir + "/log");
  GroupReaper reaper{rec};
  ASSERT_TRUE(wait_for_text(dir + "/log", "tracing", 10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  kill(-rec, SIGINT);  // like a terminal: the whole foreground group
  int status = 0;
  ASSERT_EQ(waitpid(rec, &status, 0), rec);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  Capture c = read_capture(dir + "/int.psc");
  EXPECT_TRUE(c.report.complete);
  EXPECT_GT(c.of_kind<ps_fault>(PS_EV_FAULT).size(), 100u);
  EXPECT_GT(c.of_kind<ps_exec>(PS_EV_EXEC).size(), 1u) << "ls ran several times";
}

// --max-size stops a recording as -d does, once the file reaches the size:
// the capture is complete, no larger than the limit plus one sealed chunk,
// and the command (a shell loop that never ends by itself) is ended.
TEST(RecordMaxSize, StopsAtTheSizeWithACompleteCapture) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  const uint64_t t0 = monotonic_ns();
  RunResult r = run(pagescope_bin() + " record --max-size 256K -o " + dir +
                    "/max.psc -- sh -c 'while :; do ls / >/dev/null; done'");
  const double secs = double(monotonic_ns() - t0) / 1e9;
  EXPECT_EQ(r.exit_code(), 0) << r.output;
  EXPECT_NE(r.output.find("stopped at --max-size 256K"), std::string::npos) << r.output;
  EXPECT_LT(secs, 120.0) << "the loop never ends: the limit stopped it";
  struct stat st{};
  ASSERT_EQ(stat((dir + "/max.psc").c_str(), &st), 0);
  EXPECT_GE(uint64_t(st.st_size), 256u << 10);
  EXPECT_LT(uint64_t(st.st_size), (256u << 10) + (1u << 20)) << "a sealed chunk holds at most 1 MiB of records";
  Capture c = read_capture(dir + "/max.psc");
  EXPECT_TRUE(c.report.complete);
  EXPECT_GT(c.of_kind<ps_exec>(PS_EV_EXEC).size(), 10u) << "ls ran many times";
}

TEST(RecordInterrupt, KillDashNineKeepsAReadablePrefix) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  pid_t rec = start_recorder("-o " + dir + "/kill.psc -- sh -c 'while :; do ls / >/dev/null; done'",
                             dir + "/log");
  GroupReaper reaper{rec};
  ASSERT_TRUE(wait_for_text(dir + "/log", "tracing", 10000));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // several 250 ms flushes
  kill(rec, SIGKILL);
  waitpid(rec, nullptr, 0);
  kill(-rec, SIGKILL);  // the traced shell loop
  // Killed before it could rename: the prefix is under the temporary name
  // it announced (".kill.psc.XXXXXX", README "The output file").
  EXPECT_NE(access((dir + "/kill.psc").c_str(), F_OK), 0);
  std::string log = slurp(dir + "/log"), prefix;
  size_t at = log.find("(written as ");
  if (at != std::string::npos) prefix = log.substr(at + 12, log.find(' ', at + 12) - at - 12);
  ASSERT_EQ(prefix.rfind(dir + "/.kill.psc.", 0), 0u) << log;
  Capture c = read_capture(prefix);
  EXPECT_FALSE(c.report.complete) << "no footer after SIGKILL";
  EXPECT_GE(c.report.chunks_ok, 2u);
  EXPECT_GT(c.of_kind<ps_fault>(PS_EV_FAULT).size(), 100u);
}

// -p: attach to a running shell; the workload it starts afterwards is a
// future child and must be followed, and recording ends when the shell does.
TEST(RecordAttach, FollowsFutureChildrenOfAnAttachedProcess) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  const std::string rep = dir + "/report.txt";
  pid_t shell = fork();
  if (shell == 0) {
    const std::string script = "sleep 1; " + binary("workloads/ps-touch-pages") + " 23 13 " + rep;
    execl("/bin/sh", "sh", "-c", script.c_str(), nullptr);
    _exit(127);
  }
  RunResult r = run(pagescope_bin() + " record -o " + dir + "/p.psc -d 20s -p " + std::to_string(shell));
  int status = 0;
  waitpid(shell, &status, 0);
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  EXPECT_NE(r.output.find(" 0 lost"), std::string::npos) << r.output;
  auto report = read_report(rep);
  ASSERT_NE(report.find("pid"), report.end());
  const uint32_t workload = std::stoul(report.find("pid")->second);
  const long window_faults = std::stol(report.find("window_faults")->second);
  const uint64_t t0 = std::stoull(report.find("t0")->second), t1 = std::stoull(report.find("t1")->second);

  Capture c = read_capture(dir + "/p.psc");
  auto targets = c.of_kind<ps_target>(PS_EV_TARGET);
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0]->hdr.pid, static_cast<uint32_t>(shell));
  EXPECT_EQ(targets[0]->reason, static_cast<uint32_t>(PS_TARGET_ATTACH));
  // The shell forked the workload (or exec'd it in place, as dash does for a
  // last command): either way its pid is traced.
  long in_window = 0;
  for (const auto* f : c.of_kind<ps_fault>(PS_EV_FAULT)) {
    in_window += f->hdr.pid == workload && f->hdr.ts_ns > t0 && f->hdr.ts_ns < t1;
  }
  EXPECT_EQ(in_window, window_faults);
  // Recording stopped when the shell exited, well before the 20 s limit.
  auto lost = c.of_kind<ps_lost>(PS_EV_LOST);
  ASSERT_FALSE(lost.empty());
  const auto* first = reinterpret_cast<const ps_header*>(c.records.front().data());
  EXPECT_LT(lost.back()->hdr.ts_ns - first->ts_ns, 10ull * 1000000000ull);
}

// --all under a fault storm on both cores: nothing lost (or, if the ring
// overflowed, captured + lost accounts for the kernel's own pgfault count).
TEST(RecordAll, FaultStormIsCapturedOrAccountedAsLost) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  pid_t rec = start_recorder("--all -d 8s -o " + dir + "/all.psc", dir + "/log");
  GroupReaper reaper{rec};
  ASSERT_TRUE(wait_for_text(dir + "/log", "tracing", 10000));
  const uint64_t ts_a = monotonic_ns();
  const uint64_t pgfault_a = vmstat("pgfault");
  RunResult storm = run(binary("workloads/ps-fault-storm") + " 256 3 2");
  const uint64_t pgfault_b = vmstat("pgfault");
  const uint64_t ts_b = monotonic_ns();
  ASSERT_EQ(storm.exit_code(), 0) << storm.output;
  kill(rec, SIGINT);
  int status = 0;
  waitpid(rec, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  long storm_faults = 0;
  sscanf(storm.output.c_str(), "faults %ld", &storm_faults);
  ASSERT_GT(storm_faults, 100000);
  Capture c = read_capture(dir + "/all.psc");
  uint64_t captured = 0;
  for (const auto* f : c.of_kind<ps_fault>(PS_EV_FAULT)) {
    captured += f->hdr.ts_ns >= ts_a && f->hdr.ts_ns <= ts_b;
  }
  const uint64_t lost = last_lost_total(c);
  const double kernel = static_cast<double>(pgfault_b - pgfault_a);
  // pgfault also counts faults that failed and GUP faults, and the recorder's
  // own faults (it never traces itself): all tiny next to the storm, hence 1%.
  EXPECT_NEAR(static_cast<double>(captured + lost), kernel, kernel * 0.01)
      << "captured " << captured << " lost " << lost;
  // The recorder states its own CPU: some (it drained a storm), and no more
  // than its 8 s on every CPU of the machine.
  const std::string log = slurp(dir + "/log");
  const size_t at = log.find("recorder CPU ");
  ASSERT_NE(at, std::string::npos) << log;
  const double cpu = std::strtod(log.c_str() + at + 13, nullptr);
  EXPECT_GT(cpu, 0.0) << log;
  EXPECT_LT(cpu, 9.0 * double(sysconf(_SC_NPROCESSORS_ONLN))) << log;
  std::printf("storm: %ld faults; captured %llu in window, lost %llu, kernel pgfault %.0f\n",
              storm_faults, static_cast<unsigned long long>(captured),
              static_cast<unsigned long long>(lost), kernel);
}

}  // namespace
}  // namespace pagescope::testing
