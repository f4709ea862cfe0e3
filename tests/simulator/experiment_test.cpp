// The experiment runner: every cell is the replay it names, curves are exact
// for LRU and swept for the rest, progress reaches the total, and cancel and
// bad plans come back as Errors.
#include "simulator/experiment.h"

#include <gtest/gtest.h>

#include <atomic>

#include "sim_test_util.h"

namespace pagescope::sim {
namespace {

const policies::PolicyInfo* policy(const char* name) { return policies::find_policy(name); }

// Belady's sequence, twice, with a write.
Trace belady() { return testing::make_trace({1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5}); }

TEST(Experiment, PlainCellsAreTheReplaysTheyNameInOrder) {
  const Trace t = belady();
  ExperimentPlan plan;
  plan.policies = {policy("fifo"), policy("lru"), policy("opt")};
  plan.frames = {3, 4};
  uint64_t last_done = 0, last_total = 0;
  ExperimentHooks hooks;
  hooks.units = [&](uint64_t d, uint64_t total) {
    EXPECT_GE(d, last_done);
    last_done = d;
    last_total = total;
  };
  auto res = run_experiment(t, plan, hooks);
  ASSERT_TRUE(res) << res.error().message;
  ASSERT_EQ(res->cells.size(), 6u);
  size_t i = 0;
  for (const auto* p : plan.policies)
    for (uint64_t f : plan.frames) {
      const auto& c = res->cells[i++];
      EXPECT_EQ(c.policy, p);
      EXPECT_EQ(c.frames, f);
      EXPECT_EQ(c.tier, -1);
      EXPECT_FALSE(c.run.has_value());
      EXPECT_EQ(c.sim.faults, simulate(t, *p, uint32_t(f), 1).faults) << p->name << " " << f;
    }
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(last_total, 6u);
}

TEST(Experiment, CurvesAreExactForLruInOnePassAndSweptForTheRest) {
  EXPECT_TRUE(one_pass_curve(*policy("lru")));
  // OPT is a stack algorithm too, but its stack distances are not written yet.
  EXPECT_FALSE(one_pass_curve(*policy("opt")));
  EXPECT_FALSE(one_pass_curve(*policy("fifo")));
  for (const auto& p : policies::all_policies()) {
    if (p.stack_distances) {
      EXPECT_TRUE(p.stack_algorithm) << p.name;
    }
  }
  const Trace t = belady();
  for (unsigned threads : {0u, 1u, 2u}) {
    ExperimentPlan plan;
    plan.policies = {policy("lru"), policy("fifo"), policy("opt")};
    plan.curve_sizes = {1, 2, 3, 4, 5};
    plan.curve_threads = threads;
    auto res = run_experiment(t, plan);
    ASSERT_TRUE(res) << res.error().message;
    ASSERT_EQ(res->curves.size(), 3u);
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(res->curves[k].label, plan.policies[k]->name);
      ASSERT_EQ(res->curves[k].points.size(), 5u);
      for (const auto& pt : res->curves[k].points)
        EXPECT_DOUBLE_EQ(pt.miss_ratio, simulate(t, *plan.policies[k], uint32_t(pt.frames), 1).miss_ratio())
            << plan.policies[k]->name << " " << pt.frames << " threads " << threads;
    }
  }
}

TEST(Experiment, TieredCellsCompareWithTheBaseRun) {
  const Trace t = belady();
  ExperimentPlan plan;
  plan.policies = {policy("lru")};
  plan.frames = {3};
  auto specs = tiers::parse_tier_list("none,zram:lz4");
  ASSERT_TRUE(specs) << specs.error().message;
  plan.tiers = *specs;
  plan.model.ratio = 4;
  plan.ratio_given = true;
  auto res = run_experiment(t, plan);
  ASSERT_TRUE(res) << res.error().message;
  ASSERT_EQ(res->cells.size(), 2u);
  ASSERT_TRUE(res->cells[0].run && res->cells[1].run);
  EXPECT_EQ(res->cells[0].swap_reads_avoided, 0);
  EXPECT_EQ(res->cells[1].swap_reads_avoided,
            int64_t(res->cells[0].run->tier.swap_loads) - int64_t(res->cells[1].run->tier.swap_loads));
  EXPECT_EQ(res->sources.count("lz4"), 1u);
  EXPECT_EQ(res->sources.at("lz4").label(), "modelled");
}

TEST(Experiment, CancelAndUnreadableSamplesComeBackAsValues) {
  const Trace t = belady();
  std::atomic<bool> cancel{true};
  ExperimentPlan plan;
  plan.policies = {policy("lru")};
  plan.frames = {3};
  ExperimentHooks hooks;
  hooks.cancel = &cancel;
  auto res = run_experiment(t, plan, hooks);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().message, "cancelled");

  // Samples that cannot be read: a warning, sizes modelled, the run goes on.
  auto zswap = tiers::parse_tier_list("zswap:lz4");
  ASSERT_TRUE(zswap) << zswap.error().message;
  plan.tiers = *zswap;
  plan.contents_path = "/nonexistent/x.psc";
  plan.ratio_given = true;
  std::string warned;
  ExperimentHooks warn;
  warn.warn = [&](const std::string& w) { warned = w; };
  res = run_experiment(t, plan, warn);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_NE(warned.find("/nonexistent/x.psc"), std::string::npos) << warned;
  ASSERT_EQ(res->warnings.size(), 1u);
}

TEST(Experiment, TheRealRunCountsMajorFaultsPlusFirstTouches) {
  const Trace t = belady();
  ExperimentPlan plan;
  plan.policies = {policy("lru")};
  plan.real = RealRun{4 * 4096, 3};
  auto res = run_experiment(t, plan);
  ASSERT_TRUE(res);
  ASSERT_TRUE(res->real_miss_ratio);
  EXPECT_DOUBLE_EQ(*res->real_miss_ratio, double(3 + 5) / double(t.size()));
}

}  // namespace
}  // namespace pagescope::sim
