// Resident pages per range from the present bitmaps of the latest access sample.
#include "inspector/model/resident_pages.h"

#include <gtest/gtest.h>

#include "tests/support/record_buffer.h"

namespace pagescope::model {
namespace {

TEST(ResidentPages, LatestCompleteIntervalCounts) {
  RecordBuffer b;
  ResidentPages r(7);
  EXPECT_FALSE(r.present_in(0, ~0ull).has_value());
  // Interval 1: 10 pages at 0x100000, 3 present; a 2 MiB range with 1 of 2 present.
  b.access_bits(100, 7, 0x100000, 10, {}, {}, 12, {0, 4, 9});
  b.access_bits(100, 7, 0x40000000, 2, {}, {}, 21, {1});
  b.access_bits(100, 8, 0x100000, 10, {}, {}, 12, {0, 1, 2, 3});  // another process
  b.access_interval(100, 7, 50);
  b.for_each([&](const ps_header& h) { r.apply(h); });
  EXPECT_EQ(r.sampled_at(), 100u);
  EXPECT_EQ(r.present_in(0x100000, 0x100000 + 10 * 4096).value(), 3u);
  EXPECT_EQ(r.present_in(0x100000, 0x100000 + 4 * 4096).value(), 1u);  // only page 0
  EXPECT_EQ(r.present_in(0x104000, 0x105000).value(), 1u);             // page 4
  EXPECT_EQ(r.present_in(0x40000000, 0x40400000).value(), 512u);       // the second huge page
  EXPECT_EQ(r.present_in(0x40200000, 0x40201000).value(), 1u);         // one small page of it
  EXPECT_EQ(r.present_in(0x900000, 0x901000).value(), 0u);

  // Interval 2 replaces it; bits without their interval record do not count yet.
  RecordBuffer c;
  c.access_bits(200, 7, 0x100000, 10, {}, {}, 12, {1});
  c.access_interval(200, 7, 100);
  c.access_bits(300, 7, 0x100000, 10, {}, {}, 12);  // all present, interval not closed
  c.for_each([&](const ps_header& h) { r.apply(h); });
  EXPECT_EQ(r.sampled_at(), 200u);
  EXPECT_EQ(r.present_in(0x100000, 0x100000 + 10 * 4096).value(), 1u);
  EXPECT_EQ(r.present_in(0x40000000, 0x40400000).value(), 0u);
  // An interval with no bits: nothing mapped is present.
  RecordBuffer d;
  d.access_interval(400, 7, 300);
  d.for_each([&](const ps_header& h) { r.apply(h); });
  EXPECT_EQ(r.present_in(0x100000, 0x100000 + 10 * 4096).value(), 0u);
}

}  // namespace
}  // namespace pagescope::model
