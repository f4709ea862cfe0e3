// pagescope replay --tier: bad input gives one line on stderr and exit 2; a
// good run prints a row per (policy, memory, tier). Needs the pagescope binary.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kBinary = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";

struct CliRun {
  int exit_code;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class TierCli : public ::testing::Test {
 protected:
  void SetUp() override {
    struct stat st;
    if (stat(kBinary.c_str(), &st) != 0) GTEST_SKIP() << kBinary << " not built";
    base_ = std::string(PAGESCOPE_BINARY_DIR) + "/tier_cli_" + std::to_string(getpid());
    std::ofstream(base_ + ".txt") << "1 2 3 4 1 2 5 1 2 3 4 5 6 7 1 2w 3 0 0 1\n";
  }
  void TearDown() override {
    for (const char* ext : {".txt", ".out", ".err"}) std::remove((base_ + ext).c_str());
  }
  CliRun run(const std::string& args) {
    std::string cmd = kBinary + " replay " + base_ + ".txt " + args + " >" + base_ + ".out 2>" + base_ + ".err";
    int st = std::system(cmd.c_str());
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(base_ + ".out"), slurp(base_ + ".err")};
  }
  std::string base_;
};

TEST_F(TierCli, BadTierInputIsOneLineAndExit2) {
  struct Case {
    const char* args;
    const char* says;
  } cases[] = {
      {"--frames 3 --tier zswap:snappy", "unknown compressor 'snappy'"},
      {"--frames 3 --tier zram:lz4:1G:sometimes", "unknown zram option 'sometimes'"},
      {"--tier none --target-fault-rate 150%", "below 100%"},
      {"--tier none --target-fault-rate lots", "not a rate: 'lots'"},
      {"--target-fault-rate 1%", "--target-fault-rate needs --tier"},
      {"--frames 3 --tier none --target-fault-rate 1%", "drop --frames/--memory"},
      {"--frames 3 --tier zswap:lz4:0%", "outside (0,100]"},
      {"--frames 3 --tier zswap:lz4:150%", "outside (0,100]"},
      {"--frames 3 --tier zram:zstd:0", "zram capacity must be more than 0"},
      {"--frames 3 --tier zswap --compress-ratio 0.5", "--compress-ratio"},
      {"--frames 3 --tier zswap --swap-latency 5parsecs", "--swap-latency"},
  };
  for (const auto& c : cases) {
    CliRun r = run(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST_F(TierCli, CsvHasOneRowPerPolicyMemoryAndTier) {
  CliRun r = run("--frames 3,4 -p lru,fifo --tier none,zswap:lz4:50%,zram:zstd:8K --compress-ratio 3 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 2 * 2 * 3) << r.out;
  EXPECT_NE(r.out.find("policy,tier,sizes,memory,ram_hits,pool_faults,swap_faults"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("zram:zstd:8K,modelled,"), std::string::npos) << r.out;
}

TEST_F(TierCli, ArcAndLirsRunWithTiers) {
  CliRun r = run("--frames 4 -p arc,lirs --tier none,zswap:lz4:50%,zram:lz4:64K --compress-ratio 3 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 2 * 3) << r.out;
  EXPECT_NE(r.out.find("\narc,zswap:lz4:50%,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nlirs,zram:lz4:64K,"), std::string::npos) << r.out;
}

TEST_F(TierCli, SweepFindsTheSmallestMemoryPerTier) {
  CliRun r = run("-p lru,clock --tier none,zswap:lz4:50% --target-fault-rate 10% --compress-ratio 3 --csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 2 * 2) << r.out;
  ASSERT_EQ(r.out.find("policy,tier,sizes,memory,frames,slow_faults,slow_fault_rate,pool_faults"), 0u) << r.out;
  // Each row's rate meets the target (20 references: at most 2 slow faults).
  std::istringstream rows(r.out);
  std::string line;
  std::getline(rows, line);
  while (std::getline(rows, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    ASSERT_GE(f.size(), 7u) << line;
    EXPECT_LE(std::stoi(f[5]), 2) << line;
    EXPECT_LE(std::stod(f[6]), 0.1) << line;
  }
}

}  // namespace
