// Textbook reference strings with the fault counts their sources print.
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {
using testing::make_trace;
using testing::run;

// Belady, Nelson & Shedler, "An anomaly in space-time characteristics of
// certain programs running in a paging machine", CACM 12(6), 1969: FIFO faults
// more with 4 frames than with 3 on this string.
TEST(Textbook, BeladysAnomalyFifo) {
  Trace t = make_trace({1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5});
  EXPECT_EQ(run(t, "fifo", 3).faults, 9u);
  EXPECT_EQ(run(t, "fifo", 4).faults, 10u);
  // LRU and OPT are stack algorithms: no anomaly (Mattson et al. 1970).
  EXPECT_LE(run(t, "lru", 4).faults, run(t, "lru", 3).faults);
  EXPECT_LE(run(t, "opt", 4).faults, run(t, "opt", 3).faults);
}

// Silberschatz, Galvin & Gagne, "Operating System Concepts" (10th ed.),
// section 10.4, Figures 10.12-10.16: the reference string 7,0,1,2,0,3,0,4,2,3,
// 0,3,2,1,2,0,1,7,0,1 with three frames: FIFO 15, OPT 9, LRU 12 faults.
TEST(Textbook, SilberschatzThreeFrames) {
  Trace t = make_trace({7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1});
  EXPECT_EQ(run(t, "fifo", 3).faults, 15u);
  EXPECT_EQ(run(t, "lru", 3).faults, 12u);
  EXPECT_EQ(run(t, "opt", 3).faults, 9u);
  EXPECT_EQ(run(t, "lru", 3).references, 20u);
}

// Arpaci-Dusseau, "Operating Systems: Three Easy Pieces", chapter 22 (Beyond
// Physical Memory: Policies), Figures 22.1-22.3: 0,1,2,0,1,3,0,3,1,2,1 with a
// cache of three pages: OPT 6 hits, FIFO 4 hits, LRU 6 hits, i.e. 5, 7, 5 misses.
TEST(Textbook, OstepThreePages) {
  Trace t = make_trace({0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1});
  EXPECT_EQ(run(t, "fifo", 3).faults, 7u);
  EXPECT_EQ(run(t, "lru", 3).faults, 5u);
  EXPECT_EQ(run(t, "opt", 3).faults, 5u);
}

// OSTEP Figure 22.1 also lists what OPT evicts: 2 when 3 arrives; when 2
// returns, 0 and 3 are both never used again (the book picks 3; either is optimal),
// but 1 is needed next and must stay.
TEST(Textbook, OstepOptVictims) {
  Trace t = make_trace({0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1});
  auto r = testing::replay(t, "opt", 3);
  ASSERT_EQ(r.evicted.size(), 2u);
  EXPECT_EQ(r.evicted[0], 2u);
  EXPECT_TRUE(r.evicted[1] == 3u || r.evicted[1] == 0u) << r.evicted[1];
  EXPECT_EQ(r.pattern, "MMMHHMHHHMH");
}

TEST(Engine, CountsColdFaultsEvictionsAndDirtyWritebacks) {
  // 3 frames; pages 1 and 2 are written before they are evicted.
  Trace t = make_trace({1, 2, 3, 4, 5, 1}, {true, true, false, false, false, false});
  SimResult r = run(t, "fifo", 3);
  EXPECT_EQ(r.references, 6u);
  EXPECT_EQ(r.faults, 6u);
  EXPECT_EQ(r.cold_faults, 5u);
  EXPECT_EQ(r.evictions, 3u);         // 1, 2, 3 leave
  EXPECT_EQ(r.dirty_writebacks, 2u);  // 1 and 2 were dirty; 3 was clean
  EXPECT_NEAR(r.hit_ratio(), 0.0, 1e-12);
}

TEST(Engine, DirtyBitClearsWhenPageIsReloaded) {
  // 1 written, evicted (write-back), reloaded clean, evicted again (no write-back).
  Trace t = make_trace({1, 2, 1, 2, 1}, {true, false, false, false, false});
  SimResult r = run(t, "fifo", 1);
  EXPECT_EQ(r.evictions, 4u);
  EXPECT_EQ(r.dirty_writebacks, 1u);
}

TEST(Engine, NoEvictionsWhenEverythingFits) {
  Trace t = make_trace({5, 6, 5, 7, 6, 5});
  for (const auto& p : policies::all_policies()) {
    SimResult r = simulate(t, p, 8, 1);
    EXPECT_EQ(r.faults, 3u) << p.name;
    EXPECT_EQ(r.evictions, 0u) << p.name;
  }
}

TEST(Registry, FindsEveryPolicyAndRejectsUnknownNames) {
  for (const auto& p : policies::all_policies()) EXPECT_EQ(policies::find_policy(p.name), &p);
  auto bad = policies::parse_policy_list("lru,nosuch");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("nosuch"), std::string::npos);
  auto good = policies::parse_policy_list("fifo,lru,opt");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->size(), 3u);
}

}  // namespace
}  // namespace pagescope::sim
