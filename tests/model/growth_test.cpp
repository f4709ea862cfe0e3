// What only grew: hand-built streams whose mappings grow steadily, grow
// then shrink, or stay flat, with the rates worked out by hand.
#include "inspector/model/growth.h"

#include <gtest/gtest.h>

#include "inspector/model/space_tracker.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

namespace {
constexpr uint64_t P = 4096;
constexpr uint64_t kSec = 1'000'000'000;
constexpr uint64_t kOrigin = 10 * kSec;  // the header's start
constexpr uint32_t kUserWrite = PS_PF_USER | PS_PF_WRITE;
constexpr uint64_t kPrivateAnon = 0x22;
const char* kMaps =
    "555500000000-555500002000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
    "555500010000-555500020000 rw-p 00000000 00:00 0 [heap]\n"
    "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n";

constexpr uint64_t kA = 0x7f1000000000;  // grows 100 pages a second
constexpr uint64_t kB = 0x7f2000000000;  // grows 10 pages a second
constexpr uint64_t kC = 0x7f3000000000;  // grows 100 a second, then half is unmapped

struct Run {
  SpaceTracker tracker;
  std::unique_ptr<GrowthTracker> growth;
};

// Feeds `b` as CaptureQuery does: growth before the tracker.
std::unique_ptr<Run> run(const RecordBuffer& b, uint32_t pid, uint64_t end_ns) {
  auto r = std::make_unique<Run>();
  r->growth = std::make_unique<GrowthTracker>(&r->tracker, kOrigin, kSec, pid);
  b.for_each([&](const ps_header& h) {
    r->growth->before(h);
    r->tracker.apply(h);
  });
  r->growth->finish(end_ns);
  return r;
}

// Pages [first, first + n) of the mapping at `base`, one fault each, from `ts`.
void touch(RecordBuffer& b, uint32_t pid, uint64_t base, uint64_t first, uint64_t n, uint64_t ts) {
  for (uint64_t i = 0; i < n; ++i) b.fault(ts + i, pid, pid, base + (first + i) * P, kUserWrite);
}

RecordBuffer three_mappings(uint32_t pid) {
  RecordBuffer b;
  b.proc_file(kOrigin + 10, pid, PS_PROC_MAPS, kMaps);
  b.syscall(PS_EV_MMAP, kOrigin + 20, pid, pid, {0, 1024 * P, 3, kPrivateAnon, ~0ull, 0},
            int64_t(kA));
  b.syscall(PS_EV_MMAP, kOrigin + 30, pid, pid, {0, 1024 * P, 3, kPrivateAnon, ~0ull, 0},
            int64_t(kB));
  b.syscall(PS_EV_MMAP, kOrigin + 40, pid, pid, {0, 1024 * P, 3, kPrivateAnon, ~0ull, 0},
            int64_t(kC));
  // Second k (0..3): A gets pages 100k..100k+99, B 10k..10k+9; C grows for two seconds.
  for (uint64_t k = 0; k < 4; ++k) {
    const uint64_t t = kOrigin + k * kSec + 1000;
    touch(b, pid, kA, 100 * k, 100, t);
    touch(b, pid, kB, 10 * k, 10, t + 200);
    if (k < 2) touch(b, pid, kC, 100 * k, 100, t + 300);
    // C's upper half goes at 2.5 s: 200 -> 100 touched pages still mapped.
    if (k == 2)
      b.syscall(PS_EV_MUNMAP, kOrigin + 2 * kSec + kSec / 2, pid, pid, {kC + 100 * P, 924 * P}, 0);
  }
  // A record at exactly 4 s: the last interval end is sampled.
  b.syscall(PS_EV_MADVISE, kOrigin + 4 * kSec, pid, pid, {kA, P, 4}, 0);
  return b;
}
}  // namespace

TEST(Growth, SteadyGrowerRankedFirstWithItsRate) {
  const RecordBuffer b = three_mappings(7);
  auto r = run(b, 7, kOrigin + 4 * kSec);
  const auto grown = r->growth->growing();
  ASSERT_EQ(grown.size(), 2u);  // A and B; C shrank, the snapshot's lineages never grew
  const auto& maps = r->tracker.mappings();
  // A: 100, 200, 300, 400 touched pages at 1, 2, 3, 4 s: 300 pages in 3 s.
  EXPECT_EQ(maps[grown[0].mapping].first.start, kA);
  EXPECT_EQ(grown[0].samples, 4u);
  EXPECT_EQ(grown[0].first_ns, kOrigin + kSec);
  EXPECT_EQ(grown[0].last_ns, kOrigin + 4 * kSec);
  EXPECT_EQ(grown[0].touched_first, 100u);
  EXPECT_EQ(grown[0].touched_last, 400u);
  EXPECT_DOUBLE_EQ(grown[0].touched_per_s(), 100.0);
  EXPECT_EQ(grown[0].grew_until_ns, kOrigin + 4 * kSec);
  // B: 10 -> 40 in 3 s.
  EXPECT_EQ(maps[grown[1].mapping].first.start, kB);
  EXPECT_EQ(grown[1].touched_growth(), 30u);
  EXPECT_DOUBLE_EQ(grown[1].touched_per_s(), 10.0);
  // No access bits in the stream: RESIDENT unknown, not 0.
  EXPECT_FALSE(grown[0].resident_first.has_value());
  EXPECT_FALSE(grown[0].resident_per_s().has_value());
}

TEST(Growth, GrowThenShrinkIsNotListed) {
  const RecordBuffer b = three_mappings(7);
  auto r = run(b, 7, kOrigin + 4 * kSec);
  bool seen_c = false;
  for (const GrowthSeries& s : r->growth->series()) {
    if (r->tracker.mappings()[s.mapping].first.start != kC) continue;
    seen_c = true;
    EXPECT_TRUE(s.shrank);
    EXPECT_EQ(s.touched_first, 100u);
    EXPECT_EQ(s.touched_last, 100u);  // 100, 200, 100, 100
  }
  EXPECT_TRUE(seen_c);
  for (const GrowthSeries& s : r->growth->growing())
    EXPECT_NE(r->tracker.mappings()[s.mapping].first.start, kC);
}

TEST(Growth, UnmappingAWholeLineageIsAShrink) {
  RecordBuffer b = three_mappings(7);
  b.syscall(PS_EV_MUNMAP, kOrigin + 4 * kSec + 10, 7, 7, {kB, 1024 * P}, 0);
  b.syscall(PS_EV_MADVISE, kOrigin + 5 * kSec, 7, 7, {kA, P, 4}, 0);
  auto r = run(b, 7, kOrigin + 5 * kSec);
  const auto grown = r->growth->growing();
  ASSERT_EQ(grown.size(), 1u);
  EXPECT_EQ(r->tracker.mappings()[grown[0].mapping].first.start, kA);
  // A was sampled again at 5 s with nothing new: still only grew, over 4 s.
  EXPECT_DOUBLE_EQ(grown[0].touched_per_s(), 300.0 / 4.0);
  EXPECT_EQ(grown[0].grew_until_ns, kOrigin + 4 * kSec);  // not at 5 s: nothing new then
}

// Without a pid: one series per process, its private anonymous memory. An
// exit ends the series (a final sample just before it), it is not a shrink.
TEST(Growth, ProcessesRankedByAnonymousGrowthExitIsNotAShrink) {
  RecordBuffer b;
  for (uint32_t pid : {1u, 2u}) {
    b.proc_file(kOrigin + pid, pid, PS_PROC_MAPS, kMaps);
    b.syscall(PS_EV_MMAP, kOrigin + 20 + pid, pid, pid, {0, 1024 * P, 3, kPrivateAnon, ~0ull, 0},
              int64_t(kA));
  }
  for (uint64_t k = 0; k < 3; ++k) {
    const uint64_t t = kOrigin + k * kSec + 1000;
    touch(b, 1, kA, 50 * k, 50, t);        // pid 1: 50 pages a second
    touch(b, 2, kA, 80 * k, 80, t + 100);  // pid 2: 80 a second, then frees it all
    b.fault(t + 500, 1, 1, 0x555500000000, PS_PF_USER | PS_PF_INSTR);  // text: not anonymous
  }
  b.syscall(PS_EV_MUNMAP, kOrigin + 2 * kSec + kSec / 2, 2, 2, {kA, 1024 * P}, 0);
  b.exit(kOrigin + 3 * kSec + kSec / 2, 1, 1, true);
  b.syscall(PS_EV_MADVISE, kOrigin + 4 * kSec, 2, 2, {0x555500010000, P, 4}, 0);
  SpaceTracker tracker;
  GrowthTracker g(&tracker, kOrigin, kSec, 0);
  b.for_each([&](const ps_header& h) {
    g.before(h);
    tracker.apply(h);
  });
  g.finish(kOrigin + 4 * kSec);
  const auto grown = g.growing();
  ASSERT_EQ(grown.size(), 1u);
  EXPECT_EQ(grown[0].pid, 1u);
  EXPECT_EQ(grown[0].mapping, 0u);
  // 50, 100, 150 at 1, 2, 3 s, and 150 at the exit (3.5 s): 100 pages in 2.5 s.
  EXPECT_EQ(grown[0].samples, 4u);
  EXPECT_EQ(grown[0].last_ns, kOrigin + 3 * kSec + kSec / 2);
  EXPECT_EQ(grown[0].touched_last, 150u);
  EXPECT_DOUBLE_EQ(grown[0].touched_per_s(), 40.0);
  EXPECT_EQ(grown[0].grew_until_ns, kOrigin + 3 * kSec);
  EXPECT_TRUE(grown[0].ended);
}

// RESIDENT from access-bit intervals: a mapping whose touched pages grow but
// whose present pages fall (reclaimed) did not only grow.
TEST(Growth, ResidentThatFallsDisqualifies) {
  auto stream = [](std::initializer_list<uint32_t> present_at_3s) {
    RecordBuffer b;
    b.proc_file(kOrigin + 10, 7, PS_PROC_MAPS, kMaps);
    b.syscall(PS_EV_MMAP, kOrigin + 20, 7, 7, {0, 16 * P, 3, kPrivateAnon, ~0ull, 0}, int64_t(kA));
    for (uint64_t k = 0; k < 3; ++k) {
      touch(b, 7, kA, 4 * k, 4, kOrigin + k * kSec + 1000);
      // An access-bit interval closes at k + 0.5 s: pages 0..4k+3 present,
      // except in the last one, which says `present_at_3s`.
      const uint64_t t = kOrigin + k * kSec + kSec / 2;
      if (k < 2) {
        std::vector<uint32_t> present;
        for (uint32_t i = 0; i < 4 * (k + 1); ++i) present.push_back(i);
        b.access_bits(t, 7, kA, 16, std::vector<uint32_t>{}, std::vector<uint32_t>{}, 12, present,
                      0, false);
      } else {
        b.access_bits(t, 7, kA, 16, {}, {}, 12, present_at_3s);
      }
      b.access_interval(t, 7, t - kSec / 2);  // the same stamp as its bits
    }
    b.syscall(PS_EV_MADVISE, kOrigin + 3 * kSec, 7, 7, {kA, P, 4}, 0);
    return b;
  };
  // All 12 present at the last sample: 4, 8, 12 resident; listed with its rate.
  auto grows = run(stream({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), 7, kOrigin + 3 * kSec);
  auto grown = grows->growth->growing();
  ASSERT_EQ(grown.size(), 1u);
  ASSERT_TRUE(grown[0].resident_first.has_value());
  EXPECT_EQ(*grown[0].resident_first, 4u);
  EXPECT_EQ(*grown[0].resident_last, 12u);
  EXPECT_DOUBLE_EQ(*grown[0].resident_per_s(), 4.0);
  // Only 2 present at the last: touched grew (4, 8, 12) but resident fell 8 -> 2.
  auto falls = run(stream({0, 1}), 7, kOrigin + 3 * kSec);
  EXPECT_TRUE(falls->growth->growing().empty());
}

// The tolerance: a fall of at most 1% of the peak is not a shrink (an
// allocator trimming a little), more is.
TEST(Growth, AFallOfAtMostOnePercentOfThePeakIsTolerated) {
  auto stream = [](uint64_t unmapped) {
    RecordBuffer b;
    b.proc_file(kOrigin + 10, 7, PS_PROC_MAPS, kMaps);
    b.syscall(PS_EV_MMAP, kOrigin + 20, 7, 7, {0, 4096 * P, 3, kPrivateAnon, ~0ull, 0},
              int64_t(kA));
    touch(b, 7, kA, 0, 1000, kOrigin + 1000);            // 1000 at 1 s
    touch(b, 7, kA, 1000, 1000, kOrigin + kSec + 1000);  // 2000 at 2 s
    // At 2.5 s the top `unmapped` pages of the 2000 go: the 3 s sample is 2000 - unmapped.
    b.syscall(PS_EV_MUNMAP, kOrigin + 2 * kSec + kSec / 2, 7, 7,
              {kA + (2000 - unmapped) * P, unmapped * P}, 0);
    touch(b, 7, kA, 2000, 1000, kOrigin + 3 * kSec + 1000);  // then 1000 more above the hole
    b.syscall(PS_EV_MADVISE, kOrigin + 4 * kSec, 7, 7, {kA, P, 4}, 0);
    return b;
  };
  auto small = run(stream(20), 7, kOrigin + 4 * kSec);  // 20 = 1% of 2000: tolerated
  auto grown = small->growth->growing();
  ASSERT_EQ(grown.size(), 1u);
  EXPECT_EQ(grown[0].touched_first, 1000u);
  EXPECT_EQ(grown[0].touched_last, 2980u);
  auto big = run(stream(21), 7, kOrigin + 4 * kSec);  // one page more: a shrink
  EXPECT_TRUE(big->growth->growing().empty());
}

// A process with no records since its last sample has not changed: its
// sample repeats the last one (no walk over its pages) and still counts.
TEST(Growth, AnIdleProcessIsSampledWithoutChange) {
  RecordBuffer b;
  for (uint32_t pid : {1u, 2u}) {
    b.proc_file(kOrigin + pid, pid, PS_PROC_MAPS, kMaps);
    b.syscall(PS_EV_MMAP, kOrigin + 20 + pid, pid, pid, {0, 1024 * P, 3, kPrivateAnon, ~0ull, 0},
              int64_t(kA));
  }
  touch(b, 1, kA, 0, 30, kOrigin + 1000);          // pid 1: 30 pages in second 0,
  touch(b, 1, kA, 30, 30, kOrigin + kSec + 1000);  // 30 more in second 1, then nothing
  for (uint64_t k = 0; k < 5; ++k) touch(b, 2, kA, 10 * k, 10, kOrigin + k * kSec + 5000);
  auto r = run(b, 0, kOrigin + 5 * kSec);
  const auto grown = r->growth->growing();
  ASSERT_EQ(grown.size(), 2u);
  // pid 2: 10 .. 50 at 1 .. 5 s (40 pages); pid 1: 30, 60, 60, 60, 60 (30 pages).
  EXPECT_EQ(grown[0].pid, 2u);
  EXPECT_EQ(grown[1].pid, 1u);
  EXPECT_EQ(grown[1].samples, 5u);
  EXPECT_EQ(grown[1].last_ns, kOrigin + 5 * kSec);
  EXPECT_EQ(grown[1].touched_last, 60u);
  EXPECT_EQ(grown[1].grew_until_ns, kOrigin + 2 * kSec);
  EXPECT_DOUBLE_EQ(grown[1].touched_per_s(), 30.0 / 4.0);
}
