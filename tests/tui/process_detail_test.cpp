#include "tui/process_detail.h"
#include "tui/sparkline.h"

#include <gtest/gtest.h>

using namespace pagescope::tui;

namespace {
const uint64_t M = 1 << 20;
VmaRow vma(uint64_t start, uint64_t end, const char* path, const char* perms, uint64_t rss_kb) {
  namespace model = pagescope::model;
  VmaRow v;
  v.vma.start = start;
  v.vma.end = end;
  v.vma.path = path;
  v.vma.perms = uint8_t((perms[0] == 'r' ? model::kPermRead : 0) | (perms[1] == 'w' ? model::kPermWrite : 0) |
                        (perms[2] == 'x' ? model::kPermExec : 0));
  v.rss_kb = rss_kb;
  return v;
}
std::vector<VmaRow> space(uint64_t heap_rss_kb, uint64_t stack_rss_kb) {
  return {vma(0x400000, 0x400000 + M, "/bin/prog", "r-xp", 100),
          vma(0x1000000, 0x1000000 + 4 * M, "[heap]", "rw-p", heap_rss_kb),
          vma(0x7ff000000000, 0x7ff000000000 + M, "[stack]", "rw-p", stack_rss_kb)};
}
}  // namespace

TEST(ProcessDetail, VmaKinds) {
  EXPECT_EQ(vma_kind(vma(0, 1, "[heap]", "rw-p", 0).vma), 'H');
  EXPECT_EQ(vma_kind(vma(0, 1, "[stack]", "rw-p", 0).vma), 'S');
  EXPECT_EQ(vma_kind(vma(0, 1, "[vdso]", "r-xp", 0).vma), 'K');
  EXPECT_EQ(vma_kind(vma(0, 1, "", "rw-p", 0).vma), 'A');
  EXPECT_EQ(vma_kind(vma(0, 1, "/lib/x.so", "r-xp", 0).vma), 'X');
  EXPECT_EQ(vma_kind(vma(0, 1, "/lib/x.so", "r--p", 0).vma), 'F');
}

TEST(ProcessDetail, RssGrowthIsTheHeatProxy) {
  ProcessDetail d(7);
  d.update_from_rss(1'000'000'000, space(1000, 8));
  EXPECT_EQ(d.vma_heat(1'000'000'000), (std::vector<double>{0, 0, 0}));  // no previous sample yet
  d.update_from_rss(3'000'000'000, space(3000, 4));                      // heap +2000 kB in 2 s; stack shrank
  auto heat = d.vma_heat(3'000'000'000);
  EXPECT_EQ(heat, (std::vector<double>{0, 1000, 0}));
  // Before the column existed, no heat.
  EXPECT_EQ(d.vma_heat(2'000'000'000), (std::vector<double>{0, 0, 0}));
}

TEST(ProcessDetail, BarShowsKindsBreaksAndTheHotCell) {
  ProcessDetail d(7);
  d.update(1, space(0, 0), {{0x1000000 + 3 * M, 0x1000000 + 3 * M + 1, 50.0}});
  auto cells = d.bar(26, 1);
  ASSERT_EQ(cells.size(), 26u);
  std::string kinds;
  int hottest = -1, breaks = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    kinds += cells[i].is_break ? '/' : cells[i].kind;
    breaks += cells[i].is_break;
    if (cells[i].level == 7) hottest = int(i);
  }
  // 6 MiB over 26 - 2 breaks = 24 units: 4 per MiB.
  EXPECT_EQ(kinds, "XXXX/HHHHHHHHHHHHHHHH/SSSS");
  EXPECT_EQ(breaks, 2);
  EXPECT_EQ(hottest, 5 + 12);  // heap starts at cell 5; 3 MiB in = 12 cells further
}

TEST(ProcessDetail, HeatmapRowsAreAddressesColumnsAreTime) {
  ProcessDetail d(7);
  std::vector<VmaRow> one = {vma(0, 4 * M, "", "rw-p", 0)};
  d.update(10, one, {{0, 1, 1.0}});          // low address
  d.update(20, one, {{4 * M - 1, 4 * M, 4.0}});  // top address, hotter
  HeatGrid g = d.heatmap(4, 5, 20);
  ASSERT_EQ(g.rows, 4u);
  ASSERT_EQ(g.cols, 5u);
  // Right-aligned: the last two columns hold data, the first three none.
  EXPECT_EQ(g.at(0, 0), -1);
  EXPECT_EQ(g.at(0, 3), level_of(1.0, 4.0, 8));
  EXPECT_EQ(g.at(3, 3), 0);
  EXPECT_EQ(g.at(3, 4), 7);
  EXPECT_EQ(g.at(0, 4), 0);
  EXPECT_EQ(g.row_address[0], 0u);
  EXPECT_EQ(g.row_address[2], 2 * M);
  // The cursor at 10 shows only the first column.
  HeatGrid early = d.heatmap(4, 5, 10);
  EXPECT_EQ(early.at(0, 4), 7);
  EXPECT_EQ(early.at(0, 3), -1);
}
