// The BPF source's bookkeeping, fed hand-made records (no kernel needed).
#include "tui/event_tally.h"

#include <gtest/gtest.h>

#include <cstring>

#include "events.h"

namespace pagescope::tui {
namespace {

template <typename T>
T record(uint16_t kind, uint32_t pid) {
  T r{};
  r.hdr.kind = kind;
  r.hdr.size = sizeof(T);
  r.hdr.pid = pid;
  r.hdr.tid = pid;
  return r;
}

void fault(EventTally& t, uint32_t pid, uint64_t addr, bool major = false) {
  auto f = record<ps_fault>(PS_EV_FAULT, pid);
  f.address = addr;
  f.flags = PS_FAULT_ACCOUNTED | (major ? PS_FAULT_MAJOR : 0);
  t.add(&f, sizeof f);
}

void swap_ents(EventTally& t, uint32_t pid, int64_t n) {
  auto s = record<ps_swap_ents>(PS_EV_SWAP_ENTS, pid);
  s.swap_pages = n;
  t.add(&s, sizeof s);
}

ProcessCounters proc(int32_t pid, uint64_t min_flt = 0) {
  ProcessCounters p;
  p.pid = pid;
  p.comm = "p" + std::to_string(pid);
  p.min_flt = min_flt;
  return p;
}

TEST(EventTally, CountsMinorAndMajorFaultsPerProcess) {
  EventTally t;
  for (int i = 0; i < 23; ++i) fault(t, 7, 0x1000 * uint64_t(i));
  for (int i = 0; i < 5; ++i) fault(t, 7, 0x1000, true);
  fault(t, 9, 0x5000);
  ASSERT_NE(t.find(7), nullptr);
  EXPECT_EQ(t.find(7)->min_flt, 23u);
  EXPECT_EQ(t.find(7)->maj_flt, 5u);
  EXPECT_EQ(t.find(9)->min_flt, 1u);
  EXPECT_EQ(t.find(8), nullptr);
  EXPECT_EQ(t.records(), 29u);
}

TEST(EventTally, SwapEntryChangesGiveGrossTrafficAfterTheFirstCount) {
  EventTally t;
  swap_ents(t, 3, 100);  // baseline only
  swap_ents(t, 3, 130);  // 30 out
  swap_ents(t, 3, 120);  // 10 in
  swap_ents(t, 3, 125);  // 5 out
  EXPECT_EQ(t.find(3)->swap_out_pages, 35u);
  EXPECT_EQ(t.find(3)->swap_in_pages, 10u);
}

TEST(EventTally, DirectAndMemcgReclaimStallsAddUpTlbFlushesByReason) {
  EventTally t;
  auto begin = record<ps_reclaim>(PS_EV_RECLAIM, 4);
  begin.what = PS_RECLAIM_DIRECT_BEGIN;
  begin.duration_ns = 999;  // only *_END carries the stall
  t.add(&begin, sizeof begin);
  auto end = record<ps_reclaim>(PS_EV_RECLAIM, 4);
  end.what = PS_RECLAIM_DIRECT_END;
  end.duration_ns = 3000000;
  t.add(&end, sizeof end);
  end.what = PS_RECLAIM_MEMCG_END;
  end.duration_ns = 2000000;
  t.add(&end, sizeof end);
  EXPECT_EQ(t.find(4)->stall_ns, 5000000u);

  for (int i = 0; i < 3; ++i) {
    auto f = record<ps_tlb_flush>(PS_EV_TLB_FLUSH, 4);
    f.reason = PS_TLB_REMOTE_SHOOTDOWN;
    t.add(&f, sizeof f);
  }
  auto f = record<ps_tlb_flush>(PS_EV_TLB_FLUSH, 5);
  f.reason = PS_TLB_LOCAL_SHOOTDOWN;
  t.add(&f, sizeof f);
  EXPECT_EQ(t.find(4)->tlb_flushes, 3u);

  Snapshot snap;
  snap.processes = {proc(4), proc(5), proc(6)};
  t.apply(snap, true);
  ASSERT_EQ(snap.system.tlb.size(), 2u);  // only reasons that happened
  EXPECT_EQ(snap.system.tlb[0].reason, "remote");
  EXPECT_EQ(snap.system.tlb[0].count, 3u);
  EXPECT_EQ(snap.system.tlb[1].reason, "local");
  EXPECT_EQ(*snap.processes[0].reclaim_stall_ns, 5000000u);
  EXPECT_EQ(*snap.processes[1].tlb_flushes, 1u);
  // A process with no records is known to have done nothing (every process is traced).
  ASSERT_TRUE(snap.processes[2].tlb_flushes.has_value());
  EXPECT_EQ(*snap.processes[2].tlb_flushes, 0u);
}

TEST(EventTally, ApplyReplacesFaultsOnlyWhenAccountedAndNotForTheUntracedSelf) {
  EventTally t;
  for (int i = 0; i < 4; ++i) fault(t, 10, 0);
  Snapshot a;
  a.processes = {proc(10, 500), proc(11, 77)};
  t.apply(a, /*faults=*/false);
  EXPECT_EQ(a.processes[0].min_flt, 500u);  // /proc kept
  Snapshot b;
  b.processes = {proc(10, 500), proc(11, 77)};
  t.apply(b, /*faults=*/true, /*untraced=*/11);
  EXPECT_EQ(b.processes[0].min_flt, 4u);
  EXPECT_EQ(b.processes[1].min_flt, 77u);
  EXPECT_FALSE(b.processes[1].tlb_flushes.has_value());
}

TEST(EventTally, FaultSpansOnlyForTheWatchedProcessPerPageAsRates) {
  EventTally t;
  fault(t, 1, 0x7000);  // before watching: not collected
  t.watch(1);
  for (int i = 0; i < 6; ++i) fault(t, 1, 0x10000 + 8);
  fault(t, 1, 0x3000);
  fault(t, 2, 0x10000);  // another process
  auto spans = t.take_fault_spans(2.0);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 0x3000u);
  EXPECT_EQ(spans[0].end, 0x4000u);
  EXPECT_DOUBLE_EQ(spans[0].weight, 0.5);
  EXPECT_EQ(spans[1].start, 0x10000u);
  EXPECT_DOUBLE_EQ(spans[1].weight, 3.0);
  EXPECT_TRUE(t.take_fault_spans(1.0).empty());  // taken
  t.watch(0);
  fault(t, 1, 0x3000);
  EXPECT_TRUE(t.take_fault_spans(1.0).empty());
}

TEST(EventTally, SequentialFaultsBecomeOneSpanAndEveryFaultIsKept) {
  EventTally t;
  t.watch(3);
  for (uint64_t p = 0; p < 100; ++p) fault(t, 3, 0x40000000 + p * 4096);  // a storm, in order
  fault(t, 3, 0x1000);
  fault(t, 3, 0x1000);
  auto spans = t.take_fault_spans(1.0);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].start, 0x1000u);
  EXPECT_DOUBLE_EQ(spans[0].weight, 2.0);
  EXPECT_EQ(spans[1].start, 0x40000000u);
  EXPECT_EQ(spans[1].end, 0x40000000u + 100 * 4096);
  EXPECT_DOUBLE_EQ(spans[1].weight, 100.0);

  // Scattered faults past the run limit go to the per-page map: none is lost.
  const int n = 70000;
  for (int i = 0; i < n; ++i) fault(t, 3, uint64_t(i % 2 ? i : n - i) * 3 * 4096);
  double total = 0;
  for (const auto& s : t.take_fault_spans(1.0)) total += s.weight;
  EXPECT_DOUBLE_EQ(total, double(n));
}

TEST(EventTally, ExitedProcessesAreForgottenTwoRoundsLater) {
  EventTally t;
  fault(t, 8, 0);
  auto e = record<ps_exit>(PS_EV_EXIT, 8);
  e.flags = PS_EXIT_GROUP_DEAD;
  t.add(&e, sizeof e);
  t.forget_exited();
  EXPECT_NE(t.find(8), nullptr);  // the snapshot right after may still list it
  t.forget_exited();
  EXPECT_EQ(t.find(8), nullptr);
}

TEST(EventTally, ShortAndUnknownRecordsAreIgnored) {
  EventTally t;
  auto f = record<ps_fault>(PS_EV_FAULT, 1);
  t.add(&f, sizeof(ps_header));  // truncated
  ps_header h{};
  h.kind = 127;
  t.add(&h, sizeof h);
  t.add(&h, 3);
  EXPECT_EQ(t.find(1), nullptr);
}

}  // namespace
}  // namespace pagescope::tui
