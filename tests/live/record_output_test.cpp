// `pagescope record`'s output file and its command's end, as root (issue 17
// items 8, 9, 10, 15 and 19): the output is never written through a symlink,
// never a device, never lost to a failed start, checked before any work; the
// ring size is checked up front; the command never outlives the recorder.
// (The file rules themselves, without root: tests/capture/output_file_test.cpp.)
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/live/live_support.h"

namespace pagescope::testing {
namespace {

std::string record_cmd(const std::string& args) { return pagescope_bin() + " record " + args; }

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// The first child of `parent` (from every /proc/PID/stat), or -1.
pid_t child_of(pid_t parent) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = slurp("/proc/" + name + "/stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (sscanf(stat.c_str() + paren + 2, "%c %d", &state, &ppid) == 2 && ppid == parent) return std::stoi(name);
  }
  return -1;
}

// Running (or stopped, or a zombie) and still named `comm`.
bool alive_as(pid_t pid, const std::string& comm) {
  return slurp("/proc/" + std::to_string(pid) + "/stat").find("(" + comm + ")") != std::string::npos;
}

// Waits for `pid` (our child) up to `seconds`; its wait status, or -1.
int wait_exit(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 50; ++i) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

// Item 8: a symlink planted at the output name (a user's `ln -s /victim
// run.psc` in a shared directory) is refused: root's capture neither
// overwrites nor chmods its target, nor creates a dangling link's target.
TEST(RecordOutput, SymlinkIsRefusedAndItsTargetUntouched) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  std::ofstream(dir + "/victim") << "precious";
  ASSERT_EQ(chmod((dir + "/victim").c_str(), 0644), 0);
  ASSERT_EQ(symlink((dir + "/victim").c_str(), (dir + "/run.psc").c_str()), 0);
  SplitRun r = run_split(record_cmd("-o " + dir + "/run.psc -- /bin/true"));
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(r.err, "pagescope record: cannot write " + dir + "/run.psc: a symbolic link (to " + dir +
                       "/victim); a capture is never written through one: give the path it points to, or "
                       "remove the link\n");
  EXPECT_EQ(slurp(dir + "/victim"), "precious");
  struct stat st {};
  ASSERT_EQ(stat((dir + "/victim").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);

  ASSERT_EQ(symlink((dir + "/absent").c_str(), (dir + "/dangling.psc").c_str()), 0);
  r = run_split(record_cmd("-o " + dir + "/dangling.psc -- /bin/true"));
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"dangling.psc", "run.psc", "victim"}))
      << "the dangling link's target was created, or a temporary left";
}

// Item 9: a device is refused with exit 2 and keeps its mode (the recorder
// used to chmod /dev/null to 0600). Checked on a null device of our own,
// then on /dev/null itself; a FIFO is refused at once instead of blocking.
TEST(RecordOutput, DeviceOrFifoIsRefusedAndKeepsItsMode) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  const std::string null = dir + "/null";
  ASSERT_EQ(mknod(null.c_str(), S_IFCHR | 0666, makedev(1, 3)), 0) << strerror(errno);
  ASSERT_EQ(chmod(null.c_str(), 0666), 0);
  SplitRun r = run_split(record_cmd("-o " + null + " -- /bin/true"));
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(r.err, "pagescope record: cannot write " + null +
                       ": a character device; a capture must be a regular file\n");
  struct stat st {};
  ASSERT_EQ(stat(null.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0666u);

  struct stat before {}, after {};
  ASSERT_EQ(stat("/dev/null", &before), 0);
  r = run_split(record_cmd("-o /dev/null -- /bin/true"));
  ASSERT_EQ(stat("/dev/null", &after), 0);
  if (after.st_mode != before.st_mode) chmod("/dev/null", before.st_mode & 07777);  // put it back
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(after.st_mode, before.st_mode) << "/dev/null's mode changed";

  ASSERT_EQ(mkfifo((dir + "/fifo.psc").c_str(), 0644), 0);
  r = run_split("timeout 20 " + record_cmd("-o " + dir + "/fifo.psc -- /bin/true"));
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_NE(r.err.find("a FIFO; a capture must be a regular file"), std::string::npos) << r.err;
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"fifo.psc", "null"}));
}

// Item 10: a command that cannot run records nothing, and the capture
// already at the name is kept byte for byte (it used to be deleted).
TEST(RecordOutput, ExistingCaptureSurvivesACommandThatCannotRun) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  const std::string keep = dir + "/keep.psc";
  SplitRun r = run_split(record_cmd("-o " + keep + " -- /bin/true"));
  ASSERT_EQ(r.exit_code(), 0) << r.err;
  const std::string before = slurp(keep);
  ASSERT_GT(before.size(), 100u);
  r = run_split(record_cmd("-o " + keep + " -- /nonexistent/x"));
  EXPECT_EQ(r.exit_code(), 1) << r.err;
  EXPECT_NE(r.err.find("cannot run '/nonexistent/x'"), std::string::npos) << r.err;
  const std::string after = slurp(keep);
  EXPECT_TRUE(after == before) << "the previous capture was changed: " << before.size() << " bytes, now "
                               << after.size();
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"keep.psc"}) << "a temporary was left";
}

// Item 15: an output nobody can write, or a ring size the kernel refuses,
// is exit 2 with one line before any work (the command never runs) and
// leaves no file.
TEST(RecordOutput, UnwritableOutputOrBadRingSizeIsExit2BeforeAnyWork) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  const std::string ran = dir + "/ran";
  SplitRun r = run_split(record_cmd("-o /proc/version -- touch " + ran));
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(r.err.rfind("pagescope record: cannot write /proc/version: cannot create a file in /proc/", 0), 0u)
      << r.err;
  EXPECT_EQ(lines(r.err), 1u) << r.err;

  r = run_split(record_cmd("-o /nonexistent-dir/x.psc -- touch " + ran));
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(r.err, "pagescope record: cannot write /nonexistent-dir/x.psc: No such file or directory\n");

  for (const char* size : {"4096", "3", "0"}) {
    r = run_split(record_cmd("--ring-size " + std::string(size) + " -o " + dir + "/ring.psc -- touch " + ran));
    EXPECT_EQ(r.exit_code(), 2) << size << ": " << r.err;
    EXPECT_EQ(r.err, "pagescope record: bad --ring-size " + std::string(size) +
                         ": the ring buffer is a power of two of MiB from 1 to 2048 (the kernel's limit)\n");
  }
  EXPECT_NE(access(ran.c_str(), F_OK), 0) << "the command ran";
  EXPECT_TRUE(names_in(dir).empty()) << "a file was left";
}

// Item 15 for `lab -o`: the lab's recorder writes the capture only after the
// cgroup, zram and workload are up; a path it cannot write is exit 2 with
// one line before any of that (it used to run the whole workload first).
TEST(RecordOutput, LabChecksItsOutputBeforeAnySetup) {
  SKIP_WITHOUT_KERNEL();
  const std::string dir = temp_dir();
  auto start = std::chrono::steady_clock::now();
  SplitRun r = run_split("timeout 120 " + pagescope_bin() +
                         " lab --limit 32M --swap zram:lz4:64M --seconds 2 -o /nonexistent-dir/x.psc");
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_EQ(r.err, "pagescope lab: error: -o: cannot write /nonexistent-dir/x.psc: No such file or directory\n");
  EXPECT_LT(seconds, 2.0) << "the lab ran before checking -o";

  ASSERT_EQ(symlink("/etc/passwd", (dir + "/lab.psc").c_str()), 0);
  r = run_split("timeout 120 " + pagescope_bin() + " lab --limit 32M --swap zram:lz4:64M --seconds 2 -o " + dir +
                "/lab.psc");
  EXPECT_EQ(r.exit_code(), 2) << r.err;
  EXPECT_NE(r.err.find("a symbolic link (to /etc/passwd)"), std::string::npos) << r.err;
  EXPECT_EQ(names_in(dir), std::vector<std::string>{"lab.psc"});
}

// Item 19: SIGTERM to the recorder alone (kill PID, not the terminal's
// group) stops the recording; the command, which got no signal, is ended
// and reaped, never left running under init; the capture is complete under
// its name. The test is a child subreaper, so an orphaned command would stay
// visible here instead of vanishing into init.
TEST(RecordOutput, SigtermOrSighupToTheRecorderEndsTheCommand) {
  SKIP_WITHOUT_KERNEL();
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  for (int sig : {SIGTERM, SIGHUP}) {
    SCOPED_TRACE(sigabbrev_np(sig));
    const std::string dir = temp_dir();
    pid_t rec = start_recorder("-o " + dir + "/t.psc -- sleep 30", dir + "/log");
    GroupReaper reaper{rec};
    ASSERT_TRUE(wait_for_text(dir + "/log", "tracing", 10000)) << slurp(dir + "/log");
    pid_t sleeper = child_of(rec);
    ASSERT_GT(sleeper, 0);
    ASSERT_TRUE(alive_as(sleeper, "sleep"));
    ASSERT_EQ(kill(rec, sig), 0);
    int status = wait_exit(rec, 15);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << slurp(dir + "/log");
    EXPECT_NE(slurp(dir + "/log").find("the command was killed by signal 15"), std::string::npos)
        << slurp(dir + "/log");
    waitpid(sleeper, nullptr, WNOHANG);  // had it been orphaned to us, reap it now
    EXPECT_FALSE(alive_as(sleeper, "sleep")) << "sleep outlived its recorder";
    Capture c = read_capture(dir + "/t.psc");
    EXPECT_TRUE(c.report.complete);
    EXPECT_EQ(names_in(dir), (std::vector<std::string>{"log", "t.psc"}));
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

// Item 19, disk full: the recording stops on the write error, the command is
// ended and reaped all the same, and what was written is kept under the
// output name as a readable prefix. The full disk is a 16 KiB tmpfs in a
// mount namespace of this test's own (gone when it exits).
TEST(RecordOutput, DiskFullStopEndsTheCommandAndKeepsThePrefix) {
  SKIP_WITHOUT_KERNEL();
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
  if (unshare(CLONE_NEWNS) != 0) GTEST_SKIP() << "unshare(CLONE_NEWNS): " << strerror(errno);
  ASSERT_EQ(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0) << strerror(errno);
  const std::string dir = temp_dir();
  const std::string full = dir + "/full";
  ASSERT_EQ(mkdir(full.c_str(), 0700), 0);
  ASSERT_EQ(mount("tmpfs", full.c_str(), "tmpfs", 0, "size=16k"), 0) << strerror(errno);
  pid_t rec = start_recorder("-o " + full + "/t.psc -- sleep 60", dir + "/log");
  GroupReaper reaper{rec};
  ASSERT_TRUE(wait_for_text(dir + "/log", "tracing", 10000)) << slurp(dir + "/log");
  pid_t sleeper = child_of(rec);
  ASSERT_GT(sleeper, 0);
  // The system samples (vmstat, meminfo every second) fill 16 KiB in seconds.
  int status = wait_exit(rec, 45);
  const std::string log = slurp(dir + "/log");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status << "\n" << log;
  EXPECT_NE(log.find("No space left on device"), std::string::npos) << log;
  waitpid(sleeper, nullptr, WNOHANG);
  EXPECT_FALSE(alive_as(sleeper, "sleep")) << "sleep outlived its recorder";
  auto reader = capture::CaptureReader::open(full + "/t.psc");
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  umount2(full.c_str(), MNT_DETACH);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
}

// --probe's tracefs row: optional since the memory syscalls come from the
// syscalls:* events when tracefs can be had (mounted privately if need be)
// and from raw sys_enter/sys_exit otherwise (4fab6f8); AVAILABLE says which
// path the mm_syscalls row reports. It used to say "not needed", "-".
TEST(RecordOutput, ProbeSaysTracefsIsOptionalAndWhetherItIsUsed) {
  SKIP_WITHOUT_KERNEL();
  SplitRun r = run_split(record_cmd("--probe --csv"));
  ASSERT_EQ(r.exit_code(), 0) << r.err;
  std::string tracefs, mm;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("tracefs,", 0) == 0) tracefs = line;
    if (line.rfind("mm_syscalls,", 0) == 0) mm = line;
  }
  ASSERT_FALSE(mm.empty()) << r.out;
  // CSV quotes a detail with commas in it.
  const bool by_tracefs = mm.rfind("mm_syscalls,recorded,yes,syscalls:", 0) == 0 ||
                          mm.rfind("mm_syscalls,recorded,yes,\"syscalls:", 0) == 0;
  EXPECT_EQ(tracefs.rfind(std::string("tracefs,optional,") + (by_tracefs ? "yes," : "no,"), 0), 0u)
      << tracefs << "\n" << mm;
}

}  // namespace
}  // namespace pagescope::testing
