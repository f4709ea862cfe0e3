// Locality of faults: a hand-worked reuse-distance histogram, sequential and
// random scans, distinct pages per interval, exec and pid reuse.
#include "inspector/model/locality.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "tests/support/record_buffer.h"

using namespace pagescope::model;

namespace {
constexpr uint64_t P = 4096;
constexpr uint64_t kSec = 1'000'000'000;
constexpr uint64_t kOrigin = 5 * kSec;
constexpr uint64_t kBase = 0x7f0000000000;

std::vector<LocalityStats> run(const RecordBuffer& b, uint32_t pid = 0) {
  LocalityTracker t(kOrigin, kSec, pid);
  b.for_each([&](const ps_header& h) { t.apply(h); });
  return t.finish();
}
}  // namespace

// Pages a b a c c b a. By hand (distinct pages since the page's previous
// fault, itself included): a cold, b cold, a 2 ({b} + a), c cold, c 1, b 3
// ({a, c} + b), a 3 ({c, b} + a). hits_at = [0, 1, 1, 2], cold 3.
TEST(Locality, ReuseDistancesOfAHandWorkedSequence) {
  RecordBuffer b;
  const uint64_t a = kBase, bb = kBase + 10 * P, c = kBase + 20 * P;
  uint64_t ts = kOrigin + 1;
  for (uint64_t page : {a, bb, a, c, c, bb, a}) b.fault(ts++, 3, 3, page + 8, PS_PF_USER);
  const auto rows = run(b);
  ASSERT_EQ(rows.size(), 1u);
  const LocalityStats& s = rows[0];
  EXPECT_EQ(s.faults, 7u);
  EXPECT_EQ(s.distinct_pages(), 3u);
  EXPECT_EQ(s.distances.cold, 3u);
  EXPECT_EQ(s.distances.references, 7u);
  EXPECT_EQ(s.distances.hits_at, (std::vector<uint64_t>{0, 1, 1, 2}));
  // Reuse distances 1, 2, 3, 3: the median is 2, the 90th percentile 3.
  EXPECT_EQ(s.distance_percentile(0.5), 2u);
  EXPECT_EQ(s.distance_percentile(0.9), 3u);
  EXPECT_EQ(s.reuses_within(2), 2u);
  // Pages 10 apart, and c c is the same page: nothing sequential.
  EXPECT_EQ(s.sequential, 0u);
  ASSERT_TRUE(s.sequential_fraction().has_value());
  EXPECT_DOUBLE_EQ(*s.sequential_fraction(), 0.0);
}

TEST(Locality, SequentialScanIsSequentialAndRandomIsNot) {
  RecordBuffer b;
  // pid 1: 1000 pages upward, then 1000 downward; pid 2: random pages in 4 GiB.
  for (uint64_t i = 0; i < 1000; ++i)
    b.fault(kOrigin + 1 + i, 1, 1, kBase + i * P, PS_PF_USER | PS_PF_WRITE);
  for (uint64_t i = 0; i < 1000; ++i) {
    b.fault(kOrigin + 2000 + i, 1, 1, kBase + (5000 - i) * P, PS_PF_USER | PS_PF_WRITE);
  }
  uint64_t x = 12345;
  for (uint64_t i = 0; i < 2000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    b.fault(kOrigin + 4000 + i, 2, 2, kBase + ((x >> 33) % (1u << 20)) * P, PS_PF_USER);
  }
  const auto rows = run(b);
  ASSERT_EQ(rows.size(), 2u);
  // 999 + 999 sequential of 1999 pairs (the jump from page 999 to 5000 is not).
  EXPECT_EQ(rows[0].pid, 1u);
  EXPECT_EQ(rows[0].sequential, 1998u);
  EXPECT_NEAR(*rows[0].sequential_fraction(), 1.0, 0.001);
  EXPECT_EQ(rows[1].pid, 2u);
  EXPECT_LT(*rows[1].sequential_fraction(), 0.01);
}

TEST(Locality, DistinctPagesPerIntervalAgainstTheTlb) {
  RecordBuffer b;
  // Interval 0: pages 0..4 (page 0 three times); interval 2: pages 0..2.
  uint64_t ts = kOrigin + 10;
  for (uint64_t p : {0, 1, 0, 2, 3, 0, 4}) b.fault(ts++, 4, 4, kBase + p * P, PS_PF_USER);
  ts = kOrigin + 2 * kSec + 10;
  for (uint64_t p : {0, 1, 2, 2}) b.fault(ts++, 4, 4, kBase + p * P, PS_PF_USER);
  const auto rows = run(b, 4);
  ASSERT_EQ(rows.size(), 1u);
  const auto& iv = rows[0].intervals;
  ASSERT_EQ(iv.size(), 2u);
  EXPECT_EQ(iv[0].index, 0u);
  EXPECT_EQ(iv[0].pages, 5u);
  EXPECT_EQ(iv[0].start_ns, kOrigin);
  EXPECT_EQ(iv[1].index, 2u);
  EXPECT_EQ(iv[1].pages, 3u);
  EXPECT_EQ(iv[1].start_ns, kOrigin + 2 * kSec);
  EXPECT_EQ(rows[0].max_interval_pages(), 5u);
  EXPECT_EQ(rows[0].intervals_over(4), 1u);
  EXPECT_EQ(rows[0].intervals_over(5), 0u);
}

TEST(Locality, ExecMakesNewPagesAndAReusedPidANewRow) {
  RecordBuffer b;
  b.fault(kOrigin + 1, 6, 6, kBase, PS_PF_USER);
  b.exec(kOrigin + 2, 6, 6, "new", "/bin/new");
  b.fault(kOrigin + 3, 6, 6, kBase, PS_PF_USER);      // another image: cold again
  b.fault(kOrigin + 4, 6, 6, kBase + P, PS_PF_USER);  // sequential to the one before
  b.exit(kOrigin + 5, 6, 6, true);
  b.fault(kOrigin + 6, 6, 6, kBase, PS_PF_USER);  // pid reused: a new row
  const auto rows = run(b);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].faults, 3u);
  EXPECT_EQ(rows[0].distances.cold, 3u);
  EXPECT_EQ(rows[0].sequential, 1u);  // the pair across exec does not count
  EXPECT_EQ(rows[1].faults, 1u);
  EXPECT_EQ(rows[1].first_ns, kOrigin + 6);
  EXPECT_FALSE(rows[1].sequential_fraction().has_value());
}

// Many more faults than the counter's first 4 Ki slots, so it renumbers its
// marks several times: every distance still equals a brute-force LRU stack's
// (the page's depth in a list kept most-recent first).
TEST(Locality, ReuseDistancesMatchABruteForceStackThroughCompactions) {
  RecordBuffer b;
  std::vector<uint64_t> list;  // pages, most recent first
  std::vector<uint64_t> hits(1, 0);
  uint64_t cold = 0, x = 99;
  for (uint64_t i = 0; i < 30000; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const uint64_t page = (x >> 33) % 700;
    b.fault(kOrigin + i, 8, 8, kBase + page * P, PS_PF_USER);
    auto it = std::find(list.begin(), list.end(), page);
    if (it == list.end()) {
      ++cold;
    } else {
      const size_t d = size_t(it - list.begin()) + 1;
      if (hits.size() <= d) hits.resize(d + 1, 0);
      ++hits[d];
      list.erase(it);
    }
    list.insert(list.begin(), page);
  }
  const auto rows = run(b);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].distances.cold, cold);
  EXPECT_EQ(rows[0].distances.hits_at, hits);
}
