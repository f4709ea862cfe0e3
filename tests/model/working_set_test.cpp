// W(t, tau) from faults: distinct pages per disjoint window, counted by hand.
#include <gtest/gtest.h>

#include "inspector/model/working_set.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

TEST(WorkingSet, DistinctPagesPerWindow) {
  RecordBuffer b;
  const uint64_t ms = 1'000'000;
  // Window (0,10ms]: pages 0,1,2 (page 1 twice). (10,20]: nothing. (20,30]: page 0 again, page 7.
  b.fault(1 * ms, 5, 5, 0x0000, PS_PF_USER);
  b.fault(2 * ms, 5, 5, 0x1000, PS_PF_USER);
  b.fault(3 * ms, 5, 5, 0x1008, PS_PF_USER | PS_PF_WRITE);
  b.fault(10 * ms, 5, 5, 0x2000, PS_PF_USER);  // on the boundary: belongs to (0,10]
  b.fault(25 * ms, 5, 5, 0x0000, PS_PF_USER);
  b.fault(29 * ms, 5, 5, 0x7000, PS_PF_USER);
  b.fault(15 * ms, 6, 6, 0x9000, PS_PF_USER);  // another process
  FaultSampler s(5);
  b.for_each([&](const ps_header& h) { s.apply(h); });
  auto w = working_set(s, 10 * ms, 0, 30 * ms);
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].t_ns, 10 * ms);
  EXPECT_EQ(w[0].pages, 3u);
  EXPECT_EQ(w[1].pages, 0u);
  EXPECT_EQ(w[2].pages, 2u);
  // One window over everything: 4 distinct pages.
  auto all = working_set(s, 30 * ms, 0, 30 * ms);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].pages, 4u);
  // The last window is cut at `to`.
  auto cut = working_set(s, 20 * ms, 0, 30 * ms);
  ASSERT_EQ(cut.size(), 2u);
  EXPECT_EQ(cut[1].t_ns, 30 * ms);
  EXPECT_EQ(cut[1].pages, 2u);
  // Every process: the same page number in two processes counts twice.
  FaultSampler every(0);
  b.for_each([&](const ps_header& h) { every.apply(h); });
  EXPECT_EQ(working_set(every, 30 * ms, 0, 30 * ms)[0].pages, 5u);
  EXPECT_TRUE(working_set(s, 0, 0, 30 * ms).empty());
}
