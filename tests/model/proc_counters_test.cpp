// The /proc counter text every source reads (live, BPF tally, capture snapshots).
#include "inspector/model/proc_counters.h"

#include <gtest/gtest.h>

using namespace pagescope::model;

TEST(ProcCounters, StatCountsFieldsAfterTheLastParen) {
  // comm with spaces and a ')' inside, as proc(5) warns.
  auto f = parse_pid_stat("1234 (my (odd) prog) S 1 1234 1234 0 -1 4194560 777 0 33 0 5 6 0 0 20 0 1 0 100");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->comm, "my (odd) prog");
  EXPECT_EQ(f->min_flt, 777u);
  EXPECT_EQ(f->maj_flt, 33u);
  EXPECT_FALSE(parse_pid_stat("1234 (x) S 1 2"));
  EXPECT_FALSE(parse_pid_stat("garbage"));
}

TEST(ProcCounters, StatmAndVmSwap) {
  EXPECT_EQ(parse_statm_resident_pages("5000 1234 300 10 0 400 0\n"), 1234u);
  EXPECT_EQ(parse_status_vmswap_kb("Name:\tx\nVmRSS:\t  100 kB\nVmSwap:\t    4096 kB\nThreads: 1\n"), 4096u);
  EXPECT_FALSE(parse_status_vmswap_kb("Name:\tkthreadd\nThreads: 1\n"));
}

TEST(ProcCounters, MeminfoVmstatPsi) {
  SystemCounters s;
  parse_meminfo("MemTotal:       8000000 kB\nMemFree:  100 kB\nMemAvailable:   6000000 kB\n"
                "SwapTotal:      2000000 kB\nSwapFree:       1500000 kB\n", s);
  EXPECT_EQ(s.mem_total_kb, 8000000u);
  EXPECT_EQ(s.mem_available_kb, 6000000u);
  EXPECT_EQ(s.swap_total_kb, 2000000u);
  EXPECT_EQ(s.swap_free_kb, 1500000u);
  parse_vmstat("pswpin 11\npswpout 22\nallocstall_dma 1\nallocstall_normal 4\npgfault 1000\npgmajfault 7\n"
               "pgscan_kswapd 55\npgscan_direct 66\npgsteal_kswapd 50\npgsteal_direct 60\npgscan_direct_throttle 9\n", s);
  EXPECT_EQ(s.pswpin, 11u);
  EXPECT_EQ(s.pswpout, 22u);
  EXPECT_EQ(s.allocstall, 5u);
  EXPECT_EQ(s.pgscan_direct, 66u);  // not confused with pgscan_direct_throttle
  EXPECT_EQ(s.pgsteal_direct, 60u);
  EXPECT_EQ(s.pgmajfault, 7u);
  parse_psi_memory("some avg10=1.50 avg60=0.20 avg300=0.00 total=123\nfull avg10=0.25 avg60=0.00 avg300=0.00 total=5\n", s);
  EXPECT_TRUE(s.psi_available);
  EXPECT_DOUBLE_EQ(s.psi_some_avg10, 1.5);
  EXPECT_DOUBLE_EQ(s.psi_full_avg10, 0.25);
}

TEST(ProcCounters, InterruptsTlbSumsCpus) {
  const char* text =
      "           CPU0       CPU1\n"
      "  0:         26          0   IO-APIC   2-edge      timer\n"
      "TLB:       1200       1212   TLB shootdowns\n";
  EXPECT_EQ(parse_interrupts_tlb(text), 2412u);
  EXPECT_FALSE(parse_interrupts_tlb("  0:  26  0  timer\n"));
}

TEST(ProcCounters, VmstatTlbFlushReasonsWhenTheKernelCountsThem) {
  SystemCounters s;
  parse_vmstat("pgfault 1\n", s);
  EXPECT_TRUE(s.tlb.empty());  // without CONFIG_DEBUG_TLBFLUSH there are none
  parse_vmstat("nr_tlb_remote_flush 7\nnr_tlb_local_flush_all 3\nnr_tlb_local_flush_one 9\n", s);
  parse_vmstat("nr_tlb_remote_flush 8\n", s);  // a second read updates, not appends
  ASSERT_EQ(s.tlb.size(), 3u);
  EXPECT_EQ(s.tlb[0].reason, "remote");
  EXPECT_EQ(s.tlb[0].count, 8u);
  EXPECT_EQ(s.tlb[2].count, 9u);
}

TEST(ProcCounters, StatusKbByKeyNotByPrefix) {
  const char* status = "Name:\tworker\nVmRSSx:\t 1 kB\nVmRSS:\t   2048 kB\nVmSwap:\t      12 kB\n";
  EXPECT_EQ(parse_status_kb(status, "VmRSS"), 2048u);
  EXPECT_EQ(parse_status_kb(status, "VmSwap"), 12u);
  EXPECT_FALSE(parse_status_kb(status, "VmHWM"));
}
