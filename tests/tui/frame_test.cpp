#include "tui/frame.h"

#include <gtest/gtest.h>

using namespace pagescope::tui;

namespace {
ProcessCounters proc(int32_t pid, const char* comm, uint64_t minflt, uint64_t majflt, uint64_t swap_kb = 0) {
  ProcessCounters p;
  p.pid = pid;
  p.comm = comm;
  p.min_flt = minflt;
  p.maj_flt = majflt;
  p.swap_kb = swap_kb;
  return p;
}
}  // namespace

TEST(Frame, RatesAreDeltasOverTheInterval) {
  Snapshot a, b;
  a.ts_ns = 1'000'000'000;
  b.ts_ns = 3'000'000'000;  // 2 s later
  a.system.pgfault = 100;
  b.system.pgfault = 700;
  a.system.pgscan_kswapd = 10;
  b.system.pgscan_kswapd = 10;
  a.system.allocstall = 1;
  b.system.allocstall = 5;
  a.system.tlb = {{"shootdown IPI", 40}};
  b.system.tlb = {{"shootdown IPI", 100}};
  b.system.mem_total_kb = 1000;
  b.system.mem_available_kb = 300;
  a.processes = {proc(10, "a", 50, 2, 400), proc(20, "b", 0, 0)};
  b.processes = {proc(10, "a", 250, 6, 800), proc(30, "new", 30, 0)};
  Frame f = make_frame(a, b);
  EXPECT_EQ(f.interval_ns, 2'000'000'000u);
  EXPECT_DOUBLE_EQ(f.system.faults_s, 300);
  EXPECT_FALSE(f.system.kswapd_active);
  EXPECT_DOUBLE_EQ(f.system.allocstall_s, 2);
  ASSERT_EQ(f.system.tlb.size(), 1u);
  EXPECT_DOUBLE_EQ(f.system.tlb[0].per_s, 30);
  EXPECT_EQ(f.system.mem_used_kb, 700u);
  ASSERT_EQ(f.processes.size(), 2u);
  EXPECT_EQ(f.processes[0].pid, 10);
  EXPECT_DOUBLE_EQ(f.processes[0].minflt_s, 100);
  EXPECT_DOUBLE_EQ(f.processes[0].majflt_s, 2);
  EXPECT_DOUBLE_EQ(f.processes[0].swapout_s, 50);  // 400 kB = 100 pages over 2 s
  EXPECT_DOUBLE_EQ(f.processes[0].swapin_s, 0);
  // A process born during the interval counts from zero.
  EXPECT_EQ(f.processes[1].pid, 30);
  EXPECT_DOUBLE_EQ(f.processes[1].minflt_s, 15);
  EXPECT_FALSE(f.processes[1].tlb_s);
  EXPECT_FALSE(f.processes[1].wss_kb);
}

TEST(Frame, ReusedPidDoesNotGoNegative) {
  Snapshot a, b;
  a.ts_ns = 0;
  b.ts_ns = 1'000'000'000;
  a.processes = {proc(10, "old", 5000, 10)};
  b.processes = {proc(10, "new", 40, 0)};
  Frame f = make_frame(a, b);
  EXPECT_DOUBLE_EQ(f.processes[0].minflt_s, 40);
  EXPECT_DOUBLE_EQ(f.processes[0].majflt_s, 0);
}

TEST(Frame, OptionalCountersBecomeRatesWhenPresent) {
  Snapshot a, b;
  a.ts_ns = 0;
  b.ts_ns = 500'000'000;
  auto p = proc(1, "x", 0, 0);
  p.tlb_flushes = 10;
  p.reclaim_stall_ns = 1'000'000;
  a.processes = {p};
  p.tlb_flushes = 20;
  p.reclaim_stall_ns = 3'000'000;  // 2 ms of stall in 0.5 s
  b.processes = {p};
  Frame f = make_frame(a, b);
  ASSERT_TRUE(f.processes[0].tlb_s);
  EXPECT_DOUBLE_EQ(*f.processes[0].tlb_s, 20);
  ASSERT_TRUE(f.processes[0].stall_ms_s);
  EXPECT_DOUBLE_EQ(*f.processes[0].stall_ms_s, 4);
}
