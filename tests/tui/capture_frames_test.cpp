#include "tui/capture_frames.h"
#include "tui/process_detail.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "capture_records.h"

using namespace pagescope::tui;
using pagescope::tui::testing::worker_story;

namespace {
const ProcessRow* find(const Frame& f, int32_t pid) {
  for (const auto& r : f.processes) {
    if (r.pid == pid) return &r;
  }
  return nullptr;
}
}  // namespace

TEST(CaptureFrames, OneFramePerIntervalWithFaultRatesFromRecords) {
  CaptureFrameBuilder b(1'000'000'000);
  worker_story().each([&](const ps_header& h) { b.apply(h); });
  auto frames = b.finish();
  ASSERT_EQ(frames.size(), 3u);  // [0,1) [1,2) [2,2.5]
  EXPECT_EQ(frames[0].interval_ns, 1'000'000'000u);
  EXPECT_EQ(frames[2].interval_ns, 500'000'000u);
  const ProcessRow* w = find(frames[0], 100);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->comm, "worker");  // from the fork record, through the model's process table
  EXPECT_DOUBLE_EQ(w->minflt_s, 10);
  EXPECT_EQ(w->rss_kb, 2048u);
  w = find(frames[1], 100);
  EXPECT_DOUBLE_EQ(w->minflt_s, 18);
  EXPECT_DOUBLE_EQ(w->majflt_s, 2);
  w = find(frames[2], 100);
  EXPECT_DOUBLE_EQ(w->minflt_s, 12);  // 6 faults in half a second
  // System rates: the first vmstat is the baseline, the second adds 300.
  EXPECT_DOUBLE_EQ(frames[0].system.faults_s, 300);
  EXPECT_DOUBLE_EQ(frames[1].system.faults_s, 0);
  EXPECT_EQ(frames[0].system.mem_used_kb, 600u);
}

TEST(CaptureFrames, DetailColumnsAlignWithFramesAndCarryFaultAddresses) {
  CaptureFrameBuilder fb(1'000'000'000);
  CaptureDetailBuilder db(100, 1'000'000'000);
  worker_story().each([&](const ps_header& h) {
    fb.apply(h);
    db.apply(h);
  });
  auto frames = fb.finish();
  auto cols = db.finish();
  ASSERT_EQ(cols.size(), frames.size());
  for (size_t i = 0; i < cols.size(); ++i) EXPECT_EQ(cols[i].ts_ns, frames[i].ts_ns);
  ASSERT_EQ(cols[0].vmas.size(), 2u);
  EXPECT_EQ(cols[0].vmas[0].path, "[heap]");
  EXPECT_EQ(cols[0].spans.size(), 10u);  // ten distinct pages, one fault each
  EXPECT_DOUBLE_EQ(cols[0].spans[0].weight, 1);
  ASSERT_EQ(cols[1].spans.size(), 1u);  // one page, 20 faults
  EXPECT_EQ(cols[1].spans[0].start, 0x10200000u);
  EXPECT_DOUBLE_EQ(cols[1].spans[0].weight, 20);
  ASSERT_EQ(cols[2].spans.size(), 1u);
  EXPECT_DOUBLE_EQ(cols[2].spans[0].weight, 12);  // 6 faults over the last 0.5 s

  // The detail model puts column 1's heat into the heap.
  ProcessDetail d(100);
  for (auto& c : cols) d.update(c.ts_ns, c.vmas, c.spans);
  auto heat = d.vma_heat(frames[1].ts_ns);
  EXPECT_DOUBLE_EQ(heat[0], 20);
  EXPECT_DOUBLE_EQ(heat[1], 0);
}

TEST(CaptureFrames, DetailFollowsMmapsRecordedAfterTheSnapshot) {
  // The worker maps 8 MiB at 0x20000000 in its second second and faults there:
  // the model's address space shows the new VMA from then on.
  auto story = worker_story();
  story.mmap_anon(2'200'000'000ull, 100, 0x20000000, 8 << 20);
  for (int i = 0; i < 4; ++i) story.fault(2'300'000'000ull + uint64_t(i), 100, 0x20000000 + uint64_t(i) * 4096);
  // Records must be in time order: put the new ones in place.
  std::vector<std::vector<char>> sorted = story.all();
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return reinterpret_cast<const ps_header*>(a.data())->ts_ns < reinterpret_cast<const ps_header*>(b.data())->ts_ns;
  });
  CaptureDetailBuilder db(100, 1'000'000'000);
  for (const auto& r : sorted) db.apply(*reinterpret_cast<const ps_header*>(r.data()));
  auto cols = db.finish();
  ASSERT_EQ(cols.size(), 3u);
  auto has_new_vma = [](const std::vector<Vma>& vmas) {
    for (const Vma& v : vmas) {
      if (v.start == 0x20000000 && v.end == 0x20000000 + (8u << 20) && v.perms == "rw-p") return true;
    }
    return false;
  };
  EXPECT_FALSE(has_new_vma(cols[0].vmas));
  EXPECT_TRUE(has_new_vma(cols[1].vmas));
  ProcessDetail d(100);
  for (auto& c : cols) d.update(c.ts_ns, c.vmas, c.spans);
  auto heat = d.vma_heat(cols[1].ts_ns);
  double in_new = 0;
  for (size_t i = 0; i < d.vmas().size(); ++i) {
    if (d.vmas()[i].start == 0x20000000) in_new = heat[i];
  }
  EXPECT_DOUBLE_EQ(in_new, 4);
}

TEST(CaptureFrames, AHugeTimeJumpMakesOneLongFrameNotMillions) {
  // A corrupt or far-future timestamp must not make the builders loop for ever.
  auto story = worker_story();
  story.fault(1'000'000'000ull * 1'000'000, 100, 0x10000000);  // ~11.6 days later
  CaptureFrameBuilder fb(1'000'000'000);
  CaptureDetailBuilder db(100, 1'000'000'000);
  story.each([&](const ps_header& h) {
    fb.apply(h);
    db.apply(h);
  });
  auto frames = fb.finish();
  EXPECT_LT(frames.size(), 20u);
  EXPECT_LT(db.finish().size(), 20u);
  EXPECT_EQ(frames.back().ts_ns, 1'000'000'000ull * 1'000'000);
}

TEST(CaptureFrames, TheMemcgLimitIsTheLargestRecordedAndMaxMeansNone) {
  CaptureFrameBuilder none(1'000'000'000);
  worker_story().each([&](const ps_header& h) { none.apply(h); });
  EXPECT_EQ(none.memcg_limit_bytes(), 0u);

  pagescope::tui::testing::Records r;
  r.proc_file(1'000'000'000, 0, PS_PROC_MEMCG, "usage 1000\nlimit max\nanon 5\n");
  r.proc_file(1'100'000'000, 0, PS_PROC_MEMCG, "usage 1000\nlimit 67108864\nanon 5\n");
  r.proc_file(1'200'000'000, 0, PS_PROC_MEMCG, "usage 2000\nlimit 33554432\nhierarchical_limit 99\n");
  CaptureFrameBuilder b(1'000'000'000);
  r.each([&](const ps_header& h) { b.apply(h); });
  EXPECT_EQ(b.memcg_limit_bytes(), 67108864u);
}
