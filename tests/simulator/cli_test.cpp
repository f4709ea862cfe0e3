// The replay / mrc / convert subcommands end to end, through the built
// pagescope binary: textbook numbers in the table, JSON and CSV shapes, SVG
// written, and one-line errors with non-zero exit codes for bad input.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

const std::string kBinary = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";

struct CliRun {
  int code = -1;
  std::string out, err;
};

CliRun run_cli(const std::string& args) {
  // One file per test process: ctest runs test cases in parallel.
  std::string err_path = std::string(PAGESCOPE_BINARY_DIR) + "/sim_cli_stderr." + std::to_string(getpid()) + ".txt";
  std::string cmd = kBinary + " " + args + " 2>" + err_path;
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  std::remove(err_path.c_str());
  return r;
}

std::string write_file(const std::string& name, const std::string& text) {
  std::string p = std::string(PAGESCOPE_BINARY_DIR) + "/sim_cli_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(p) << text;
  return p;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    struct stat st;
    if (stat(kBinary.c_str(), &st) != 0) GTEST_SKIP() << kBinary << " not built";
    silb_ = write_file("silb.txt", "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n");
  }
  std::string silb_;
};

TEST_F(Cli, ReplayTableHasTextbookFaults) {
  CliRun r = run_cli("replay " + silb_ + " --format text --policy fifo,lru,opt --frames 3");
  ASSERT_EQ(r.code, 0) << r.err;
  // Columns: policy frames memory references faults ...
  std::istringstream in(r.out);
  std::string line;
  std::map<std::string, int> faults;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string policy, frames, memory, refs;
    int fl;
    if (f >> policy >> frames >> memory >> refs >> fl) faults[policy] = fl;
  }
  EXPECT_EQ(faults["fifo"], 15);
  EXPECT_EQ(faults["lru"], 12);
  EXPECT_EQ(faults["opt"], 9);
}

TEST_F(Cli, ReplayJsonAndCsv) {
  CliRun j = run_cli("replay " + silb_ + " --policy lru --frames 3,4 --json");
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_EQ(j.out.front(), '[');
  EXPECT_NE(j.out.find("\"faults\": 12"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"policy\": \"lru\""), std::string::npos);
  EXPECT_NE(j.out.find("\"memory\": \"12K\""), std::string::npos) << j.out;  // a string, not a bare 12K
  CliRun c = run_cli("replay " + silb_ + " --policy lru --frames 3 --csv");
  ASSERT_EQ(c.code, 0);
  EXPECT_EQ(c.out.substr(0, c.out.find('\n')), "policy,frames,memory,references,faults,hit_ratio,evictions,dirty_writebacks");
  EXPECT_NE(c.out.find("lru,3,12K,20,12,"), std::string::npos) << c.out;
}

TEST_F(Cli, BadInputIsOneLineErrorAndNonZeroExit) {
  std::string bad = write_file("bad.txt", "1 2 3\n4 x 5\n");
  struct Case {
    std::string args, needle;
  } cases[] = {
      {"replay " + silb_ + " --policy nosuch --frames 3", "unknown policy 'nosuch'"},
      {"replay " + silb_ + " --format nosuch --frames 3", "unknown trace format 'nosuch'"},
      {"replay " + silb_ + " --frames 0", "0 frames"},
      {"replay " + silb_ + " --memory 1K", "0 frames"},
      {"replay /nonexistent/trace.txt --frames 3", "cannot open"},
      {"replay " + bad + " --frames 3", "bad.txt:2: not a page number: 'x'"},
      {"mrc " + silb_ + " --policy nosuch", "unknown policy"},
      {"convert " + silb_ + " --to nosuch -o /tmp/x", "cannot write format 'nosuch'"},
  };
  for (const auto& c : cases) {
    CliRun r = run_cli(c.args);
    EXPECT_NE(r.code, 0) << c.args;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << c.args << " -> " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << c.args << " -> " << r.err;
  }
}

TEST_F(Cli, MrcWritesSvgAndConvertRoundTrips) {
  std::string svg = std::string(PAGESCOPE_BINARY_DIR) + "/sim_cli_mrc." + std::to_string(getpid()) + ".svg";
  std::remove(svg.c_str());
  CliRun m = run_cli("mrc " + silb_ + " --policy lru,fifo,opt --frames 1,2,3,4,5,6 --svg " + svg + " --mark 12K:0.6:real");
  ASSERT_EQ(m.code, 0) << m.err;
  std::ifstream f(svg);
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_NE(ss.str().find("<polyline"), std::string::npos);
  EXPECT_NE(ss.str().find("real"), std::string::npos);
  // LRU at 3 frames: 12/20 = 0.6000.
  EXPECT_NE(m.out.find("0.6000"), std::string::npos) << m.out;

  std::string bin = std::string(PAGESCOPE_BINARY_DIR) + "/sim_cli_silb." + std::to_string(getpid()) + ".oracleGeneral.bin";
  CliRun c = run_cli("convert " + silb_ + " --format text --to oracle-general -o " + bin);
  ASSERT_EQ(c.code, 0) << c.err;
  CliRun r = run_cli("replay " + bin + " --policy fifo,lru,opt --frames 3 --csv");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("fifo,3,12K,20,15,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("opt,3,12K,20,9,"), std::string::npos) << r.out;
}

// Issue 18.5: replay of a capture shows what the recorded run took (a row
// "recorded": the memcg limit the demo ran under, its major and minor faults
// as the TUI's replay screen sums them), and --tier JSON has sizes as byte
// counts and the compression ratio as numbers. The figures are the demo
// capture's (tui::real_point over its frames; tests/tui checks that sum).
TEST_F(Cli, ReplayOfACaptureShowsTheRecordedRun) {
  const std::string demo = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";
  CliRun r = run_cli("replay " + demo + " -p lru --memory 4M");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("recorded run: memcg limit 32M,"), std::string::npos) << r.out;
  CliRun j = run_cli("replay " + demo + " -p lru --memory 4M --json");
  ASSERT_EQ(j.code, 0) << j.err;
  const size_t rec = j.out.find("\"policy\": \"recorded\"");
  ASSERT_NE(rec, std::string::npos) << j.out;
  const std::string row = j.out.substr(rec, j.out.find('}', rec) - rec);
  EXPECT_NE(row.find("\"memory\": \"32M\""), std::string::npos) << row;
  EXPECT_NE(row.find("\"major_faults\": 56888"), std::string::npos) << row;
  EXPECT_NE(row.find("\"minor_faults\": 24939"), std::string::npos) << row;
  // faults = majors + first touches (24904 distinct pages), capped at the references.
  EXPECT_NE(row.find("\"faults\": 81792"), std::string::npos) << row;
  // Not a capture: no such row, no such columns.
  CliRun t = run_cli("replay " + silb_ + " -p lru --frames 3 --json");
  EXPECT_EQ(t.out.find("recorded"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find("major_faults"), std::string::npos) << t.out;

  CliRun z = run_cli("replay " + demo + " -p lru --memory 4M --tier none,zswap:lz4 --compress-ratio 2.5 --json");
  ASSERT_EQ(z.code, 0) << z.err;
  EXPECT_NE(z.out.find("\"memory\": 4194304,"), std::string::npos) << z.out;
  EXPECT_NE(z.out.find("\"ratio\": 2.50}"), std::string::npos) << z.out;
  EXPECT_EQ(z.out.find("\"pool_peak\": \""), std::string::npos) << z.out;  // a number, not "64M"
}

}  // namespace
}  // namespace pagescope::sim
