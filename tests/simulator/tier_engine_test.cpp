// The engine's tiered loop: with no tier it is the plain loop; a tier's RAM
// shrinks what the policy may use; every fault is served from exactly one place.
#include <gtest/gtest.h>

#include <random>

#include "sim_test_util.h"
#include "compressors/calibration.h"
#include "simulator/tiers/cost_model.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/tiered_replay.h"

namespace pagescope::sim::tiers {
namespace {

Trace skewed_trace(size_t n, uint64_t pages, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> refs;
  std::vector<bool> writes;
  for (size_t i = 0; i < n; ++i) {
    // Half the references to a hot eighth of the pages.
    uint64_t p = rng() % 2 ? rng() % (pages / 8) : rng() % pages;
    refs.push_back(p);
    writes.push_back(rng() % 3 == 0);
  }
  return testing::make_trace(refs, writes);
}

TierSpec spec(const std::string& text) {
  auto s = parse_tier_list(text);
  EXPECT_TRUE(s.ok()) << text;
  return (*s)[0];
}

TEST(TierEngine, NoTierGivesThePlainReplayForEveryPolicy) {
  Trace t = skewed_trace(20000, 400, 7);
  for (const auto& p : policies::all_policies()) {
    for (uint32_t frames : {16u, 100u}) {
      SimResult plain = simulate(t, p, frames, 1);
      TieredRun r = simulate_tiered(t, p, frames, 1, spec("none"), {});
      EXPECT_EQ(r.sim.faults, plain.faults) << p.name << " " << frames;
      EXPECT_EQ(r.sim.evictions, plain.evictions) << p.name;
      EXPECT_EQ(r.tier.swap_loads, plain.faults - plain.cold_faults) << p.name;
    }
  }
}

TEST(TierEngine, EveryFaultIsServedFromExactlyOnePlaceForEveryPolicy) {
  Trace t = skewed_trace(20000, 400, 11);
  CompressibilityModel m;
  m.ratio = 3;
  m.zero_fraction = 0.1;
  m.incompressible_fraction = 0.1;
  auto sizes = model_page_sizes(t, m);
  for (const auto& p : policies::all_policies()) {
    for (const char* tier : {"zswap:lz4:20%", "zswap:lz4:100%", "zram:lz4:200K"}) {
      TieredRun r = simulate_tiered(t, p, 64, 1, spec(tier), sizes);
      EXPECT_EQ(r.sim.faults, r.sim.cold_faults + r.tier.pool_loads + r.tier.swap_loads + r.tier.lost_loads)
          << p.name << " " << tier;
      // Every evicted page is stored, rejected to swap or (zram full) fails.
      EXPECT_EQ(r.sim.evictions, r.tier.stores + r.tier.rejects + r.tier.failed_swapouts) << p.name << " " << tier;
      EXPECT_LE(r.tier.peak_pool_bytes, std::string(tier) == "zswap:lz4:20%" ? uint64_t(64 * 4096 * 0.2) : UINT64_MAX);
    }
  }
}

TEST(TierEngine, FixedCapacityPoliciesReserveThePoolsRamUpFront) {
  Trace t = skewed_trace(20000, 400, 13);
  CompressibilityModel m;
  m.ratio = 3;
  auto sizes = model_page_sizes(t, m);
  EXPECT_TRUE(needs_fixed_capacity(*policies::find_policy("arc")));
  EXPECT_TRUE(needs_fixed_capacity(*policies::find_policy("lirs")));
  EXPECT_FALSE(needs_fixed_capacity(*policies::find_policy("lru")));
  for (const char* name : {"arc", "lirs"}) {
    const auto* p = policies::find_policy(name);
    for (const char* tier : {"zswap:lz4:20%", "zswap:lz4:100%", "zram:lz4:1G"}) {
      SCOPED_TRACE(std::string(name) + " " + tier);
      TieredRun r = simulate_tiered(t, *p, 64, 1, spec(tier), sizes);
      // The reservation covers the pool at its largest: the budget holds.
      EXPECT_GT(r.reserved_frames, 0u);
      EXPECT_LE(r.tier.peak_pool_bytes, uint64_t(r.reserved_frames) * 4096);
      EXPECT_LT(r.reserved_frames, 64u);
      // It is the policy's own replay at the frames left (the tier does not shrink it).
      SimResult plain = simulate(t, *p, 64 - r.reserved_frames, 1);
      EXPECT_EQ(r.sim.faults, plain.faults);
      EXPECT_EQ(r.sim.faults, r.sim.cold_faults + r.tier.pool_loads + r.tier.swap_loads + r.tier.lost_loads);
      EXPECT_EQ(r.sim.evictions, r.tier.stores + r.tier.rejects + r.tier.failed_swapouts);
      EXPECT_GT(r.tier.pool_loads, 0u);
    }
    // Uncharged zram takes nothing from the budget: no reservation.
    TieredRun u = simulate_tiered(t, *p, 64, 1, spec("zram:lz4:1G:uncharged"), sizes);
    EXPECT_EQ(u.reserved_frames, 0u);
    EXPECT_EQ(u.sim.faults, simulate(t, *p, 64, 1).faults);
  }
}

TEST(TierEngine, FreeSameFilledPoolChangesWhereFaultsComeFromNotHowMany) {
  // All pages zero-filled: the pool holds them without RAM, so the policy keeps
  // all its frames and faults exactly as with no tier, each served from RAM.
  Trace t = skewed_trace(20000, 400, 3);
  std::vector<uint16_t> zero(t.distinct_pages(), 0);
  const auto* lru = policies::find_policy("lru");
  TieredRun none = simulate_tiered(t, *lru, 50, 1, spec("none"), {});
  TieredRun z = simulate_tiered(t, *lru, 50, 1, spec("zswap:lz4:20%"), zero);
  EXPECT_EQ(z.sim.faults, none.sim.faults);
  EXPECT_EQ(z.tier.swap_loads, 0u);
  EXPECT_EQ(z.tier.pool_loads, none.tier.swap_loads);
  EXPECT_EQ(z.tier.pool_loads_same, z.tier.pool_loads);
}

TEST(TierEngine, APoolThatTakesRamLeavesThePolicyFewerFrames) {
  // Pages that compress 2x with a 100% pool: as the pool grows, LRU gets fewer
  // frames, so more faults than with no tier, but most are served from the pool.
  Trace t = skewed_trace(20000, 400, 5);
  std::vector<uint16_t> half(t.distinct_pages(), 2048);
  const auto* lru = policies::find_policy("lru");
  TieredRun none = simulate_tiered(t, *lru, 100, 1, spec("none"), {});
  TieredRun z = simulate_tiered(t, *lru, 100, 1, spec("zswap:lz4:100%"), half);
  EXPECT_GT(z.sim.faults, none.sim.faults);
  EXPECT_LT(z.tier.swap_loads, none.tier.swap_loads);
  EXPECT_GT(z.tier.peak_pool_bytes, 0u);
}

TEST(TierEngine, UnchargedZramLeavesThePolicyAllItsFrames) {
  // As under a memory cgroup limit: the device's RAM is not the workload's, so
  // the policy faults exactly as without a tier; every non-cold fault is a
  // device hit, and the device still reports its RAM.
  Trace t = skewed_trace(20000, 400, 5);
  std::vector<uint16_t> half(t.distinct_pages(), 2048);
  const auto* lru = policies::find_policy("lru");
  TieredRun none = simulate_tiered(t, *lru, 100, 1, spec("none"), {});
  TieredRun charged = simulate_tiered(t, *lru, 100, 1, spec("zram:lz4:1G"), half);
  TieredRun uncharged = simulate_tiered(t, *lru, 100, 1, spec("zram:lz4:1G:uncharged"), half);
  EXPECT_EQ(uncharged.sim.faults, none.sim.faults);
  EXPECT_GT(charged.sim.faults, none.sim.faults);
  EXPECT_EQ(uncharged.tier.pool_loads, none.tier.swap_loads);
  EXPECT_EQ(uncharged.final_stored_pages, t.distinct_pages() - 100);
  EXPECT_GT(uncharged.final_pool_bytes, 0u);
}

TEST(TierCost, StallUsesDecompressForPoolHitsAndSwapLatencyForSwapReads) {
  TierStats s;
  s.pool_loads = 10;
  s.pool_loads_same = 4;
  s.swap_loads = 3;
  s.compressions = 5;
  s.incompressible = 2;
  s.writebacks = 1;
  compressors::Calibration cal;
  cal.text.compress_ns = 1000;
  cal.text.decompress_ns = 500;
  cal.random.compress_ns = 2000;
  LatencyModel m;
  m.swap_read_ns = 100000;
  TierCost c = estimate_cost(s, &cal, m);
  EXPECT_DOUBLE_EQ(c.stall_s, (6 * 500 + 3 * 100000) * 1e-9);
  EXPECT_DOUBLE_EQ(c.compress_s, (5 * 1000 + 2 * 2000) * 1e-9);
  EXPECT_DOUBLE_EQ(c.decompress_s, (6 * 500 + 1 * 500) * 1e-9);
}

TEST(TierSpecs, ParsesAndRejectsBadInput) {
  auto ok = parse_tier_list("none,zswap:zstd:35%,zram:lz4:1G,zswap");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)[1].pool_percent, 35);
  EXPECT_EQ((*ok)[1].compressor, "zstd");
  EXPECT_EQ((*ok)[2].capacity_bytes, uint64_t{1} << 30);
  EXPECT_EQ((*ok)[3].compressor, "lz4");
  EXPECT_EQ((*ok)[3].pool_percent, 20);
  EXPECT_TRUE((*ok)[2].charged);
  auto un = parse_tier_list("zram:zstd:2G:uncharged,zram:lz4::uncharged");
  ASSERT_TRUE(un.ok()) << un.error().message;
  EXPECT_FALSE((*un)[0].charged);
  EXPECT_EQ((*un)[0].capacity_bytes, uint64_t{2} << 30);
  EXPECT_FALSE((*un)[1].charged);
  EXPECT_EQ((*un)[1].capacity_bytes, 0u);  // default: half the memory
  for (const char* bad : {"zswap:snappy", "zram:lz4:1G:charged", "zswap:lz4:20%:uncharged", "zram:lz4:1G:uncharged:x", "zswap:lz4:0%", "zswap:lz4:101%", "zswap:lz4:abc", "zram:lz4:0", "floppy", "none:x", ""}) {
    auto r = parse_tier_list(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    }
  }
  EXPECT_NE(parse_tier_list("zswap:snappy").error().message.find("unknown compressor 'snappy'"), std::string::npos);
}

TEST(PageSizes, DeterministicPerPageAndFollowTheModel) {
  Trace t = skewed_trace(50000, 20000, 9);
  CompressibilityModel m;
  m.ratio = 2.5;
  m.zero_fraction = 0.2;
  m.incompressible_fraction = 0.1;
  auto a = model_page_sizes(t, m);
  EXPECT_EQ(a, model_page_sizes(t, m));
  size_t zero = 0, full = 0, n = 0;
  double sum = 0;
  for (uint16_t s : a) {
    if (s == 0) ++zero;
    else if (s == 4096) ++full;
    else sum += s, ++n;
  }
  EXPECT_NEAR(double(zero) / double(a.size()), 0.2, 0.02);
  EXPECT_NEAR(double(full) / double(a.size()), 0.1, 0.02);
  EXPECT_NEAR(4096.0 / (sum / double(n)), 2.5, 0.1);
  m.seed = 1;
  EXPECT_NE(a, model_page_sizes(t, m));
  m.ratio = 0.5;
  EXPECT_FALSE(check_model(m).ok());
  m.ratio = 2;
  m.zero_fraction = 0.7;
  m.incompressible_fraction = 0.7;
  EXPECT_FALSE(check_model(m).ok());
}

}  // namespace
}  // namespace pagescope::sim::tiers
