#include "tui/address_scale.h"

#include <numeric>

#include <gtest/gtest.h>

using namespace pagescope::tui;

namespace {
VmaRow vma(uint64_t start, uint64_t end, const char* path = "") {
  VmaRow v;
  v.vma.start = start;
  v.vma.end = end;
  v.vma.perms = pagescope::model::kPermRead | pagescope::model::kPermWrite;
  v.vma.path = path;
  return v;
}
}  // namespace

TEST(AddressScale, MappedBytesKeepProportionsAndGapsBecomeOneUnit) {
  // 3 MiB low, a huge gap, 1 MiB high: 40 units, one break -> 39 for 4 MiB.
  const uint64_t M = 1 << 20;
  std::vector<VmaRow> vmas = {vma(0x400000, 0x400000 + 3 * M), vma(0x7f0000000000, 0x7f0000000000 + M)};
  AddressScale s(vmas, 40);
  EXPECT_DOUBLE_EQ(s.position(0x400000), 0);
  EXPECT_NEAR(s.position(0x400000 + 3 * M - 1), 29.25, 1e-5);
  EXPECT_DOUBLE_EQ(s.position(0x400000 + 3 * M), 29.75);  // in the gap: the middle of its break
  EXPECT_NEAR(s.position(0x7f0000000000), 30.25, 1e-9);
  EXPECT_DOUBLE_EQ(s.position(0x7f0000000000 + M), 40);
  EXPECT_TRUE(s.is_break(29) || s.is_break(30));
  int breaks = 0;
  for (size_t u = 0; u < 40; ++u) breaks += s.is_break(u);
  EXPECT_LE(breaks, 2);  // one unit wide, may straddle two cells
  EXPECT_EQ(s.address_at(0), 0x400000u);
  EXPECT_NEAR(double(s.address_at(39.0)), double(0x7f0000000000) + M * (39.0 - 30.25) / 9.75, 2.0);
}

TEST(AddressScale, AdjacentVmasFormOneRunAndSmallGapsVanishWhenBreaksRunOut) {
  std::vector<VmaRow> vmas;
  // 20 one-page VMAs each separated by a one-page gap.
  for (uint64_t i = 0; i < 20; ++i) vmas.push_back(vma(0x10000 + i * 0x2000, 0x11000 + i * 0x2000));
  AddressScale s(vmas, 8);  // at most 8/4 = 2 breaks
  int breaks = 0;
  for (size_t u = 0; u < 8; ++u) breaks += s.is_break(u);
  EXPECT_LE(breaks, 3);
  // Positions are monotonic over the whole space.
  double last = -1;
  for (const VmaRow& v : vmas) {
    EXPECT_GE(s.position(v.vma.start), last);
    last = s.position(v.vma.end);
  }
  EXPECT_DOUBLE_EQ(s.position(vmas.back().vma.end), 8);
}

TEST(AddressScale, BucketSpreadsWeightByOverlapAndKeepsTheTotal) {
  const uint64_t M = 1 << 20;
  std::vector<VmaRow> vmas = {vma(0, 4 * M)};
  AddressScale s(vmas, 4);  // one unit per MiB
  auto b = s.bucket({{M / 2, M + M / 2, 10.0}, {3 * M + 5, 3 * M + 6, 7.0}});
  ASSERT_EQ(b.size(), 4u);
  EXPECT_DOUBLE_EQ(b[0], 5);
  EXPECT_DOUBLE_EQ(b[1], 5);
  EXPECT_DOUBLE_EQ(b[2], 0);
  EXPECT_DOUBLE_EQ(b[3], 7);  // a single fault address lands in its bucket
  EXPECT_DOUBLE_EQ(std::accumulate(b.begin(), b.end(), 0.0), 17);
}

TEST(AddressScale, WeightInAGapIsDropped) {
  const uint64_t M = 1 << 20;
  std::vector<VmaRow> vmas = {vma(0, M), vma(100 * M, 101 * M)};
  AddressScale s(vmas, 10);
  auto b = s.bucket({{50 * M, 50 * M + 1, 3.0}});
  EXPECT_DOUBLE_EQ(std::accumulate(b.begin(), b.end(), 0.0), 0);
}

TEST(AddressScale, EmptyWithoutVmas) {
  AddressScale s({}, 10);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.bucket({{0, 10, 1}}), std::vector<double>(10, 0.0));
}
