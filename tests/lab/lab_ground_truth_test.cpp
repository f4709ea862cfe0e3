// The lab's totals against the kernel's own, independent counters. The run:
// zipf over 96 MiB under a 32 MiB limit with half of the accesses writing,
// which swaps a few hundred thousand pages in three seconds on a 2-core VM.
//
// Why each tolerance:
//  - /proc/vmstat is machine-wide. The test reads it in a window that
//    encloses the lab's own window, so the lab's figure may only be smaller,
//    and only by what happens during set-up and teardown (near nothing).
//  - pswpout/pswpin count pages; the zram device counts I/Os. Anonymous
//    base pages (ps-pressure disables THP) go one page per bio, so on a
//    machine with no other active swap they must agree almost exactly; the
//    slack covers a swap-out racing with the lab's last read.
//  - getrusage(ru_majflt) is taken by the workload just before it writes its
//    report; memory.stat pgmajfault also counts faults after that (the
//    report's write, exit). So memcg >= rusage, by a little.
//  - A swap-in from zram, a synchronous device, is read in the fault itself
//    and counted as a major fault (mm/memory.c do_swap_page); swap-cache hits
//    are minor. So major faults track pswpin closely but not exactly.
//  - With 20+ GiB free there is no global reclaim (allocstall, kswapd stay
//    at zero), so every swap-out comes from the cgroup's limit reclaim, which
//    only runs after a charge failed: failcnt > 0 exactly when pages were
//    swapped, and usage never exceeds the limit.
#include <cmath>

#include "lab/kernel_counters.h"
#include "lab/lab_runner.h"
#include "tests/lab/lab_kernel_fixture.h"

namespace pagescope::lab::testing {
namespace {

using LabGroundTruthTest = LabKernelTest;

// |a - b| <= rel * max(a, b) + abs_slack
void expect_close(std::uint64_t a, std::uint64_t b, double rel, std::uint64_t abs_slack, const char* what) {
  double diff = std::fabs(static_cast<double>(a) - static_cast<double>(b));
  EXPECT_LE(diff, rel * static_cast<double>(std::max(a, b)) + static_cast<double>(abs_slack))
      << what << ": " << a << " vs " << b;
}

TEST_F(LabGroundTruthTest, TotalsAgreeWithKernelCounters) {
  LabOptions o;
  o.limit = "32M";
  o.swap = "zram:lz4:256M";
  o.workload = "zipf";
  o.size = "96M";
  o.seconds = 3;
  o.write_pct = 50;
  o.workload_bin = PS_PRESSURE_BIN;

  KernelCounters outer;  // around the try whose report is checked
  LabRun result = run_retrying_memcg_oom(o, 3, &outer);
  if (ended_in_memcg_oom(result)) GTEST_SKIP() << "every try ended in the memcg OOM killer: " << result.status.message();
  ASSERT_TRUE(result.status.ok()) << result.status.message();
  ASSERT_TRUE(result.report.has_value());
  const LabReport& r = *result.report;
  ASSERT_TRUE(r.outcome.reported) << "ps-pressure wrote no report";
  expect_nothing_left_behind();

  const std::uint64_t pswpout = r.delta.vm("pswpout");
  const std::uint64_t pswpin = r.delta.vm("pswpin");
  ASSERT_GT(pswpout, 10000u) << "the run did not swap enough to compare anything";
  ASSERT_GT(pswpin, 10000u);

  // The lab's window lies inside the test's.
  EXPECT_LE(pswpout, outer.vm("pswpout"));
  expect_close(pswpout, outer.vm("pswpout"), 0.01, 64, "pswpout: lab vs enclosing window");
  EXPECT_LE(r.delta.vm("pgmajfault"), outer.vm("pgmajfault"));

  // Swap traffic vs the lab's own zram device.
  if (r.other_swaps.empty()) {
    expect_close(pswpout, r.zram.write_ios, 0.001, 64, "pswpout vs zram write I/Os");
    expect_close(pswpin, r.zram.read_ios, 0.001, 64, "pswpin vs zram read I/Os");
  } else {
    EXPECT_GE(pswpout + 64, r.zram.write_ios);
  }

  // Major faults: the workload's rusage, its cgroup, the machine.
  ASSERT_TRUE(r.cgroup.stat.count("pgmajfault"));
  const std::uint64_t memcg_majflt = r.cgroup.stat.at("pgmajfault");
  EXPECT_GE(memcg_majflt, r.outcome.majflt);
  expect_close(memcg_majflt, r.outcome.majflt, 0.01, 64, "memory.stat pgmajfault vs ru_majflt");
  EXPECT_GE(r.delta.vm("pgmajfault"), memcg_majflt);
  expect_close(r.delta.vm("pgmajfault"), memcg_majflt, 0.01, 500, "vmstat pgmajfault vs memory.stat pgmajfault");
  expect_close(r.outcome.majflt, pswpin, 0.05, 64, "ru_majflt vs pswpin");

  // The cgroup's limit accounting.
  if (r.delta.vm_prefix_sum("allocstall_") == 0 && r.delta.vm("pgscan_kswapd") == 0) {
    EXPECT_GT(r.cgroup.limit_hits, 0u) << "pages were swapped but the limit was never hit";
  }
  EXPECT_LE(r.cgroup.peak_bytes, r.limit_bytes);
  EXPECT_GE(r.cgroup.peak_bytes, r.limit_bytes * 9 / 10) << "a 96M working set should fill a 32M limit";
  EXPECT_EQ(r.cgroup.oom_kills, 0u);
  // Every refault of an anonymous page is a swap-in (workingset_refault_anon
  // is counted when a swapped page is read back).
  EXPECT_LE(r.delta.vm("workingset_refault_anon"), pswpin + 64);

  // Random page content does not compress: zram stores it near 1:1.
  ASSERT_GT(r.zram.compr_data_size, 0u);
  EXPECT_LT(r.zram.ratio(), 1.2);
}

TEST_F(LabGroundTruthTest, CompressibilityFollowsPageContent) {
  // The same run with text-like and zero pages: what zram stores must reflect it.
  auto run = [&](const char* content, const char* size, bool may_oom) {
    LabOptions o;
    o.limit = "32M";
    o.swap = "zram:lz4:256M";
    o.workload = "uniform";
    o.size = size;
    o.seconds = 1.5;
    o.write_pct = 0;
    o.content = content;
    o.workload_bin = PS_PRESSURE_BIN;
    LabRun result = may_oom ? LabRunner(o, nullptr).run() : run_retrying_memcg_oom(o);
    bool oom = ended_in_memcg_oom(result);
    if (!(may_oom && oom)) {
      EXPECT_TRUE(result.status.ok()) << result.status.message();
    }
    return result.report.value_or(LabReport{});
  };
  LabReport text = run("text", "64M", false);
  // Zero pages under a tight limit often end in the memcg OOM killer on
  // Linux 6.18 (seen in about half of the runs; random or text pages at the
  // same sizes never do). Whether it happens or not, the counters up to that
  // point must show the zero-page property below, and the lab must still
  // clean up after an OOM kill.
  LabReport zero = run("zero", "48M", true);
  expect_nothing_left_behind();
  EXPECT_GT(text.zram.ratio(), 1.5) << "text-like pages should compress";
  // Zero pages cost zram (almost) nothing: before Linux 6.12 zram keeps them
  // as "same-filled" pages; since 6.12 the swap layer records them in its
  // zeromap and never writes them to the device at all.
  std::uint64_t stolen = zero.delta.vm("pgsteal_anon");
  ASSERT_GT(stolen, 1000u) << "the zero-page run was not under pressure";
  EXPECT_TRUE(zero.zram.same_pages > 0 || zero.zram.write_ios * 10 < stolen)
      << "same-filled " << zero.zram.same_pages << ", zram writes " << zero.zram.write_ios << ", pages reclaimed "
      << stolen;
}

}  // namespace
}  // namespace pagescope::lab::testing
