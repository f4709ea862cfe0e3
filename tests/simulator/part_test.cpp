// A sweep split into parts (ExperimentPlan::part): each part computes its
// own points, round-robin, with the unsplit run's numbers.
#include <set>

#include "simulator/experiment.h"
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

}  // namespace
}  // namespace pagescope::sim
