// Output that never reached its file is a failure: with stdout on /dev/full
// (every write fails with ENOSPC) each command prints one line naming the
// error and exits 1 (README "Exit codes"), where it used to exit 0. Runs the
// real pagescope on the bundled capture scripts/data/demo.psc.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace {

const std::string kPagescope = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";
const std::string kDemo = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";

struct Outcome {
  int code = -1;
  std::string err;  // stderr
};

// stdout goes to `out`; stderr is captured.
Outcome run(const std::string& args, const std::string& out) {
  const std::string cmd = kPagescope + " " + args + " 2>&1 >" + out;
  Outcome r;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.err.append(buf, n);
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return r;
}

class OutputErrors : public ::testing::TestWithParam<std::string> {};

TEST_P(OutputErrors, FullDiskIsOneLineAndExitOne) {
  const Outcome ok = run(GetParam(), "/dev/null");
  ASSERT_EQ(ok.code, 0) << GetParam() << ": " << ok.err;  // the command itself works
  const Outcome full = run(GetParam(), "/dev/full");
  EXPECT_EQ(full.code, 1) << GetParam();
  // The command's own notes may come first; the write error is the last line, once.
  const std::string line = "pagescope: writing output: No space left on device\n";
  ASSERT_GE(full.err.size(), line.size()) << full.err;
  EXPECT_EQ(full.err.substr(full.err.size() - line.size()), line) << full.err;
  EXPECT_EQ(full.err.find(line), full.err.size() - line.size()) << full.err;
}

INSTANTIATE_TEST_SUITE_P(
    Commands, OutputErrors,
    ::testing::Values("inspect " + kDemo, "inspect " + kDemo + " --json", "inspect " + kDemo + " --timeline",
                      "replay " + kDemo + " -p lru,fifo --frames 100,1000",
                      "mrc " + kDemo + " -p lru --points 4", "export " + kDemo + " --format chrome-json -o -",
                      "--version", "--help", "inspect --help"),
    [](const ::testing::TestParamInfo<std::string>& info) { return "case" + std::to_string(info.index); });

// A command that already failed keeps its own exit code (2: not a capture).
TEST(OutputErrorsCode, CommandFailureKeepsItsCode) {
  const Outcome r = run("inspect " + std::string(PAGESCOPE_SOURCE_DIR) + "/README.md", "/dev/full");
  EXPECT_EQ(r.code, 2) << r.err;
}

}  // namespace

// An output that can never be created is a bad command line: exit 2 with one
// line naming it, before any work (issue 17.15: these exited 1, mrc after
// replaying and printing its table).
class UnwritableOutputs : public ::testing::TestWithParam<std::string> {};

TEST_P(UnwritableOutputs, ExitTwoBeforeAnyWork) {
  const Outcome r = run(GetParam(), "/tmp/pagescope-unwritable-stdout.txt");
  EXPECT_EQ(r.code, 2) << GetParam() << ": " << r.err;
  EXPECT_NE(r.err.find("/nonexistent-dir/"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot create"), std::string::npos) << r.err;
  FILE* out = std::fopen("/tmp/pagescope-unwritable-stdout.txt", "r");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(std::fgetc(out), EOF) << "nothing was computed or printed";
  std::fclose(out);
}

INSTANTIATE_TEST_SUITE_P(
    Commands, UnwritableOutputs,
    ::testing::Values("export " + kDemo + " --format csv -o /nonexistent-dir/x",
                      "export " + kDemo + " --format chrome-json -o /nonexistent-dir/x.json",
                      "mrc " + kDemo + " -p lru --points 4 --svg /nonexistent-dir/x.svg",
                      "convert " + kDemo + " --to din -o /nonexistent-dir/x.din"),
    [](const ::testing::TestParamInfo<std::string>& info) { return "case" + std::to_string(info.index); });

// Options that contradict each other or a count that means nothing are a bad
// command line too (issue 17.16: `--json --csv` printed JSON only, and
// `--contents-rate 0` was accepted): exit 2 with one line naming the option,
// nothing on stdout.
class ContradictoryOptions : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(ContradictoryOptions, ExitTwoNamingTheOption) {
  const auto& [args, named] = GetParam();
  const Outcome r = run(args, "/tmp/pagescope-contradictory-stdout.txt");
  EXPECT_EQ(r.code, 2) << args << ": " << r.err;
  EXPECT_NE(r.err.find(named), std::string::npos) << args << ": " << r.err;
  FILE* out = std::fopen("/tmp/pagescope-contradictory-stdout.txt", "r");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(std::fgetc(out), EOF) << args << ": nothing printed";
  std::fclose(out);
}

INSTANTIATE_TEST_SUITE_P(
    Commands, ContradictoryOptions,
    ::testing::Values(std::pair<std::string, std::string>{"inspect " + kDemo + " --json --csv", "--csv"},
                      std::pair<std::string, std::string>{"replay " + kDemo + " -p lru --frames 100 --json --csv", "--csv"},
                      std::pair<std::string, std::string>{"mrc " + kDemo + " -p lru --points 4 --json --csv", "--csv"},
                      std::pair<std::string, std::string>{"lab --json --csv", "--csv"},
                      std::pair<std::string, std::string>{"record --sample-contents --contents-rate 0 -- true",
                                                          "--contents-rate"},
                      std::pair<std::string, std::string>{"record --sample-contents --contents-rate -5 -- true",
                                                          "--contents-rate"},
                      std::pair<std::string, std::string>{"record --max-size 0 -- true", "--max-size"},
                      std::pair<std::string, std::string>{"record --max-size lots -- true", "--max-size"}),
    [](const ::testing::TestParamInfo<std::pair<std::string, std::string>>& info) {
      return "case" + std::to_string(info.index);
    });
