#include "tui/sparkline.h"

#include <gtest/gtest.h>

using namespace pagescope::tui;

TEST(Sparkline, LevelsScaleToTheMaximumAndAnyActivityShows) {
  EXPECT_EQ(level_of(0, 100, 8), 0);
  EXPECT_EQ(level_of(100, 100, 8), 7);
  EXPECT_EQ(level_of(0.001, 100, 8), 1);  // tiny but nonzero is still visible
  EXPECT_EQ(level_of(50, 100, 8), 4);     // ceil(3.5)
  EXPECT_EQ(level_of(5, 0, 8), 0);
}

TEST(Sparkline, RightAlignedWithNoDataOnTheLeft) {
  auto l = sparkline_levels({0, 1, 2}, 5, 8);
  EXPECT_EQ(l, (std::vector<int>{-1, -1, 0, 4, 7}));
  EXPECT_EQ(sparkline_text({0, 1, 2}, 5), "   =#");
}

TEST(Sparkline, KeepsTheNewestValuesWhenTooMany) {
  auto l = sparkline_levels({100, 0, 1}, 2, 8);  // 100 scrolled out: the max is 1
  EXPECT_EQ(l, (std::vector<int>{0, 7}));
}

TEST(Sparkline, DownsampleKeepsSpikes) {
  std::vector<double> v(60, 1.0);
  v[31] = 50;
  auto d = downsample_max(v, 20);
  ASSERT_EQ(d.size(), 20u);
  EXPECT_DOUBLE_EQ(d[10], 50);  // bin of index 31 = 31*20/60
  EXPECT_DOUBLE_EQ(d[0], 1);
  EXPECT_EQ(downsample_max({1, 2}, 10).size(), 2u);
}

TEST(Sparkline, ScaleFloorKeepsAFlatLowLineLow) {
  // 2 GiB used of 8: a quarter height, not full.
  auto l = sparkline_levels({2, 2}, 2, 8, 8);
  EXPECT_EQ(l, (std::vector<int>{2, 2}));
  EXPECT_EQ(sparkline_levels({2, 2}, 2, 8), (std::vector<int>{7, 7}));
}
