// Sweep mode: the memory it returns meets the target, one frame less does not
// (checked with independent replays), and a compressed tier that fits more
// pages into the same memory never needs more memory than no tier.
#include <gtest/gtest.h>

#include <random>

#include "sim_test_util.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/sweep.h"

namespace pagescope::sim::tiers {
namespace {

Trace looping_trace(size_t n, uint64_t pages, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> refs;
  for (size_t i = 0; i < n; ++i) refs.push_back(rng() % 4 ? rng() % (pages / 4) : rng() % pages);
  return testing::make_trace(refs);
}

TierSpec spec(const std::string& text) {
  auto s = parse_tier_list(text);
  EXPECT_TRUE(s.ok()) << text;
  return (*s)[0];
}

TEST(TierSweep, SmallestMemoryMeetsTheTargetAndOneFrameLessDoesNot) {
  Trace t = looping_trace(20000, 400, 3);
  CompressibilityModel m;
  m.ratio = 3;
  auto sizes = model_page_sizes(t, m);
  for (const char* policy : {"lru", "clock", "s3fifo"}) {
    const auto* p = policies::find_policy(policy);
    ASSERT_NE(p, nullptr);
    for (const char* tier : {"none", "zswap:lz4:20%", "zram:lz4"}) {
      for (double target : {0.05, 0.01}) {
        auto r = smallest_memory(t, *p, 1, spec(tier), sizes, target);
        SCOPED_TRACE(std::string(policy) + " " + tier + " " + std::to_string(target));
        ASSERT_GE(r.frames, 1u);
        EXPECT_LE(slow_fault_rate(r.run), target);
        EXPECT_EQ(r.run.tier.failed_swapouts, 0u);
        // Independent replays at the answer and one frame below it.
        auto at = simulate_tiered(t, *p, r.frames, 1, spec(tier), sizes);
        EXPECT_EQ(slow_faults(at), slow_faults(r.run));
        if (r.frames > 1) {
          auto below = simulate_tiered(t, *p, r.frames - 1, 1, spec(tier), sizes);
          EXPECT_FALSE(meets(below, target));
        }
        EXPECT_LT(r.replays, 12u);  // a bisection over 400 pages, not a scan
      }
    }
  }
}

TEST(TierSweep, ACompressedTierNeedsNoMoreMemoryThanNone) {
  Trace t = looping_trace(30000, 600, 9);
  CompressibilityModel m;
  m.ratio = 3;
  m.zero_fraction = 0.1;
  auto sizes = model_page_sizes(t, m);
  const auto* lru = policies::find_policy("lru");
  auto none = smallest_memory(t, *lru, 1, spec("none"), {}, 0.01);
  auto zswap = smallest_memory(t, *lru, 1, spec("zswap:lz4:50%"), sizes, 0.01);
  EXPECT_LT(zswap.frames, none.frames);
  EXPECT_GT(zswap.run.tier.pool_loads, 0u);
}

TEST(TierSweep, ACompressedDeviceMustFitInTheMemory) {
  // zram has no disk: every fault is a pool hit, so only the simulated OOM
  // (its RAM outgrowing the memory) bounds the answer from below.
  Trace t = looping_trace(20000, 800, 4);
  CompressibilityModel m;
  m.ratio = 2;
  auto sizes = model_page_sizes(t, m);
  const auto* lru = policies::find_policy("lru");
  auto r = smallest_memory(t, *lru, 1, spec("zram:lz4:1G"), sizes, 0.01);
  EXPECT_EQ(r.run.tier.failed_swapouts, 0u);
  EXPECT_EQ(slow_faults(r.run), 0u);
  EXPECT_GT(r.frames, 100u);  // ~800 pages at 2x need a few hundred frames of RAM
  EXPECT_LE(r.run.tier.peak_pool_bytes, uint64_t(r.frames) * 4096);
  auto below = simulate_tiered(t, *lru, r.frames - 1, 1, spec("zram:lz4:1G"), sizes);
  EXPECT_GT(below.tier.failed_swapouts, 0u);
  // Uncharged (a cgroup-limited workload): the device's RAM is not the memory's.
  auto un = smallest_memory(t, *lru, 1, spec("zram:lz4:1G:uncharged"), sizes, 0.01);
  EXPECT_EQ(un.frames, 1u);
}

TEST(TierSweep, ZeroTargetNeedsEveryEvictedPageBack) {
  Trace t = looping_trace(5000, 100, 5);
  const auto* lru = policies::find_policy("lru");
  auto r = smallest_memory(t, *lru, 1, spec("none"), {}, 0.0);
  EXPECT_EQ(slow_faults(r.run), 0u);
  // With no tier a slow fault is any non-cold fault: LRU has none only once
  // everything fits.
  EXPECT_EQ(r.frames, t.distinct_pages());
}

}  // namespace
}  // namespace pagescope::sim::tiers
