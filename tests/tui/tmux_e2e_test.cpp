// End to end in a real terminal: `pagescope top` runs inside a private tmux
// server (fixed 100x30), keys are sent, and the screen is read back with
// capture-pane. The test starts its own faulting process ("pstui-probe") and
// checks that top shows it with numbers matching /proc.
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/root.h"

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

// A child that keeps ~48 MiB resident and keeps faulting: in fresh 1 MiB
// mappings (gone by the next refresh), or, in_place, in one 1 MiB mapping that
// it keeps and empties with MADV_DONTNEED (so the faults land in a VMA the
// detail screen lists).
pid_t start_probe(bool in_place = false) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_NAME, "pstui-probe");
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  const size_t keep = 48u << 20, churn = 1u << 20;
  char* base = static_cast<char*>(mmap(nullptr, keep, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (base == MAP_FAILED) _exit(1);
  std::memset(base, 1, keep);
  if (in_place) {
    char* p = static_cast<char*>(mmap(nullptr, churn, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (p == MAP_FAILED) _exit(1);
    for (;;) {
      std::memset(p, 2, churn);
      madvise(p, churn, MADV_DONTNEED);
      usleep(20000);
    }
  }
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

// Minor faults per second of a process, measured from /proc over `ms`.
double proc_minflt_rate(pid_t pid, int ms) {
  auto minflt = [pid] {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::istringstream rest(all.substr(all.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 10; ++i) rest >> field;  // field 10: minflt
    return std::atof(field.c_str());
  };
  double a = minflt();
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return (minflt() - a) * 1000.0 / ms;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> f;
  for (std::string t; in >> t;) f.push_back(t);
  return f;
}

TEST_F(TopE2E, BpfSourceAsRootCountsFaultsTlbStallsAndDrawsFaultHeat) {
  SKIP_UNLESS_ROOT("the BPF source");
  pid_t probe = start_probe(/*in_place=*/true);
  ASSERT_GT(probe, 0);
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " top --source bpf -f pstui-probe; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"source bpf", "pstui-probe"}, 15000)) << tmux.screen();
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // two refreshes with the tracer attached
  const double truth = proc_minflt_rate(probe, 1000);
  std::string row = line_with(tmux.screen(), "pstui-probe");
  auto f = fields_of(row);
  ASSERT_EQ(f.size(), 10u) << row;
  EXPECT_EQ(f[0], std::to_string(probe));
  const double shown = std::atof(f[1].c_str());
  EXPECT_GT(shown, 1000) << row;
  // The tracer counts the faults /proc counts (both are the kernel's accounting).
  EXPECT_NEAR(shown, truth, truth * 0.5) << row << " vs /proc " << truth;
  EXPECT_NE(f[7], "-") << "stall ms/s comes from the tracer: " << row;
  EXPECT_NE(f[8], "-") << "TLB flushes/s come from the tracer: " << row;
  std::string screen = tmux.screen();
  EXPECT_EQ(screen.find("records lost"), std::string::npos) << screen;

  // The detail screen's heat is real faults, and the anonymous churn is hot.
  tmux.keys("Enter");
  ASSERT_TRUE(tmux.wait_for({"pid " + std::to_string(probe), "heat: faults/s", "heat over last"})) << tmux.screen();
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  screen = tmux.screen();
  EXPECT_EQ(screen.find("proxy"), std::string::npos) << screen;
  bool hot_anon = false;
  std::istringstream lines(screen);
  for (std::string l; std::getline(lines, l);) {
    auto v = fields_of(l.substr(0, 54));  // the VMA list: ADDRESS SIZE PERM RSS HEAT [PATH]
    if (v.size() == 5 && v[2] == "rw-p" && std::atof(v[4].c_str()) > 100) hot_anon = true;
  }
  EXPECT_TRUE(hot_anon) << "an anonymous rw-p VMA with >100 faults/s: " << screen;
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
  kill(probe, SIGKILL);
  waitpid(probe, nullptr, 0);
}

// top --wss: the process on the detail screen gets its working set from the
// access sampler. The probe keeps 48 MiB resident but touches only a 1 MiB
// churn region (and its stack and code), so WSS must be far below RSS.
TEST_F(TopE2E, WssFlagShowsTheWatchedProcessWorkingSetBelowItsRss) {
  SKIP_UNLESS_ROOT("the BPF source and the access sampler");
  pid_t probe = start_probe(/*in_place=*/true);
  ASSERT_GT(probe, 0);
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " top --source bpf --wss -f pstui-probe; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"source bpf", "pstui-probe"}, 15000)) << tmux.screen();
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the filtered row is selected
  tmux.keys("Enter");
  // The first access interval closes a second after the detail opens.
  std::string head;
  for (int i = 0; i < 40 && head.find("  WSS ") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    head = line_with(tmux.screen(), "pid " + std::to_string(probe));
  }
  auto f = fields_of(head);
  auto value_after = [&](const std::string& key) {
    for (size_t i = 0; i + 1 < f.size(); ++i) if (f[i] == key) return kb_of(f[i + 1]);
    return -1.0;
  };
  const double rss = value_after("RSS"), wss = value_after("WSS");
  EXPECT_GT(rss, 40 * 1024) << head;
  EXPECT_GT(wss, 0) << head;
  EXPECT_LT(wss, rss / 4) << "the 48 MiB kept region is resident but not in the working set: " << head;
  EXPECT_TRUE(tmux.wait_for({"RSS    WSS  HEAT"})) << "the VMA list has a WSS column: " << tmux.screen();
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
  kill(probe, SIGKILL);
  waitpid(probe, nullptr, 0);
}

TEST_F(TopE2E, WithoutRootTopFallsBackToProcAndSaysWhy) {
  SKIP_UNLESS_ROOT("dropping to another user");
  if (run_status("command -v setpriv >/dev/null 2>&1") != 0) GTEST_SKIP() << "setpriv is not installed";
  if (run_status("setpriv --reuid=65534 --regid=65534 --clear-groups test -x " + kBinary) != 0)
    GTEST_SKIP() << kBinary << " is not executable by uid 65534";
  Tmux tmux;
  ASSERT_TRUE(tmux.start("setpriv --reuid=65534 --regid=65534 --clear-groups " + kBinary +
                         " top; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"source /proc", "run as root", "COMMAND"})) << tmux.screen();
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
}

TEST_F(TopE2E, RKeyRecordsTheProcessesOnScreenUntilPressedAgain) {
  SKIP_UNLESS_ROOT("pagescope record");
  pid_t probe = start_probe();
  ASSERT_GT(probe, 0);
  char dir_tmpl[] = "/tmp/pstui-rec-XXXXXX";
  ASSERT_NE(mkdtemp(dir_tmpl), nullptr);
  const std::string dir = dir_tmpl;
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " top --record-dir " + dir + " -f pstui-probe; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"pstui-probe", std::to_string(probe)}, 15000)) << tmux.screen();
  tmux.keys("r");
  ASSERT_TRUE(tmux.wait_for({"REC]", "recording 1 process(es) to " + dir + "/pagescope-top-"})) << tmux.screen();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  tmux.keys("r");
  ASSERT_TRUE(tmux.wait_for({"recorded to " + dir + "/pagescope-top-"}, 10000)) << tmux.screen();
  EXPECT_EQ(tmux.screen().find("REC]"), std::string::npos) << tmux.screen();
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
  kill(probe, SIGKILL);
  waitpid(probe, nullptr, 0);

  // One capture (and no leftover log) in the directory; it holds the probe's faults.
  std::vector<std::string> files;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') files.push_back(e->d_name);
    }
    closedir(d);
  }
  ASSERT_EQ(files.size(), 1u);
  const std::string capture = dir + "/" + files[0];
  EXPECT_EQ(capture.substr(capture.size() - 4), ".psc");
  std::string summary = run(kBinary + " inspect " + capture + " 2>&1");
  std::string row;
  std::istringstream lines(summary);
  for (std::string l; std::getline(lines, l);) {
    auto f = fields_of(l);
    if (!f.empty() && f[0] == std::to_string(probe)) row = l;
  }
  ASSERT_FALSE(row.empty()) << summary;
  auto f = fields_of(row);
  ASSERT_GT(f.size(), 6u) << row;
  EXPECT_GT(std::atof(f[6].c_str()), 100) << "FAULTS of the probe over ~2.5 s: " << row;
  unlink(capture.c_str());
  rmdir(dir.c_str());
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

// Faults per "policy memory" from `pagescope replay --json`.
std::map<std::string, std::string> replay_faults(const std::string& json) {
  std::map<std::string, std::string> out;
  std::istringstream in(json);
  for (std::string l; std::getline(in, l);) {
    auto get = [&](const std::string& key) {
      size_t p = l.find("\"" + key + "\": ");
      if (p == std::string::npos) return std::string();
      p += key.size() + 4;
      if (l[p] == '"') return l.substr(p + 1, l.find('"', p + 1) - p - 1);
      return l.substr(p, l.find_first_of(",}", p) - p);
    };
    if (!get("policy").empty()) out[get("policy") + " " + get("memory")] = get("faults");
  }
  return out;
}

TEST_F(TopE2E, TuiReplayScreenRunsTheSimulatorAndPlotsCurvesWithTheRealRun) {
  const std::string path = ::testing::TempDir() + "/tui_e2e_replay_" + std::to_string(getpid()) + ".psc";
  {
    auto w = pagescope::capture::CaptureWriter::create(path, pagescope::capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    const auto story = pagescope::tui::testing::worker_story();
    for (const auto& r : story.all()) ASSERT_TRUE(w->append(r.data(), r.size()).ok());
    ASSERT_TRUE(w->close().ok());
  }
  Tmux tmux;
  ASSERT_TRUE(tmux.start(kBinary + " tui " + path + "; echo EXIT=\\$?; sleep 60"));
  ASSERT_TRUE(tmux.wait_for({"pagescope tui", "worker"})) << tmux.screen();
  tmux.keys("R");
  ASSERT_TRUE(tmux.wait_for({"pagescope tui replay", "> Policies lru,fifo,clock,opt_", "Memory   auto", "Tiers    none"}))
      << tmux.screen();
  for (int i = 0; i < 20; ++i) tmux.keys("BSpace");
  tmux.literal("lru,opt");
  tmux.keys("Down");
  for (int i = 0; i < 6; ++i) tmux.keys("BSpace");
  tmux.literal("8K,32K");
  ASSERT_TRUE(tmux.wait_for({"Policies lru,opt", "> Memory   8K,32K_"})) << tmux.screen();
  tmux.keys("Enter");
  ASSERT_TRUE(tmux.wait_for({"POLICY   MEMORY      FAULTS  MISS%  vs REAL", "miss ratio by memory", "* lru  + opt",
                             "R real run", "real run: peak RSS 2048K, 2 major faults"},
                            15000))
      << tmux.screen();
  // The table's numbers are the replay command's for the same capture.
  const std::string json = run(kBinary + " replay " + path + " -p lru,opt -m 8K,32K --json 2>/dev/null");
  auto expected = replay_faults(json);
  // replay FILE.psc adds the recorded run as one more row; its majors are the
  // TUI's "real run" figure (2 major faults above).
  ASSERT_EQ(expected.count("recorded 2M"), 1u) << json;
  EXPECT_NE(json.find("\"major_faults\": 2,"), std::string::npos) << json;
  expected.erase("recorded 2M");
  ASSERT_EQ(expected.size(), 4u) << json;
  std::string screen = tmux.screen();
  for (const auto& [key, faults] : expected) {
    std::istringstream k(key);
    std::string policy, memory;
    k >> policy >> memory;
    bool found = false;
    std::istringstream lines(screen);
    for (std::string l; std::getline(lines, l);) {
      std::istringstream in(l);
      std::string p, m, f;
      in >> p >> m >> f;
      if (p == policy && m == memory) found = f == faults;
    }
    EXPECT_TRUE(found) << key << " faults " << faults << "\n" << screen;
  }
  // One 'R' on the plot, inside the axes.
  size_t marks = 0;
  std::istringstream lines(screen);
  for (std::string l; std::getline(lines, l);) {
    if (l.size() > 7 && l[6] == '|') marks += size_t(std::count(l.begin() + 7, l.end(), 'R'));
  }
  EXPECT_EQ(marks, 1u) << screen;
  // A bad policy name is refused on the setup screen, naming the field.
  tmux.keys("e");
  ASSERT_TRUE(tmux.wait_for({"> Memory"})) << tmux.screen();
  tmux.keys("Up");
  tmux.literal(",bogus");
  tmux.keys("Enter");
  EXPECT_TRUE(tmux.wait_for({"policies: ", "bogus"})) << tmux.screen();
  // Esc back to the table; q quits with the terminal restored.
  tmux.keys("Escape");
  ASSERT_TRUE(tmux.wait_for({"COMMAND", "worker"})) << tmux.screen();
  tmux.keys("q");
  EXPECT_TRUE(tmux.wait_for({"EXIT=0"})) << tmux.screen();
  unlink(path.c_str());
}
