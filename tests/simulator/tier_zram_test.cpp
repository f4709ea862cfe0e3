// zram's bookkeeping: a fixed number of slots, compressed RAM, same-filled
// pages in a slot but without RAM, and a full device counted as a failed
// swap-out (the simulated OOM).
#include <gtest/gtest.h>

#include <vector>

#include "simulator/tiers/tier.h"
#include "simulator/tiers/zsmalloc.h"

namespace pagescope::sim::tiers {
namespace {

TEST(TierZram, FullDeviceCountsFailedSwapOutsAndLosesThePage) {
  std::vector<uint16_t> sizes{1000, 0, 4096, 500, 700};
  TierConfig c;
  c.pages = 5;
  c.memory_frames = 100;
  c.sizes = &sizes;
  c.capacity_pages = 3;
  auto z = make_zram(c);
  z->store(0);
  z->store(1);
  z->store(2);
  EXPECT_EQ(z->stored_pages(), 3u);
  EXPECT_EQ(z->pool_bytes(), zsmalloc_bytes(1000) + 4096u);  // the same-filled page takes a slot, no RAM
  EXPECT_EQ(z->stats().same_filled, 1u);
  EXPECT_EQ(z->stats().incompressible, 1u);
  z->store(3);  // no slot left
  EXPECT_EQ(z->stats().failed_swapouts, 1u);
  EXPECT_EQ(z->stored_pages(), 3u);
  EXPECT_EQ(z->load(3), Source::kLost);
  EXPECT_EQ(z->stats().lost_loads, 1u);
  EXPECT_EQ(z->load(0), Source::kPool);  // frees a slot and its RAM
  EXPECT_EQ(z->pool_bytes(), 4096u);
  z->store(4);
  EXPECT_EQ(z->stats().failed_swapouts, 1u);
  EXPECT_EQ(z->stats().stores, 4u);
  EXPECT_EQ(z->stats().swap_outs, 0u);  // no disk behind zram
  EXPECT_EQ(z->stats().peak_pool_bytes, zsmalloc_bytes(1000) + 4096u);
}

TEST(TierNone, EverythingGoesToSwap) {
  TierConfig c;
  auto t = make_none(c);
  t->store(0);
  t->store(1);
  EXPECT_EQ(t->load(0), Source::kSwap);
  EXPECT_EQ(t->stats().swap_outs, 2u);
  EXPECT_EQ(t->stats().swap_loads, 1u);
  EXPECT_EQ(t->ram_frames(), 0u);
}

TEST(TierZram, ChargedDeviceCannotOutgrowTheMemory) {
  std::vector<uint16_t> sizes{2000, 2000, 2000, 0};
  TierConfig c;
  c.pages = 4;
  c.memory_frames = 2;  // one frame of RAM for the device, one for the faulting page
  c.sizes = &sizes;
  c.capacity_pages = 100;
  auto z = make_zram(c);
  z->store(0);
  z->store(1);
  EXPECT_EQ(z->pool_bytes(), 2u * zsmalloc_bytes(2000));
  z->store(2);  // 3 x 2000 bytes would not fit in 4096
  EXPECT_EQ(z->stats().failed_swapouts, 1u);
  z->store(3);  // same-filled: no RAM, still fits
  EXPECT_EQ(z->stats().failed_swapouts, 1u);
  EXPECT_EQ(z->stored_pages(), 3u);
  c.charged = false;  // uncharged: only the slots bound it
  auto u = make_zram(c);
  for (PageId p = 0; p < 4; ++p) u->store(p);
  EXPECT_EQ(u->stats().failed_swapouts, 0u);
  EXPECT_EQ(u->ram_frames(), 0u);
}

}  // namespace
}  // namespace pagescope::sim::tiers
