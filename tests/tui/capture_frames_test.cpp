#include "tui/capture_frames.h"
#include "tui/process_detail.h"
#include "tui/process_table_view.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "capture_records.h"
#include "tests/support/record_buffer.h"

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
  EXPECT_EQ(cols[0].vmas[0].vma.path, "[heap]");
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
  auto has_new_vma = [](const std::vector<VmaRow>& vmas) {
    for (const VmaRow& v : vmas) {
      if (v.vma.start == 0x20000000 && v.vma.end == 0x20000000 + (8u << 20) && pagescope::model::perms_string(v.vma) == "rw-p")
        return true;
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
    if (d.vmas()[i].vma.start == 0x20000000) in_new = heat[i];
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
  // The far record lies on an interval boundary: the last frame is [ts, ts + 1 ns), so it still counts it.
  EXPECT_EQ(frames.back().ts_ns, 1'000'000'000ull * 1'000'000 + 1);
  ASSERT_NE(find(frames.back(), 100), nullptr);
  EXPECT_DOUBLE_EQ(find(frames.back(), 100)->minflt_s * double(frames.back().interval_ns) / 1e9, 1);
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

// WSS per frame = distinct 4 KiB pages faulted or seen accessed in the frame,
// shown only for processes whose capture has access intervals.
TEST(CaptureFrames, WssPerFrameIsFaultsUnionAccessedBitsForSampledProcesses) {
  const uint64_t T0 = 1'000'000'000, S = 1'000'000'000;
  const uint64_t base = 0x10000000;
  pagescope::model::RecordBuffer r;
  // pid 7: sampled. Frame 0: faults on pages 0,1,2; bits: pages 1..4 accessed
  // (1,2 again: counted once), plus one 2 MiB entry accessed (512 pages).
  r.fault(T0 + 10, 7, 7, base + 0 * 4096, 0);
  r.fault(T0 + 20, 7, 7, base + 1 * 4096, 0);
  r.fault(T0 + 30, 7, 7, base + 2 * 4096, 0);
  r.fault(T0 + 40, 8, 8, base, 0);  // pid 8: faults only; its WSS is unknown, not "the faults"
  r.access_bits(T0 + S / 2, 7, base, 8, {1, 2, 3, 4});
  r.access_bits(T0 + S / 2, 7, 0x40000000, 2, {1}, {}, 21);
  r.access_interval(T0 + S / 2, 7, T0);
  // Frame 1: no fault, bits: page 6 only.
  r.access_bits(T0 + S + S / 2, 7, base, 8, {6});
  r.access_interval(T0 + S + S / 2, 7, T0 + S / 2);
  r.fault(T0 + 2 * S + 1, 8, 8, base, 0);  // closes frame 1
  CaptureFrameBuilder b(S);
  r.for_each([&](const ps_header& h) { b.apply(h); });
  auto frames = b.finish();
  ASSERT_GE(frames.size(), 2u);
  const ProcessRow* p = find(frames[0], 7);
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->wss_kb.has_value());
  EXPECT_EQ(*p->wss_kb, (5u + 512u) * 4);  // pages 0..4 and the huge page
  p = find(frames[1], 7);
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->wss_kb.has_value());
  EXPECT_EQ(*p->wss_kb, 4u);
  const ProcessRow* q = find(frames[0], 8);
  ASSERT_NE(q, nullptr);
  EXPECT_FALSE(q->wss_kb.has_value());
}

// TLB flushes and reclaim stalls per process come from the pressure records;
// a process with none shows 0 once the capture has such records at all.
TEST(CaptureFrames, TlbFlushesAndReclaimStallsPerProcessFromPressureRecords) {
  const uint64_t T0 = 1'000'000'000, S = 1'000'000'000;
  pagescope::model::RecordBuffer r;
  r.fault(T0, 7, 7, 0x1000, 0);
  r.fault(T0 + 1, 8, 8, 0x1000, 0);
  for (int i = 0; i < 3; ++i) {
    ps_tlb_flush t{};
    t.hdr = pagescope::model::RecordBuffer::header(PS_EV_TLB_FLUSH, sizeof t, T0 + 10 + i, 7, 7);
    t.pages = 1;
    r.append(&t, sizeof t);
  }
  ps_reclaim rc{};
  rc.hdr = pagescope::model::RecordBuffer::header(PS_EV_RECLAIM, sizeof rc, T0 + 20, 7, 7);
  rc.what = PS_RECLAIM_MEMCG_END;
  rc.duration_ns = 5'000'000;  // 5 ms
  r.append(&rc, sizeof rc);
  r.fault(T0 + S + 1, 8, 8, 0x2000, 0);  // closes frame 0
  CaptureFrameBuilder b(S);
  r.for_each([&](const ps_header& h) { b.apply(h); });
  auto frames = b.finish();
  ASSERT_GE(frames.size(), 1u);
  const ProcessRow* p = find(frames[0], 7);
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->tlb_s.has_value());
  EXPECT_DOUBLE_EQ(*p->tlb_s, 3);
  ASSERT_TRUE(p->stall_ms_s.has_value());
  EXPECT_DOUBLE_EQ(*p->stall_ms_s, 5);
  const ProcessRow* q = find(frames[0], 8);
  ASSERT_NE(q, nullptr);
  ASSERT_TRUE(q->tlb_s.has_value());
  EXPECT_DOUBLE_EQ(*q->tlb_s, 0);
}

// The capture's header decides, not the records: with TLB flushes recorded
// and reclaim unavailable, a process without records has 0 flushes and an
// unknown stall time, even though a TLB record exists (the old heuristic
// would have shown a stall of 0).
TEST(CaptureFrames, TlbAndStallColumnsFollowTheCapturesSources) {
  using pagescope::capture::Source;
  using pagescope::capture::SourceState;
  const uint64_t T0 = 1'000'000'000, S = 1'000'000'000;
  pagescope::model::RecordBuffer r;
  r.fault(T0, 7, 7, 0x1000, 0);
  r.fault(T0 + 1, 8, 8, 0x1000, 0);
  ps_tlb_flush t{};
  t.hdr = pagescope::model::RecordBuffer::header(PS_EV_TLB_FLUSH, sizeof t, T0 + 10, 7, 7);
  r.append(&t, sizeof t);
  r.fault(T0 + S + 1, 8, 8, 0x2000, 0);  // closes frame 0
  pagescope::capture::SourceSet set;
  set.set(Source::kTlbFlushes, SourceState::kOn, "tp_btf/tlb_flush");
  set.set(Source::kReclaim, SourceState::kUnavailable, "vmscan tracepoints: tracefs not mounted");
  CaptureFrameBuilder b(S);
  b.set_sources(pagescope::model::SourceNotes(set));
  r.for_each([&](const ps_header& h) { b.apply(h); });
  auto frames = b.finish();
  ASSERT_GE(frames.size(), 1u);
  const ProcessRow* q = find(frames[0], 8);
  ASSERT_NE(q, nullptr);
  ASSERT_TRUE(q->tlb_s.has_value());
  EXPECT_DOUBLE_EQ(*q->tlb_s, 0);
  EXPECT_FALSE(q->stall_ms_s.has_value());
  EXPECT_EQ(format_cell(*q, Column::Stall), "-");

  // TLB flushes unavailable: unknown for every process, even one without records.
  set.set(Source::kTlbFlushes, SourceState::kUnavailable, "tlb:tlb_flush: not found");
  set.set(Source::kReclaim, SourceState::kOn, "");
  CaptureFrameBuilder off(S);
  off.set_sources(pagescope::model::SourceNotes(set));
  r.for_each([&](const ps_header& h) { off.apply(h); });
  frames = off.finish();
  q = find(frames.at(0), 8);
  ASSERT_NE(q, nullptr);
  EXPECT_FALSE(q->tlb_s.has_value());
  ASSERT_TRUE(q->stall_ms_s.has_value());
  EXPECT_DOUBLE_EQ(*q->stall_ms_s, 0);
}

// With access samples the detail heat also shows pages used while resident:
// each accessed page adds one reference to the column where its interval ends.
TEST(CaptureFrames, DetailHeatCountsAccessedPagesOfTheProcess) {
  const uint64_t T0 = 1'000'000'000, S = 1'000'000'000;
  pagescope::model::RecordBuffer r;
  r.fault(T0, 7, 7, 0x10000000, 0);
  r.access_bits(T0 + S / 2, 7, 0x10000000, 4, {0, 2});  // page 0 again, and page 2
  r.access_bits(T0 + S / 2, 8, 0x10000000, 4, {1});     // another process: not this heat
  r.access_interval(T0 + S / 2, 7, T0);
  r.fault(T0 + S + 1, 7, 7, 0x20000000, 0);             // closes column 0
  CaptureFrameBuilder fb(S);
  CaptureDetailBuilder db(7, S);
  r.for_each([&](const ps_header& h) {
    fb.apply(h);
    db.apply(h);
  });
  EXPECT_TRUE(fb.has_access_samples());
  auto cols = db.finish();
  ASSERT_GE(cols.size(), 1u);
  ASSERT_EQ(cols[0].spans.size(), 2u);
  EXPECT_EQ(cols[0].spans[0].start, 0x10000000u);
  EXPECT_DOUBLE_EQ(cols[0].spans[0].weight, 2);  // one fault + one accessed bit
  EXPECT_EQ(cols[0].spans[1].start, 0x10002000u);
  EXPECT_DOUBLE_EQ(cols[0].spans[1].weight, 1);
}
