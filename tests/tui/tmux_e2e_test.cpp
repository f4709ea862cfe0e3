// End to end in a real terminal: `pagescope top` runs inside a private tmux
// server (fixed 100x30), keys are sent, and the screen is read back with
// capture-pane. The test starts its own faulting process ("pstui-probe") and
// checks that top shows it with numbers matching /proc.
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace {

const std::string kBinary = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

int run_status(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[256];
  while (fread(buf, 1, sizeof buf, p) > 0) {
  }
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// A tmux server of our own, killed however the test ends.
class Tmux {
 public:
  Tmux() : socket_("pagescope-test-" + std::to_string(getpid())) {}
  ~Tmux() {
    run(tmux() + " kill-server 2>/dev/null");
    // tmux leaves its socket file behind after kill-server.
    const char* dir = std::getenv("TMUX_TMPDIR");
    unlink((std::string(dir && *dir ? dir : "/tmp") + "/tmux-" + std::to_string(getuid()) + "/" + socket_).c_str());
  }
  std::string tmux() const { return "tmux -L " + socket_ + " -f /dev/null"; }
  bool start(const std::string& command) {
    std::string cmd = tmux() + " new-session -d -s t -x 100 -y 30 \"" + command + "\"";
    return run_status(cmd) == 0;
  }
  void keys(const std::string& k) { run(tmux() + " send-keys -t t " + k); }
  void literal(const std::string& text) { run(tmux() + " send-keys -t t -l '" + text + "'"); }
  std::string screen() { return run(tmux() + " capture-pane -p -t t"); }
  // Polls the screen until it contains every string, or the time runs out.
  bool wait_for(const std::vector<std::string>& texts, int timeout_ms = 8000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string s = screen();
      bool all = true;
      for (const auto& t : texts) all = all && s.find(t) != std::string::npos;
      if (all) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    return false;
  }
  int pane_pid() { return std::atoi(run(tmux() + " display-message -p -t t '#{pane_pid}'").c_str()); }

 private:
  std::string socket_;
};

// A child that keeps ~48 MiB resident and keeps faulting.
pid_t start_probe() {
  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_NAME, "pstui-probe");
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  const size_t keep = 48u << 20, churn = 1u << 20;
  char* base = static_cast<char*>(mmap(nullptr, keep, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (base == MAP_FAILED) _exit(1);
  std::memset(base, 1, keep);
  for (;;) {
    void* p = mmap(nullptr, churn, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      std::memset(p, 2, churn);
      munmap(p, churn);
    }
    usleep(20000);
  }
}

uint64_t statm_rss_kb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size = 0, resident = 0;
  f >> size >> resident;
  return resident * uint64_t(sysconf(_SC_PAGESIZE)) / 1024;
}

std::string line_with(const std::string& screen, const std::string& needle) {
  std::istringstream in(screen);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

// "49M" / "900K" / "1.2G" -> kB
double kb_of(const std::string& s) {
  double v = std::atof(s.c_str());
  switch (s.empty() ? 'K' : s.back()) {
    case 'G': return v * 1024 * 1024;
    case 'M': return v * 1024;
    default: return v;
  }
}

class TopE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_status("command -v tmux >/dev/null 2>&1") != 0) GTEST_SKIP() << "tmux is not installed";
    if (access(kBinary.c_str(), X_OK) != 0) GTEST_SKIP() << kBinary << " is not built";
  }
};

}  // namespace

TEST_F(TopE2E, ShowsOwnProcessSortsFiltersOpensDetailAndQuits) {
  pid_t probe = start_probe();
  ASSERT_GT(probe, 0);
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " top; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"PID", "MINFLT", "RSS", "COMMAND", "Mem", "Swap", "PSI10"})) << tmux.screen();

  // Filter by name: only the probe remains.
  tmux.keys("/");
  tmux.literal("pstui-probe");
  tmux.keys("Enter");
  const std::string pid = std::to_string(probe);
  ASSERT_TRUE(tmux.wait_for({"pstui-probe", pid})) << tmux.screen();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // one refresh with the probe running
  std::string screen = tmux.screen();
  std::string row = line_with(screen, "pstui-probe");
  std::istringstream cols(row);
  std::vector<std::string> f;
  for (std::string t; cols >> t;) f.push_back(t);
  // PID MINFLT MAJFLT SWIN SWOUT RSS WSS STALLms TLB COMMAND
  ASSERT_EQ(f.size(), 10u) << row;
  EXPECT_EQ(f[0], pid);
  EXPECT_GT(std::atof(f[1].c_str()), 1000) << "the probe faults in ~50 MiB/s: " << row;
  const double rss_shown = kb_of(f[5]), rss_proc = double(statm_rss_kb(probe));
  EXPECT_NEAR(rss_shown, rss_proc, rss_proc * 0.1) << row;
  EXPECT_EQ(f[6], "-");  // WSS needs the BPF source
  EXPECT_EQ(f[9], "pstui-probe");

  // Sort keys: M sorts by RSS (descending), P by pid (ascending).
  tmux.keys("M");
  EXPECT_TRUE(tmux.wait_for({"RSSv"})) << tmux.screen();
  tmux.keys("P");
  EXPECT_TRUE(tmux.wait_for({"PID^"})) << tmux.screen();

  // Enter opens the detail screen of the (only) selected process.
  tmux.keys("Enter");
  EXPECT_TRUE(tmux.wait_for({"pid " + pid + " pstui-probe", "VMA map", "ADDRESS", "[heap]"})) << tmux.screen();
  tmux.keys("Escape");
  EXPECT_TRUE(tmux.wait_for({"COMMAND", "MINFLT"})) << tmux.screen();

  // Resize: the title's right part moves to the new right edge.
  run(tmux.tmux() + " resize-window -t t -x 80 -y 24");
  EXPECT_TRUE(tmux.wait_for({"COMMAND"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::string small = tmux.screen();
  std::string title = line_with(small, "pagescope top");
  EXPECT_EQ(title.size(), 80u) << small;
  EXPECT_NE(title.find("q:quit"), std::string::npos) << small;

  // q quits and the shell after it runs on a restored terminal.
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
  EXPECT_EQ(tmux.screen().find("MINFLT"), std::string::npos) << "the alternate screen was left";
  kill(probe, SIGKILL);
  waitpid(probe, nullptr, 0);
}

TEST_F(TopE2E, SigtermRestoresTheTerminal) {
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " top; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"COMMAND"})) << tmux.screen();
  // The pane runs sh; its child is pagescope.
  int sh = tmux.pane_pid();
  std::string child = run("pgrep -P " + std::to_string(sh));
  int top = std::atoi(child.c_str());
  ASSERT_GT(top, 0);
  kill(top, SIGTERM);
  EXPECT_TRUE(tmux.wait_for({"EXIT=130"})) << tmux.screen();
  EXPECT_EQ(tmux.screen().find("COMMAND"), std::string::npos);
}

TEST_F(TopE2E, MonochromeTerminalStillDrawsEverything) {
  Tmux tmux;
  // vt100 has no colours: styles fall back to bold/reverse, glyphs stay.
  ASSERT_TRUE(tmux.start("TERM=vt100 " + kBinary + " top; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"pagescope top", "COMMAND", "Mem", "0:00:0"})) << tmux.screen();
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
}

TEST_F(TopE2E, BadArgumentsGetAOneLineError) {
  std::string out = run(kBinary + " top --sort bogus 2>&1 </dev/null");
  EXPECT_NE(out.find("unknown sort column \"bogus\""), std::string::npos) << out;
  EXPECT_EQ(run_status(kBinary + " top --sort bogus </dev/null >/dev/null 2>&1"), 2);
  out = run(kBinary + " tui /nonexistent/run.psc 2>&1 </dev/null");
  EXPECT_NE(out.find("/nonexistent/run.psc"), std::string::npos) << out;
  EXPECT_EQ(run_status(kBinary + " tui /nonexistent/run.psc </dev/null >/dev/null 2>&1"), 2);
}

TEST_F(TopE2E, DumbTerminalAndPipeGetAOneLineError) {
  Tmux tmux;
  ASSERT_TRUE(tmux.start("TERM=dumb " + kBinary + " top; echo EXIT=\\$?; sleep 60"));
  EXPECT_TRUE(tmux.wait_for({"TERM=dumb", "pagescope inspect", "EXIT=2"})) << tmux.screen();
  std::string piped = run(kBinary + " top 2>&1 </dev/null | cat");
  EXPECT_NE(piped.find("not a tty"), std::string::npos) << piped;
  EXPECT_NE(piped.find("pagescope inspect"), std::string::npos) << piped;
  EXPECT_EQ(run_status(kBinary + " top </dev/null >/dev/null 2>&1"), 2);
}

#ifdef PAGESCOPE_TUI_CAPTURE
#include "capture_records.h"
#include "inspector/capture/writer.h"

TEST_F(TopE2E, TuiReplaysACaptureWithTheTimeline) {
  const std::string path = ::testing::TempDir() + "/tui_e2e_" + std::to_string(getpid()) + ".psc";
  {
    auto w = pagescope::capture::CaptureWriter::create(path, pagescope::capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    const auto story = pagescope::tui::testing::worker_story();
    for (const auto& r : story.all()) ASSERT_TRUE(w->append(r.data(), r.size()).ok());
    ASSERT_TRUE(w->close().ok());
  }
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " tui " + path + "; echo EXIT=\\$?; sleep 60"));
  // A replay opens paused on the first frame: worker's 10 faults in its first second.
  ASSERT_TRUE(tmux.wait_for({"pagescope tui", "[PAUSED]", "worker", "0:00:01.0 / 0:00:02.5"})) << tmux.screen();
  std::string row = line_with(tmux.screen(), "worker");
  EXPECT_NE(row.find("   10 "), std::string::npos) << row;
  // Right steps one interval: 18 minor and 2 major faults per second.
  tmux.keys("Right");
  ASSERT_TRUE(tmux.wait_for({"0:00:02.0 / 0:00:02.5"})) << tmux.screen();
  row = line_with(tmux.screen(), "worker");
  EXPECT_NE(row.find("  18 "), std::string::npos) << row;
  EXPECT_NE(row.find("2.0"), std::string::npos) << row;
  // The detail screen shows fault heat (not the RSS proxy) in the heap.
  tmux.keys("Enter");
  ASSERT_TRUE(tmux.wait_for({"pid 100 worker", "heat: faults/s", "[heap]"})) << tmux.screen();
  std::string heap = line_with(tmux.screen(), "[heap]");
  EXPECT_NE(heap.find(" 20 "), std::string::npos) << heap;
  // g jumps to a time, End to the last frame.
  tmux.keys("Escape");
  tmux.keys("g");
  tmux.literal("0:01.2");  // the frame ending at or before 1.2 s: the first, ending at 1.0
  tmux.keys("Enter");
  EXPECT_TRUE(tmux.wait_for({"0:00:01.0 / 0:00:02.5"})) << tmux.screen();
  tmux.keys("End");
  EXPECT_TRUE(tmux.wait_for({"0:00:02.5 / 0:00:02.5"})) << tmux.screen();
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
  unlink(path.c_str());
}
#endif
