// W(t, tau) from faults ∪ accessed bits, per process, per mapping and summed
// over processes: hand-worked windows and a brute-force check on a random stream.
#include "inspector/model/windowed_working_set.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "inspector/model/space_tracker.h"
#include "tests/support/record_buffer.h"

namespace pagescope::model {
namespace {

constexpr uint64_t kT = 1'000'000'000;  // time zero
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kAnon = 0x100000, kFile = 0x200000;
constexpr uint32_t kRead = PS_PF_USER, kWrite = PS_PF_USER | PS_PF_WRITE;

RecordBuffer hand_worked() {
  RecordBuffer b;
  b.proc_file(kT, 7, PS_PROC_MAPS,
              "00100000-00110000 rw-p 00000000 00:00 0 \n"
              "00200000-00204000 r--p 00000000 08:01 42 /data/f\n");
  // Window 0, (T, T+10ms]: faults on anon pages 0, 1, 1, 2; bits of the
  // interval (T, T+10ms]: anon 1..4 and file page 0. Another process faults too.
  b.fault(kT + 1 * kMs, 7, 7, kAnon + 0x0000, kWrite);
  b.fault(kT + 2 * kMs, 7, 7, kAnon + 0x1000, kWrite);
  b.fault(kT + 3 * kMs, 7, 7, kAnon + 0x1008, kRead);
  b.fault(kT + 4 * kMs, 7, 7, kAnon + 0x2000, kWrite);
  b.fault(kT + 5 * kMs, 8, 8, kAnon + 0x0000, kWrite);
  b.access_bits(kT + 10 * kMs, 7, kAnon, 16, {1, 2, 3, 4}, {1});
  b.access_bits(kT + 10 * kMs, 7, kFile, 4, {0});
  b.access_interval(kT + 10 * kMs, 7, kT);
  // Window 1: one fault, no sample: a lower bound from faults alone.
  b.fault(kT + 15 * kMs, 7, 7, kAnon + 0x5000, kWrite);
  // Window 2: a 2 MiB page's accessed bit stands for its 512 small pages; the
  // interval was truncated.
  b.access_bits(kT + 30 * kMs, 7, 0x40000000, 2, {1}, {}, 21);
  b.access_interval(kT + 30 * kMs, 7, kT + 20 * kMs, PS_ACCESS_TRUNCATED);
  b.exit(kT + 35 * kMs, 7, 7, true);
  return b;
}

TEST(WindowedWorkingSet, FaultsUnionAccessBitsPerWindow) {
  RecordBuffer b = hand_worked();
  SpaceTracker tracker;
  WindowedWorkingSet wss({10 * kMs, 20 * kMs}, kT, 7, &tracker);
  b.for_each([&](const ps_header& h) {
    tracker.apply(h);
    wss.apply(h);
  });
  const auto& w = wss.windows(7);
  ASSERT_EQ(w.size(), 3u);  // only windows with a reference or an interval
  EXPECT_EQ(w[0].index, 0u);
  EXPECT_EQ(w[0].pages, 6u);        // anon 0..4 and file 0
  EXPECT_EQ(w[0].fault_pages, 3u);  // anon 0, 1, 2
  EXPECT_EQ(w[0].bit_pages, 5u);
  EXPECT_STREQ(wss_source_name(w[0]), "faults+access-bits");
  EXPECT_EQ(w[1].index, 1u);
  EXPECT_EQ(w[1].pages, 1u);
  EXPECT_STREQ(wss_source_name(w[1]), "faults");
  EXPECT_EQ(w[2].index, 2u);
  EXPECT_EQ(w[2].pages, 512u);
  EXPECT_STREQ(wss_source_name(w[2]), "faults+access-bits(incomplete)");
  EXPECT_EQ(wss.longest_access_interval(), 10 * kMs);
  EXPECT_EQ(wss.window_end(0, 0), kT + 10 * kMs);
  // The second tau, 20 ms, from the same lookups: (T, T+20ms] holds windows 0 and 1.
  const auto& w20 = wss.windows(7, 1);
  ASSERT_EQ(w20.size(), 2u);
  EXPECT_EQ(w20[0].pages, 7u);  // anon 0..5 and file 0
  EXPECT_EQ(w20[0].fault_pages, 4u);
  EXPECT_EQ(w20[1].pages, 512u);
  EXPECT_EQ(wss.window_end(1, 0), kT + 20 * kMs);

  // Per mapping: the anon region and the file, in window 0.
  const ProcessSpace* ps = tracker.find(7);
  ASSERT_NE(ps, nullptr);
  uint32_t anon = 0, file = 0;
  for (const MappingStats& m : tracker.mappings()) {
    if (m.pid == 7 && m.first.start == kAnon) anon = m.id;
    if (m.pid == 7 && m.first.start == kFile) file = m.id;
  }
  ASSERT_NE(anon, 0u);
  ASSERT_NE(file, 0u);
  const auto& by = wss.mapping_windows();
  ASSERT_TRUE(by.count(WindowedWorkingSet::mapping_key(anon, 0)));
  const WssWindow& a = by.at(WindowedWorkingSet::mapping_key(anon, 0));
  EXPECT_EQ(a.pages, 5u);
  EXPECT_EQ(a.fault_pages, 3u);
  EXPECT_EQ(a.bit_pages, 4u);
  EXPECT_EQ(by.at(WindowedWorkingSet::mapping_key(file, 0)).pages, 1u);
  EXPECT_EQ(by.at(WindowedWorkingSet::mapping_key(anon, 1)).pages, 1u);
  // The exit freed the pages; the windows stay.
  EXPECT_EQ(wss.pages_tracked(), 0u);
}

TEST(WindowedWorkingSet, SystemTotalSumsProcesses) {
  RecordBuffer b = hand_worked();
  WindowedWorkingSet wss({10 * kMs}, kT);  // every process
  b.for_each([&](const ps_header& h) { wss.apply(h); });
  auto sys = wss.system();
  ASSERT_GE(sys.size(), 3u);
  EXPECT_EQ(sys[0].processes, 2u);
  EXPECT_EQ(sys[0].sampled, 1u);
  EXPECT_EQ(sys[0].pages, 7u);  // pid 8's page 0 counts apart from pid 7's
  EXPECT_EQ(sys[0].end_ns, kT + 10 * kMs);
  EXPECT_EQ(sys[1].pages, 1u);
  EXPECT_EQ(sys[2].pages, 512u);
  EXPECT_EQ(wss.pids(), (std::vector<uint32_t>{7, 8}));
}

// The same stream through the class and through sets, window by window.
TEST(WindowedWorkingSet, MatchesBruteForceOnARandomStream) {
  std::mt19937_64 rng(7);
  RecordBuffer b;
  struct Ref { uint64_t ts; uint32_t pid; uint64_t page; bool bit; };
  std::vector<Ref> refs;
  const uint64_t tau = 7 * kMs;
  uint64_t ts = kT;
  for (int interval = 0; interval < 40; ++interval) {
    const uint64_t begin = ts;
    for (int i = 0; i < 300; ++i) {
      ts += rng() % (kMs / 4) + 1;
      const uint32_t pid = 1 + uint32_t(rng() % 3);
      const uint64_t page = (kAnon >> 12) + rng() % 500;
      b.fault(ts, pid, pid, page << 12, kWrite);
      refs.push_back({ts, pid, page, false});
    }
    ts += 1;
    for (uint32_t pid = 1; pid <= 3; ++pid) {
      std::vector<uint32_t> accessed;
      for (uint32_t i = 0; i < 500; ++i) {
        if (rng() % 5 == 0) {
          accessed.push_back(i);
          refs.push_back({ts, pid, (kAnon >> 12) + i, true});
        }
      }
      b.access_bits(ts, pid, kAnon, 500, accessed, {}, 12, {}, 0, true);
      b.access_interval(ts, pid, begin);
    }
  }
  WindowedWorkingSet wss({tau}, kT);
  b.for_each([&](const ps_header& h) { wss.apply(h); });
  std::map<std::pair<uint32_t, size_t>, std::set<uint64_t>> all, faulted, bits;
  for (const Ref& r : refs) {
    const size_t k = (r.ts - kT - 1) / tau;
    all[{r.pid, k}].insert(r.page);
    (r.bit ? bits : faulted)[{r.pid, k}].insert(r.page);
  }
  size_t checked = 0;
  for (uint32_t pid = 1; pid <= 3; ++pid) {
    for (const WssWindow& w : wss.windows(pid)) {
      const std::pair<uint32_t, size_t> key{pid, w.index};
      EXPECT_EQ(w.pages, all[key].size()) << pid << " " << w.index;
      EXPECT_EQ(w.fault_pages, faulted[key].size());
      EXPECT_EQ(w.bit_pages, bits[key].size());
      ++checked;
    }
  }
  size_t expected_windows = 0;
  for (const auto& [key, pages] : all) expected_windows += !pages.empty();
  EXPECT_GE(checked, expected_windows);
  EXPECT_GT(expected_windows, 60u);
}

// Issue 17.12: one fault stamped near 2^63 asked system() for 0x1ad7f0d4a48
// bytes of windows; now it costs one window.
TEST(WindowedWorkingSet, FarFutureRecordCostsOneSystemWindow) {
  RecordBuffer b;
  b.fault(kT + 1 * kMs, 7, 7, kAnon, kWrite);
  b.fault((uint64_t{1} << 63) - 1, 7, 7, kAnon + 0x1000, kWrite);
  WindowedWorkingSet wss({10 * kMs}, kT);
  b.for_each([&](const ps_header& h) { wss.apply(h); });
  auto sys = wss.system();
  ASSERT_EQ(sys.size(), 2u);
  EXPECT_EQ(sys[0].index, 0u);
  EXPECT_EQ(sys[0].pages, 1u);
  EXPECT_EQ(sys[1].index, ((uint64_t{1} << 63) - 2 - kT) / (10 * kMs));
  EXPECT_EQ(sys[1].pages, 1u);
  EXPECT_EQ(sys[1].end_ns, wss.window_end(0, sys[1].index));
}

}  // namespace
}  // namespace pagescope::model
