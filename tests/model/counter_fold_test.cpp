// The one fold from records to counters, which `top`'s BPF tally and the
// frames of `tui FILE` both read: hand-made records, no kernel.
#include "inspector/model/counter_fold.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pagescope::model {
namespace {

template <typename T>
T record(uint16_t kind, uint32_t pid) {
  T r{};
  r.hdr.kind = kind;
  r.hdr.size = sizeof(T);
  r.hdr.pid = r.hdr.tid = pid;
  return r;
}

void fault(CounterFold& c, uint32_t pid, bool major = false) {
  auto f = record<ps_fault>(PS_EV_FAULT, pid);
  f.flags = PS_FAULT_ACCOUNTED | (major ? PS_FAULT_MAJOR : 0);
  c.visit(f.hdr);
}

void swap_ents(CounterFold& c, uint32_t pid, int64_t n) {
  auto s = record<ps_swap_ents>(PS_EV_SWAP_ENTS, pid);
  s.swap_pages = n;
  c.visit(s.hdr);
}

void proc_file(CounterFold& c, uint32_t pid, uint32_t which, const std::string& text) {
  std::vector<uint64_t> buf((sizeof(ps_proc_file) + text.size() + 7) / 8);
  auto pf = record<ps_proc_file>(PS_EV_PROC_FILE, pid);
  pf.hdr.size = uint32_t(sizeof pf + text.size());
  pf.which = which;
  pf.length = uint32_t(text.size());
  std::memcpy(buf.data(), &pf, sizeof pf);
  std::memcpy(reinterpret_cast<char*>(buf.data()) + sizeof pf, text.data(), text.size());
  c.visit(*reinterpret_cast<const ps_header*>(buf.data()));
}

TEST(CounterFold, CountsMinorAndMajorFaultsPerProcess) {
  CounterFold c;
  for (int i = 0; i < 23; ++i) fault(c, 7);
  for (int i = 0; i < 5; ++i) fault(c, 7, true);
  fault(c, 9);
  ASSERT_NE(c.find(7), nullptr);
  EXPECT_EQ(c.find(7)->min_flt, 23u);
  EXPECT_EQ(c.find(7)->maj_flt, 5u);
  EXPECT_EQ(c.find(9)->min_flt, 1u);
  EXPECT_EQ(c.find(8), nullptr);
  auto short_fault = record<ps_fault>(PS_EV_FAULT, 8);
  short_fault.hdr.size = sizeof(ps_header);  // never counted
  c.visit(short_fault.hdr);
  EXPECT_EQ(c.find(8), nullptr);
}

TEST(CounterFold, SwapEntryChangesGiveGrossTrafficAfterTheFirstCount) {
  CounterFold c;
  swap_ents(c, 3, 100);  // baseline only
  swap_ents(c, 3, 130);  // 30 out
  swap_ents(c, 3, 120);  // 10 in
  swap_ents(c, 3, 125);  // 5 out
  EXPECT_EQ(c.find(3)->swap_out_pages, 35u);
  EXPECT_EQ(c.find(3)->swap_in_pages, 10u);
}

TEST(CounterFold, ReclaimEndsAreStallsTlbFlushesPerProcessAndByReason) {
  CounterFold c;
  EXPECT_FALSE(c.pressure_records());
  auto begin = record<ps_reclaim>(PS_EV_RECLAIM, 4);
  begin.what = PS_RECLAIM_DIRECT_BEGIN;
  begin.duration_ns = 999;  // only *_END carries the stall
  c.visit(begin.hdr);
  EXPECT_TRUE(c.pressure_records());
  EXPECT_EQ(c.find(4), nullptr);
  auto end = record<ps_reclaim>(PS_EV_RECLAIM, 4);
  end.what = PS_RECLAIM_DIRECT_END;
  end.duration_ns = 3000000;
  c.visit(end.hdr);
  end.what = PS_RECLAIM_MEMCG_END;
  end.duration_ns = 2000000;
  c.visit(end.hdr);
  EXPECT_EQ(c.find(4)->stall_ns, 5000000u);
  EXPECT_TRUE(c.find(4)->stalled);
  for (int i = 0; i < 3; ++i) {
    auto f = record<ps_tlb_flush>(PS_EV_TLB_FLUSH, 4);
    f.reason = PS_TLB_REMOTE_SHOOTDOWN;
    c.visit(f.hdr);
  }
  auto f = record<ps_tlb_flush>(PS_EV_TLB_FLUSH, 5);
  f.reason = 99;  // unknown reasons count as the last
  c.visit(f.hdr);
  EXPECT_EQ(c.find(4)->tlb_flushes, 3u);
  EXPECT_EQ(c.tlb_by_reason()[PS_TLB_REMOTE_SHOOTDOWN], 3u);
  EXPECT_EQ(c.tlb_by_reason()[4], 1u);
  EXPECT_STREQ(tlb_reason_name(PS_TLB_REMOTE_SHOOTDOWN), "remote");
}

TEST(CounterFold, SnapshotsGiveSystemCountersRssSwapAndTheLargestMemcgLimit) {
  CounterFold c;
  proc_file(c, 0, PS_PROC_VMSTAT, "pgfault 1300\npgmajfault 5\npswpout 7\n");
  proc_file(c, 0, PS_PROC_MEMINFO, "MemTotal: 1000 kB\nMemAvailable: 400 kB\n");
  proc_file(c, 0, PS_PROC_MEMCG, "usage 1000\nlimit 67108864\n");
  proc_file(c, 0, PS_PROC_MEMCG, "usage 1000\nlimit max\n");
  proc_file(c, 100, PS_PROC_STATUS, "Name:\tworker\nVmRSS:\t   2048 kB\nVmSwap:\t      12 kB\n");
  EXPECT_EQ(c.system().pgfault, 1300u);
  EXPECT_EQ(c.system().pswpout, 7u);
  EXPECT_EQ(c.system().mem_available_kb, 400u);
  EXPECT_EQ(c.memcg_limit_bytes(), 67108864u);
  EXPECT_EQ(c.find(100)->rss_kb, 2048u);
  EXPECT_EQ(c.find(100)->swap_kb, 12u);
}

// fill(): what the fold did not see stays as the row had it (unknown or /proc's).
TEST(CounterFold, FillSetsOnlyWhatTheFoldMeasured) {
  CounterFold c;
  fault(c, 1);
  ProcessCounters p;
  p.pid = 1;
  p.rss_kb = 99;
  c.fill(p);
  EXPECT_EQ(p.min_flt, 1u);
  EXPECT_EQ(p.rss_kb, 99u);  // no status snapshot
  EXPECT_FALSE(p.swap_in_pages);
  EXPECT_FALSE(p.reclaim_stall_ns);
  EXPECT_FALSE(p.tlb_flushes);
  swap_ents(c, 1, 10);
  c.fill(p);
  EXPECT_EQ(p.swap_in_pages, 0u);  // a baseline: traffic is measured from here
}

TEST(CounterFold, ExitsAreHandedOutOnceAndForgetDropsTheCounters) {
  CounterFold c;
  fault(c, 8);
  auto e = record<ps_exit>(PS_EV_EXIT, 8);
  c.visit(e.hdr);  // a thread: the group lives on
  e.flags = PS_EXIT_GROUP_DEAD;
  c.visit(e.hdr);
  EXPECT_EQ(c.take_exited(), std::vector<uint32_t>{8});
  EXPECT_TRUE(c.take_exited().empty());
  ASSERT_NE(c.find(8), nullptr);
  c.forget(8);
  EXPECT_EQ(c.find(8), nullptr);
}

}  // namespace
}  // namespace pagescope::model
