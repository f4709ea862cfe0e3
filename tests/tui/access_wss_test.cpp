// The live WSS of `top --wss`: records as the access sampler appends them.
#include "tui/access_wss.h"

#include <gtest/gtest.h>

#include "tests/support/record_buffer.h"

using pagescope::model::RecordBuffer;
using pagescope::tui::AccessWss;

namespace {

void feed(AccessWss& w, const RecordBuffer& r) {
  r.for_each([&](const ps_header& h) { w.add(&h, h.size); });
}

TEST(AccessWss, LastClosedIntervalPerProcessAndPerRange) {
  AccessWss w;
  RecordBuffer r;
  const uint64_t base = 0x700000000000;
  r.access_bits(10, 42, base, 64, {0, 1, 2, 63});
  r.access_bits(10, 42, base + 0x200000, 1, {0}, {}, 21);  // one 2 MiB page
  EXPECT_FALSE(w.wss_kb(42).has_value());
  feed(w, r);
  EXPECT_FALSE(w.wss_kb(42).has_value()) << "the interval is not closed yet";
  r.clear();
  r.access_interval(10, 42, 0);
  feed(w, r);
  ASSERT_TRUE(w.wss_kb(42).has_value());
  EXPECT_EQ(*w.wss_kb(42), (4u + 512u) * 4);
  EXPECT_EQ(*w.wss_kb(42, base, base + 4096), 4u);                 // page 0 only
  EXPECT_EQ(*w.wss_kb(42, base + 4096, base + 64 * 4096), 12u);    // pages 1, 2, 63
  EXPECT_EQ(*w.wss_kb(42, base + 0x200000, base + 0x400000), 2048u);
  EXPECT_FALSE(w.wss_kb(7).has_value());

  // The next interval replaces the last one; a page seen twice counts once.
  r.clear();
  r.access_bits(20, 42, base, 64, {5});
  r.access_bits(20, 42, base, 64, {5});
  r.access_interval(20, 42, 10);
  feed(w, r);
  EXPECT_EQ(*w.wss_kb(42), 4u);
  // An interval with no bits at all: nothing was touched.
  r.clear();
  r.access_interval(30, 42, 20);
  feed(w, r);
  EXPECT_EQ(*w.wss_kb(42), 0u);
  w.forget(42);
  EXPECT_FALSE(w.wss_kb(42).has_value());
}

TEST(AccessWss, TruncatedRecordsAreIgnored) {
  AccessWss w;
  RecordBuffer r;
  r.access_bits(10, 1, 0x1000, 128, {0, 1});
  r.access_interval(10, 1, 0);
  bool first = true;
  r.for_each([&](const ps_header& h) {
    w.add(&h, first ? sizeof(ps_access_bits) + 8 : h.size);  // the bitmaps cut short
    first = false;
  });
  ASSERT_TRUE(w.wss_kb(1).has_value());
  EXPECT_EQ(*w.wss_kb(1), 0u);
}

}  // namespace
