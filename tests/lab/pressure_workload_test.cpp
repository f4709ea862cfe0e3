// ps-pressure, the lab's workload: each mode's access pattern has a known
// shape, checked from --print-pages (which allocates nothing, so no root and
// no memory pressure are needed), and a run is reproducible from its seed.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

struct Access {
  std::uint64_t page;
  bool write;
};

struct ProcessOutput {
  int exit_code = -1;
  std::string out;
};

ProcessOutput run_pressure(const std::string& args) {
  ProcessOutput r;
  std::string cmd = std::string(PS_PRESSURE_BIN) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::vector<Access> pages(const std::string& args) {
  ProcessOutput r = run_pressure(args);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::vector<Access> out;
  std::istringstream in(r.out);
  std::uint64_t page;
  char op;
  while (in >> page >> op) out.push_back({page, op == 'w'});
  return out;
}

class PressureWorkloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(PS_PRESSURE_BIN, X_OK) != 0) GTEST_SKIP() << "ps-pressure not built: " << PS_PRESSURE_BIN;
  }
};

TEST_F(PressureWorkloadTest, SeqAndLoopSweepInOrder) {
  for (const char* mode : {"seq", "loop"}) {
    auto a = pages(std::string("--mode ") + mode + " --size 40K --print-pages 25");
    ASSERT_EQ(a.size(), 25u);
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].page, i % 10) << mode << " access " << i;
  }
}

TEST_F(PressureWorkloadTest, UniformHitsEveryPageAboutEqually) {
  auto a = pages("--mode uniform --size 256K --print-pages 64000");  // 64 pages, 1000 each expected
  std::map<std::uint64_t, int> hits;
  for (const auto& x : a) ++hits[x.page];
  ASSERT_EQ(hits.size(), 64u);
  for (const auto& [page, n] : hits) {
    EXPECT_GT(n, 850) << "page " << page;  // binomial sd ~31: 850..1150 is beyond 4.5 sd
    EXPECT_LT(n, 1150) << "page " << page;
  }
}

TEST_F(PressureWorkloadTest, ZipfRankFrequenciesFollowThePowerLaw) {
  // 256 pages, alpha 1: P(rank r) = 1 / (r * H_256), H_256 = 6.1243.
  const int n = 200000;
  auto a = pages("--mode zipf --alpha 1 --size 1M --print-pages " + std::to_string(n));
  std::map<std::uint64_t, int> hits;
  for (const auto& x : a) ++hits[x.page];
  std::vector<int> counts;
  for (const auto& [page, c] : hits) counts.push_back(c);
  std::sort(counts.rbegin(), counts.rend());
  double h = 0;
  for (int r = 1; r <= 256; ++r) h += 1.0 / r;
  for (int r = 1; r <= 4; ++r) {
    double expected = n / (r * h);
    EXPECT_NEAR(counts[r - 1], expected, expected * 0.05) << "rank " << r;
  }
  // The hottest pages are scattered over the region, not packed at its start.
  std::vector<std::pair<int, std::uint64_t>> by_count;
  for (const auto& [page, c] : hits) by_count.push_back({c, page});
  std::sort(by_count.rbegin(), by_count.rend());
  std::uint64_t max_hot_page = 0;
  for (int i = 0; i < 8; ++i) max_hot_page = std::max(max_hot_page, by_count[i].second);
  EXPECT_GT(max_hot_page, 32u);
}

TEST_F(PressureWorkloadTest, PhasesMoveADisjointWorkingSet) {
  // 100 pages, working set 20, 500 accesses per phase.
  auto a = pages("--mode phases --size 400K --ws-fraction 0.2 --phase-accesses 500 --print-pages 2000");
  ASSERT_EQ(a.size(), 2000u);
  std::vector<std::set<std::uint64_t>> phase(4);
  for (std::size_t i = 0; i < a.size(); ++i) phase[i / 500].insert(a[i].page);
  for (int p = 0; p < 4; ++p) {
    EXPECT_EQ(phase[p].size(), 20u) << "phase " << p << " should touch its whole 20-page window";
    EXPECT_EQ(*phase[p].begin(), 20u * p);
    EXPECT_EQ(*phase[p].rbegin(), 20u * p + 19);
  }
}

TEST_F(PressureWorkloadTest, WritePercentageIsHonoured) {
  for (int pct : {0, 10, 80}) {
    auto a = pages("--mode uniform --size 1M --write-pct " + std::to_string(pct) + " --print-pages 20000");
    double writes = static_cast<double>(std::count_if(a.begin(), a.end(), [](const Access& x) { return x.write; }));
    EXPECT_NEAR(writes / a.size(), pct / 100.0, 0.015) << pct << "%";
  }
}

TEST_F(PressureWorkloadTest, SameSeedSameSequenceOtherSeedAnother) {
  std::string base = "--mode zipf --size 1M --print-pages 5000 --seed ";
  EXPECT_EQ(run_pressure(base + "7").out, run_pressure(base + "7").out);
  EXPECT_NE(run_pressure(base + "7").out, run_pressure(base + "8").out);
}

TEST_F(PressureWorkloadTest, ReportIsOneJsonLineAndReproducible) {
  std::string file = "/tmp/ps-pressure-test-" + std::to_string(::getpid()) + ".json";
  auto report = [&](const char* content) {
    ProcessOutput r = run_pressure(std::string("--mode uniform --size 2M --accesses 30000 --seed 5 --content ") + content +
                        " --report-file " + file);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::ifstream in(file);
    std::string line, extra;
    std::getline(in, line);
    EXPECT_FALSE(std::getline(in, extra)) << "more than one line";
    return line;
  };
  std::string a = report("text");
  std::string b = report("zero");
  ::unlink(file.c_str());
  EXPECT_NE(a.find("\"accesses\":30000,"), std::string::npos) << a;
  EXPECT_NE(a.find("\"majflt\":"), std::string::npos) << a;
  auto hash = [](const std::string& s) { return s.substr(s.find("\"sequence_hash\"")); };
  // Page content does not change which pages are touched.
  EXPECT_EQ(hash(a), hash(b));
}

TEST_F(PressureWorkloadTest, BadFlagsFailWithOneLine) {
  for (const char* args : {"--mode fibonacci", "--size 0", "--content lorem", "--write-pct 101", "--bogus"}) {
    ProcessOutput r = run_pressure(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << args << ": " << r.out;
    EXPECT_EQ(r.out.rfind("ps-pressure: ", 0), 0u) << r.out;
  }
}

}  // namespace
