// The one definition of a capture's time zero and interval bounds.
#include "inspector/model/interval_grid.h"

#include <gtest/gtest.h>

namespace pagescope::model {
namespace {

TEST(IntervalGrid, TimeZeroIsTheRecordingStartUnlessItIsMissingOrLater) {
  EXPECT_EQ(capture_time_zero(100, 250), 100u);  // recording started before its first record
  EXPECT_EQ(capture_time_zero(0, 250), 250u);    // the header does not say
  EXPECT_EQ(capture_time_zero(300, 250), 250u);  // a start after the first record is not trusted
  EXPECT_EQ(capture_time_zero(100, 0), 100u);    // no records
}

TEST(IntervalGrid, IntervalsAreHalfOpenFromZeroAndEarlierTimesGoToTheFirst) {
  const IntervalGrid g(1000, 10);
  EXPECT_EQ(g.index_of(1000), 0u);
  EXPECT_EQ(g.index_of(1009), 0u);
  EXPECT_EQ(g.index_of(1010), 1u);  // a boundary starts the next interval
  EXPECT_EQ(g.index_of(5), 0u);
  EXPECT_EQ(g.start_of(3), 1030u);
  EXPECT_EQ(g.end_of(3), 1040u);
  EXPECT_EQ(g.offset_of(3), 30u);
  EXPECT_EQ(IntervalGrid(0, 0).interval_ns(), 1'000'000'000u);  // 0 means one second
}

}  // namespace
}  // namespace pagescope::model
