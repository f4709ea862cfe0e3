// zswap's bookkeeping on hand-made streams: the pool fills to its limit,
// writes back oldest first, rejects poor compressors, keeps same-filled pages
// for free, and loads are exclusive.
#include <gtest/gtest.h>

#include <vector>

#include "simulator/tiers/tier.h"
#include "simulator/tiers/zsmalloc.h"

namespace pagescope::sim::tiers {
namespace {

struct Fixture {
  std::vector<uint16_t> sizes;
  std::unique_ptr<Tier> tier;
  Fixture(std::vector<uint16_t> s, uint64_t frames, double pct) : sizes(std::move(s)) {
    TierConfig c;
    c.pages = uint32_t(sizes.size());
    c.memory_frames = frames;
    c.sizes = &sizes;
    c.pool_percent = pct;
    tier = make_zswap(c);
  }
};

TEST(Zsmalloc, ClassesAre16BytesApartFrom32AndHugeIsAWholePage) {
  EXPECT_EQ(zsmalloc_bytes(1), 32u);
  EXPECT_EQ(zsmalloc_bytes(33), 48u);
  EXPECT_EQ(zsmalloc_bytes(1000), 1008u);
  EXPECT_EQ(zsmalloc_bytes(kZsHugeClass - 1), 3264u);
  EXPECT_EQ(zsmalloc_bytes(kZsHugeClass), 4096u);
}

TEST(TierZswap, PoolFillsToItsLimitThenWritesBackOldestFirst) {
  // 10 frames at 20%: 8192 bytes of pool; pages of 1000 bytes take 1008.
  Fixture f(std::vector<uint16_t>(12, 1000), 10, 20);
  for (PageId p = 0; p < 8; ++p) f.tier->store(p);
  EXPECT_EQ(f.tier->pool_bytes(), 8u * 1008);
  EXPECT_EQ(f.tier->stats().writebacks, 0u);
  EXPECT_EQ(f.tier->ram_frames(), 2u);  // 8064 bytes round up to two frames
  f.tier->store(8);                     // 9072 > 8192: page 0 must go
  f.tier->store(9);                     // then page 1
  EXPECT_EQ(f.tier->stats().writebacks, 2u);
  EXPECT_EQ(f.tier->stats().swap_outs, 2u);
  EXPECT_EQ(f.tier->pool_bytes(), 8u * 1008);
  EXPECT_EQ(f.tier->load(0), Source::kSwap);
  EXPECT_EQ(f.tier->load(1), Source::kSwap);
  EXPECT_EQ(f.tier->load(2), Source::kPool);  // the oldest one still pooled
  EXPECT_EQ(f.tier->pool_bytes(), 7u * 1008);
  // A load unlinks the page from the LRU: the next write-back skips it.
  f.tier->store(10);
  f.tier->store(11);
  EXPECT_EQ(f.tier->stats().writebacks, 3u);
  EXPECT_EQ(f.tier->load(3), Source::kSwap);
  EXPECT_EQ(f.tier->load(4), Source::kPool);
  EXPECT_EQ(f.tier->stats().pool_loads, 2u);
  EXPECT_EQ(f.tier->stats().swap_loads, 3u);
  EXPECT_EQ(f.tier->stats().peak_pool_bytes, 8u * 1008);
}

TEST(TierZswap, PagesThatCompressPoorlyAreRejectedToSwap) {
  Fixture f({3000, 3500, 4096}, 100, 20);
  f.tier->store(0);
  f.tier->store(1);
  f.tier->store(2);
  EXPECT_EQ(f.tier->stats().rejects, 2u);
  EXPECT_EQ(f.tier->stats().stores, 1u);
  EXPECT_EQ(f.tier->stats().incompressible, 1u);
  EXPECT_EQ(f.tier->pool_bytes(), zsmalloc_bytes(3000));
  EXPECT_EQ(f.tier->load(1), Source::kSwap);
  EXPECT_EQ(f.tier->load(2), Source::kSwap);
  EXPECT_EQ(f.tier->load(0), Source::kPool);
  EXPECT_EQ(f.tier->pool_bytes(), 0u);
}

TEST(TierZswap, SameFilledPagesCostNoPoolSpaceAndNoDecompression) {
  Fixture f({0, 0, 0, 2000}, 10, 20);
  for (PageId p = 0; p < 3; ++p) f.tier->store(p);
  EXPECT_EQ(f.tier->pool_bytes(), 0u);
  EXPECT_EQ(f.tier->stored_pages(), 3u);
  EXPECT_EQ(f.tier->stats().same_filled, 3u);
  EXPECT_EQ(f.tier->stats().compressions, 0u);
  EXPECT_EQ(f.tier->stats().peak_saved_bytes, 3u * 4096);
  EXPECT_EQ(f.tier->load(1), Source::kPool);
  EXPECT_EQ(f.tier->stats().pool_loads_same, 1u);
  EXPECT_EQ(f.tier->stored_pages(), 2u);
}

TEST(TierZswap, AnObjectLargerThanTheWholePoolIsRejected) {
  // 1 frame at 10%: 409 bytes of pool; a 1000-byte page can never fit.
  Fixture f({1000, 100}, 1, 10);
  f.tier->store(1);
  f.tier->store(0);
  EXPECT_EQ(f.tier->stats().rejects, 1u);
  EXPECT_EQ(f.tier->stats().writebacks, 0u);  // nothing written back for a page that cannot fit
  EXPECT_EQ(f.tier->load(1), Source::kPool);
}

}  // namespace
}  // namespace pagescope::sim::tiers
