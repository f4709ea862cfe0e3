// Helpers for the tests of inspector/live: they run the real pagescope binary
// against the kernel.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <chrono>
#include <vector>

#include <gtest/gtest.h>

#include "events.h"
#include "inspector/capture/reader.h"
#include "tests/support/root.h"

namespace pagescope::testing {

inline std::string binary(const std::string& rel) { return std::string(PAGESCOPE_BINARY_DIR) + "/" + rel; }
inline std::string pagescope_bin() { return binary("app/pagescope"); }

// Why a real-kernel test cannot run here, or "" if it can.
inline std::string kernel_skip_reason() {
  if (std::string why = root_skip_reason("BPF programs"); !why.empty()) return why;
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) return "no kernel BTF (/sys/kernel/btf/vmlinux)";
  if (access(pagescope_bin().c_str(), X_OK) != 0) return "pagescope binary not built";
  return "";
}

#define SKIP_WITHOUT_KERNEL()                                           \
  do {                                                                  \
    std::string why = ::pagescope::testing::kernel_skip_reason();       \
    if (!why.empty()) GTEST_SKIP() << why;                              \
  } while (0)

struct RunResult {
  int status = -1;      // wait status
  std::string output;   // stdout + stderr
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
};

// Runs a shell command line, collecting stdout and stderr.
inline RunResult run(const std::string& cmd) {
  RunResult r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  r.status = pclose(p);
  return r;
}

// A command's stdout and stderr, kept apart (record's notes go to stderr).
struct SplitRun {
  int status = -1;
  std::string out, err;
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline SplitRun run_split(const std::string& cmd) {
  char tmpl[] = "/tmp/pagescope-run-XXXXXX";
  SplitRun r;
  if (!mkdtemp(tmpl)) return r;
  const std::string dir = tmpl, out = dir + "/out", err = dir + "/err";
  r.status = std::system(("(" + cmd + ") >" + out + " 2>" + err).c_str());
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  rmdir(dir.c_str());
  return r;
}

// Every record of a capture, copied out.
struct Capture {
  std::vector<std::vector<uint8_t>> records;
  capture::ReadReport report;
  template <typename T>
  std::vector<const T*> of_kind(int kind) const {
    std::vector<const T*> out;
    for (const auto& r : records) {
      auto* h = reinterpret_cast<const ps_header*>(r.data());
      if (h->kind == kind) out.push_back(reinterpret_cast<const T*>(r.data()));
    }
    return out;
  }
};

inline Capture read_capture(const std::string& path) {
  Capture c;
  auto reader = capture::CaptureReader::open(path);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  if (!reader.ok()) return c;
  Status s = reader->for_each([&](const ps_header& h) {
    const auto* p = reinterpret_cast<const uint8_t*>(&h);
    c.records.emplace_back(p, p + h.size);
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.message();
  c.report = reader->report();
  return c;
}

// "key value..." lines; repeated keys keep every value line.
inline std::multimap<std::string, std::string> read_report(const std::string& path) {
  std::multimap<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto sp = line.find(' ');
    if (sp == std::string::npos) continue;
    out.emplace(line.substr(0, sp), line.substr(sp + 1));
  }
  return out;
}

// The directories temp_dir() made, removed when the test binary exits unless
// a test failed (then they stay for a look, and their paths are printed).
// Each real-kernel test runs up to three times (.no_tracefs, .tracefs), and
// the captures of a 100003-page run add up.
class TempDirs {
 public:
  void add(const std::string& dir) { dirs_.push_back(dir); }
  ~TempDirs() {
    const bool failed = ::testing::UnitTest::GetInstance()->Failed();
    for (const auto& d : dirs_) {
      if (failed) {
        std::fprintf(stderr, "kept %s\n", d.c_str());
      } else {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    }
  }

 private:
  std::vector<std::string> dirs_;
};

inline std::string temp_dir() {
  static TempDirs made;
  char tmpl[] = "/tmp/pagescope-test-XXXXXX";
  const char* d = mkdtemp(tmpl);
  if (!d) return "/tmp";
  made.add(d);
  return d;
}

// Kills a background recorder's whole process group when the test ends, on
// every path: a failed wait must not leave a recorder tracing.
struct GroupReaper {
  pid_t pgid;
  ~GroupReaper() {
    if (pgid > 0) {
      kill(-pgid, SIGKILL);
      waitpid(pgid, nullptr, WNOHANG);
    }
  }
};

// Starts `pagescope record ARGS` in its own process group, stdout and stderr to `log`.
inline pid_t start_recorder(const std::string& args, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/bin/sh", "sh", "-c", ("exec " + pagescope_bin() + " record " + args).c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

// Polls `file` every 20 ms until it holds `text`; false after `timeout_ms`.
inline bool wait_for_text(const std::string& file, const std::string& text, int timeout_ms) {
  for (int i = 0; i < timeout_ms / 20; ++i) {
    if (slurp(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace pagescope::testing
