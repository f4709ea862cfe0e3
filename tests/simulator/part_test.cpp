// A sweep split into parts (replay/mrc --part K/N) and joined again
// (pagescope merge): each part computes its own points, round-robin, with the
// unsplit run's numbers; merged, the parts print the unsplit table byte for
// byte; merge refuses a missing part, a duplicate and a part of another trace.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "simulator/experiment.h"
#include "simulator/part_merge.h"
#include "simulator/trace_stream.h"
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

TEST(Part, ParsesKOfN) {
  auto p = parse_part("3/4");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->index, 3u);
  EXPECT_EQ(p->count, 4u);
  EXPECT_TRUE(p->owns(2));
  EXPECT_TRUE(p->owns(6));
  EXPECT_FALSE(p->owns(3));
  EXPECT_TRUE(parse_part("1/1")->whole());
  for (const char* bad : {"0/0", "3/2", "x", "0/3", "1/0", "1/", "/2", "1/2/3", "-1/2", "1 /2", ""}) {
    auto r = parse_part(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage) << bad;
    EXPECT_EQ(r.error().message.rfind("--part: ", 0), 0u) << r.error().message;
  }
}

const policies::PolicyInfo* policy(const char* name) { return policies::find_policy(name); }

// Every point of the whole plan is in exactly one part, with the whole run's numbers.
TEST(Part, PartsOfAPlanAreTheWholeRunsCells) {
  const Trace t = testing::loop_trace(3000, 60, 7);
  ExperimentPlan plan;
  plan.policies = {policy("lru"), policy("fifo"), policy("opt")};
  plan.frames = {10, 30, 50, 70};
  plan.curve_sizes = {5, 20, 40, 61};
  auto whole = run_experiment(t, plan);
  ASSERT_TRUE(whole) << whole.error().message;
  ASSERT_EQ(whole->points, 12u + 4u);
  for (uint32_t n = 1; n <= 5; ++n) {
    std::set<size_t> seen;
    for (uint32_t k = 1; k <= n; ++k) {
      ExperimentPlan p = plan;
      p.part = Part{k, n};
      auto res = run_experiment(t, p);
      ASSERT_TRUE(res) << res.error().message;
      EXPECT_EQ(res->points, whole->points);
      for (const auto& c : res->cells) {
        EXPECT_EQ(c.point % n, k - 1) << "part " << k << "/" << n;
        EXPECT_TRUE(seen.insert(c.point).second) << c.point;
        const auto& w = whole->cells[c.point];
        EXPECT_EQ(c.policy, w.policy);
        EXPECT_EQ(c.frames, w.frames);
        EXPECT_EQ(c.sim.faults, w.sim.faults) << c.policy->name << " " << c.frames;
      }
      ASSERT_EQ(res->curves.size(), 3u);
      ASSERT_EQ(res->curve_points.size(), res->curve_sizes.size());
      for (size_t i = 0; i < res->curve_sizes.size(); ++i) {
        const size_t pt = res->curve_points[i];
        EXPECT_EQ(pt % n, k - 1);
        EXPECT_TRUE(seen.insert(pt).second) << pt;
        const size_t wi = pt - 12;
        EXPECT_EQ(res->curve_sizes[i], plan.curve_sizes[wi]);
        for (size_t c = 0; c < 3; ++c)
          EXPECT_EQ(res->curves[c].points[i].miss_ratio, whole->curves[c].points[wi].miss_ratio);
      }
      // Balanced: the parts differ by at most one point.
      const size_t mine = res->cells.size() + res->curve_sizes.size();
      EXPECT_LE(mine, (whole->points + n - 1) / n);
      EXPECT_GE(mine, whole->points / n);
    }
    EXPECT_EQ(seen.size(), whole->points) << n << " parts";
  }
}

// With tiers: every (policy, frames, tier) cell is one point; in sweep mode
// (a target fault rate) every (policy, tier), and a part whose zswap cell is
// compared with the policy's "none" cell of another part computes that one
// too, marked not in the part.
TEST(Part, TieredAndSweepCellsAreTheWholeRunsCells) {
  const Trace t = testing::loop_trace(4000, 80, 3);
  ExperimentPlan plan;
  plan.policies = {policy("lru"), policy("fifo")};
  plan.frames = {20, 60};
  auto specs = tiers::parse_tier_list("none,zswap:lz4,zram:lz4");
  ASSERT_TRUE(specs) << specs.error().message;
  plan.tiers = *specs;
  plan.model.ratio = 3;
  plan.ratio_given = true;
  for (double rate : {-1.0, 0.05}) {
    plan.target_fault_rate = rate;
    auto whole = run_experiment(t, plan);
    ASSERT_TRUE(whole) << whole.error().message;
    ASSERT_EQ(whole->points, rate < 0 ? 12u : 6u);
    size_t borrowed = 0;  // cells of another part computed for a comparison
    for (uint32_t n = 2; n <= 3; ++n) {  // each run calibrates lz4 on this host: few runs
      std::set<size_t> seen;
      for (uint32_t k = 1; k <= n; ++k) {
        ExperimentPlan p = plan;
        p.part = Part{k, n};
        auto res = run_experiment(t, p);
        ASSERT_TRUE(res) << res.error().message;
        for (const auto& c : res->cells) {
          const auto& w = whole->cells[c.point];
          EXPECT_EQ(c.tier, w.tier);
          EXPECT_EQ(c.frames, w.frames);
          EXPECT_EQ(c.run->tier.swap_loads, w.run->tier.swap_loads);
          EXPECT_EQ(c.swap_reads_avoided, w.swap_reads_avoided);
          if (!c.in_part) {
            EXPECT_GE(rate, 0) << "only the sweep computes another part's cell";
            EXPECT_EQ(plan.tiers[size_t(c.tier)].text, "none");
            ++borrowed;
            continue;
          }
          EXPECT_EQ(c.point % n, k - 1);
          EXPECT_TRUE(seen.insert(c.point).second);
        }
      }
      EXPECT_EQ(seen.size(), whole->points) << n << " parts, rate " << rate;
    }
    if (rate >= 0) {
      EXPECT_GT(borrowed, 0u) << "e.g. part 2/2 holds lru's zswap cell, not its none cell";
    }
  }
}

// ---- the command line, through the built binary ----

const std::string kBinary = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";
const std::string kTrace = std::string(PAGESCOPE_SOURCE_DIR) + "/../shared/data/traces/cpp.trace.gz";
const std::string kOther = std::string(PAGESCOPE_SOURCE_DIR) + "/../shared/data/traces/zigzag.trace.gz";

struct CliRun {
  int code = -1;
  std::string out, err;
};

std::string dir() { return std::string(PAGESCOPE_BINARY_DIR) + "/sim_part_" + std::to_string(getpid()) + "_"; }

CliRun run_cli(const std::string& args) {
  const std::string err_path = dir() + "stderr.txt";
  FILE* p = popen((kBinary + " " + args + " 2>" + err_path).c_str(), "r");
  CliRun r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  std::remove(err_path.c_str());
  return r;
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string p = dir() + name;
  std::ofstream(p) << text;
  return p;
}

size_t lines(const std::string& s) { return size_t(std::count(s.begin(), s.end(), '\n')); }

class PartCli : public ::testing::Test {
 protected:
  void SetUp() override {
    struct stat st;
    if (stat(kBinary.c_str(), &st) != 0) GTEST_SKIP() << kBinary << " not built";
    if (stat(kTrace.c_str(), &st) != 0) GTEST_SKIP() << kTrace << " missing (see ../shared/data/traces)";
  }
  void TearDown() override {
    for (const auto& f : files_) std::remove(f.c_str());
  }
  // Runs `args` split into n parts (each into a file), merges them in reverse
  // order, and expects the unsplit output byte for byte, in `fmt` (json, csv).
  void expect_merge_is_whole(const std::string& args, const std::string& fmt) {
    const CliRun whole = run_cli(args + " --" + fmt);
    ASSERT_EQ(whole.code, 0) << args << ": " << whole.err;
    ASSERT_GT(lines(whole.out), 2u) << whole.out;
    for (int n = 1; n <= 4; ++n) {
      std::string files;
      for (int k = n; k >= 1; --k) {
        const CliRun part = run_cli(args + " --" + fmt + " --part " + std::to_string(k) + "/" + std::to_string(n));
        ASSERT_EQ(part.code, 0) << part.err;
        EXPECT_NE(part.out.find(fmt == "json" ? "\"part\": \"" + std::to_string(k) + "/" : ","), std::string::npos);
        files_.push_back(write_file("part" + std::to_string(k) + "." + fmt, part.out));
        files += " " + files_.back();
      }
      const CliRun merged = run_cli("merge" + files + " --" + fmt);
      ASSERT_EQ(merged.code, 0) << merged.err;
      EXPECT_EQ(merged.out, whole.out) << args << " in " << n << " parts";
    }
  }
  std::vector<std::string> files_;
};

TEST_F(PartCli, ReplayStreamedMergesToTheWholeTable) {
  const std::string args = "replay " + kTrace + " --format lirs --policy lru,fifo,clock --frames 50,100,200,400,800";
  expect_merge_is_whole(args, "json");
  expect_merge_is_whole(args, "csv");
}

TEST_F(PartCli, ReplayLoadedMergesToTheWholeTable) {
  // opt looks ahead: the whole trace is loaded and run_experiment replays it.
  expect_merge_is_whole("replay " + kTrace + " --format lirs --policy opt,lru --frames 64,256,1024", "csv");
  expect_merge_is_whole("replay " + kTrace + " --format lirs --policy opt,lru --frames 64,256,1024", "json");
}

TEST_F(PartCli, MrcMergesToTheWholeTable) {
  // lru's curve is one pass for every size; fifo's one replay per size.
  expect_merge_is_whole("mrc " + kTrace + " --format lirs --policy lru,fifo --points 9", "json");
  expect_merge_is_whole("mrc " + kTrace + " --format lirs --policy lru,fifo --memory 256K,1M,2M,4M,8M", "csv");
  expect_merge_is_whole("mrc " + kTrace + " --format lirs --policy lru --points 7 --shards 0.5", "csv");
}

TEST_F(PartCli, BadPartValuesAreUsageErrors) {
  for (const char* bad : {"0/0", "3/2", "x", "0/2"}) {
    for (const char* cmd : {"replay", "mrc"}) {
      const CliRun r = run_cli(std::string(cmd) + " " + kTrace + " --format lirs --frames 10 --part " + bad);
      EXPECT_EQ(r.code, 2) << cmd << " " << bad;
      EXPECT_EQ(lines(r.err), 1u) << r.err;
      EXPECT_NE(r.err.find("--part"), std::string::npos) << r.err;
    }
  }
  const CliRun in = run_cli("replay - --format lirs --frames 10 --part 1/2 < " + kTrace);
  EXPECT_EQ(in.code, 2);
  EXPECT_NE(in.err.find("standard input"), std::string::npos) << in.err;
}

TEST_F(PartCli, AnEmptyPartSaysSoAndMergesAway) {
  const std::string args = "replay " + kTrace + " --format lirs --policy lru --frames 10,20 --json --part ";
  const CliRun empty = run_cli(args + "3/3");
  ASSERT_EQ(empty.code, 0) << empty.err;
  EXPECT_EQ(empty.out, "[]\n");
  EXPECT_NE(empty.err.find("part 3/3 holds none of the sweep's 2 points"), std::string::npos) << empty.err;
  const std::string p1 = write_file("e1.json", run_cli(args + "1/3").out);
  const std::string p2 = write_file("e2.json", run_cli(args + "2/3").out);
  const std::string p3 = write_file("e3.json", empty.out);
  files_ = {p1, p2, p3};
  const CliRun whole = run_cli("replay " + kTrace + " --format lirs --policy lru --frames 10,20 --json");
  EXPECT_EQ(run_cli("merge " + p3 + " " + p2 + " " + p1 + " --json").out, whole.out);
  EXPECT_EQ(run_cli("merge " + p1 + " " + p2 + " --json").out, whole.out) << "an empty part may be left out";
}

TEST_F(PartCli, MergeRefusesMissingDuplicateAndForeignParts) {
  const std::string args = " --format lirs --policy lru,fifo --frames 10,20,30,40 --csv --part ";
  std::vector<std::string> part;
  for (int k = 1; k <= 3; ++k) {
    const CliRun r = run_cli("replay " + kTrace + args + std::to_string(k) + "/3");
    part.push_back(write_file("m" + std::to_string(k) + ".csv", r.out));
  }
  const std::string foreign = write_file("foreign.csv", run_cli("replay " + kOther + args + "2/3").out);
  const std::string other_plan =
      write_file("plan.csv", run_cli("replay " + kTrace + " --format lirs --policy lru,fifo --frames 10,20,30,41 --csv "
                                     "--part 2/3").out);
  const std::string whole =
      write_file("whole.csv", run_cli("replay " + kTrace + args.substr(0, args.find(" --part"))).out);
  files_ = part;
  files_.insert(files_.end(), {foreign, other_plan, whole});

  EXPECT_EQ(run_cli("merge " + part[0] + " " + part[1] + " " + part[2]).code, 0);

  CliRun r = run_cli("merge " + part[0] + " " + part[2]);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("part 2/3 missing"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  r = run_cli("merge " + part[0] + " " + part[1] + " " + part[2] + " " + part[1]);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(part[1] + ": part 2/3 again (also in " + part[1] + ")"), std::string::npos) << r.err;

  r = run_cli("merge " + part[0] + " " + foreign + " " + part[2]);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(foreign + ": made from another trace"), std::string::npos) << r.err;

  r = run_cli("merge " + part[0] + " " + other_plan + " " + part[2]);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(other_plan + ": made with another plan"), std::string::npos) << r.err;

  r = run_cli("merge " + whole);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(whole + ": no 'part' column"), std::string::npos) << r.err;

  r = run_cli("merge " + part[0] + " " + part[1] + " /nonexistent/part3.csv");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/part3.csv"), std::string::npos) << r.err;

  // A part cut short (its last row gone) is no whole part.
  std::string cut = run_cli("replay " + kTrace + args + "3/3").out;
  cut.erase(cut.rfind('\n', cut.size() - 2) + 1);
  const std::string truncated = write_file("cut.csv", cut);
  files_.push_back(truncated);
  r = run_cli("merge " + part[0] + " " + part[1] + " " + truncated);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(truncated + ": part 3/3 lacks point"), std::string::npos) << r.err;
}

// The CSV parts, concatenated without the headers after the first, are one
// table: the header once, every point once (README "Sweeps over many machines").
TEST_F(PartCli, ConcatenatedCsvPartsAreOneTable) {
  const std::string args = "replay " + kTrace + " --format lirs --policy lru,fifo --frames 10,20,30 --csv --part ";
  std::string cat;
  for (int k = 1; k <= 4; ++k) {
    std::string out = run_cli(args + std::to_string(k) + "/4").out;
    if (k > 1) out.erase(0, out.find('\n') + 1);
    cat += out;
  }
  auto t = read_table(cat);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->table.rows(), 6u);
  std::vector<PartFile> one = {{"cat.csv", t->table}};
  auto merged = merge_parts(one);
  EXPECT_FALSE(merged) << "rows of several parts in one file are refused, not mixed up";
}

}  // namespace
}  // namespace pagescope::sim
