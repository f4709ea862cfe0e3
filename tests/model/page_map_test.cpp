#include "inspector/model/page_map.h"

#include <gtest/gtest.h>

namespace pagescope::model {
namespace {

// clear() used to rehash the old keys into a 1024-slot table: with more pages
// than slots the probe loop never ended (exec of a process that had touched
// 100k pages hung `inspect`).
TEST(PageMap, ClearAfterManyPagesForgetsThemAndStaysUsable) {
  PageMap m;
  bool inserted = false;
  for (uint64_t p = 0; p < 100003; ++p) m.get(0x7f0000000 + p, inserted).faults = 1;
  EXPECT_EQ(m.size(), 100003u);
  m.clear();
  EXPECT_EQ(m.size(), 0u);
  size_t seen = 0;
  m.for_each([&](uint64_t, const PageInfo&) { ++seen; });
  EXPECT_EQ(seen, 0u);
  PageInfo& again = m.get(0x7f0000000, inserted);
  EXPECT_TRUE(inserted);
  EXPECT_EQ(again.faults, 0u);
  for (uint64_t p = 0; p < 5000; ++p) m.get(0x1000 + p * 7, inserted);
  EXPECT_EQ(m.size(), 5001u);
}

TEST(PageMap, GrowingKeepsEveryEntry) {
  PageMap m;
  bool inserted = false;
  for (uint64_t p = 0; p < 70001; ++p) m.get(p * 513, inserted).faults = uint32_t(p);
  for (uint64_t p = 0; p < 70001; ++p) {
    PageInfo& info = m.get(p * 513, inserted);
    ASSERT_FALSE(inserted) << p;
    ASSERT_EQ(info.faults, p);
  }
  EXPECT_EQ(m.size(), 70001u);
}

}  // namespace
}  // namespace pagescope::model
