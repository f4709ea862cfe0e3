// The zram-like tier against the real kernel. The lab runs ps-pressure with
// text content (it compresses ~2x) under a memory cgroup limit with real zram
// swap, recorded with `record --sample-contents`; the capture is then
// replayed under LRU at the same limit with zram:lz4:SIZE:uncharged (zram's
// RAM is not charged to the cgroup, so it is outside the budget in the kernel
// too), page sizes from the capture's samples. Compared with the device's
// /sys/block/zramN/mm_stat at its fullest (the end of the run: ps-pressure
// only adds to swap until it exits):
//
//  * compression ratio (orig_data_size / compr_data_size) within 10%. What
//    separates the two is (a) which pages were sampled: the simulator sizes
//    most stored pages by the nearest sampled page of their VMA, not their
//    own bytes, and text pages vary a few percent around their mean; (b)
//    liblz4 in user space versus the kernel's lz4 (same algorithm and
//    acceleration, slightly different versions); (c) our pool rounds each
//    object up to its zsmalloc class (< 16 bytes on ~2 KB objects, < 1%).
//  * pool size at the end (simulated RAM held vs mem_used_total) within 15%:
//    on top of the ratio's error, the number of pages stored differs. The
//    kernel's cgroup limit also holds page tables and the workload's
//    binary, so fewer of its pages stay resident than the simulated memory
//    holds, and the replay sees only faults (not every reference), so its
//    LRU keeps a different set; the number stored is still distinct pages
//    minus resident pages in both. zsmalloc's zspage fragmentation, which
//    mem_used_total includes and the model leaves out, adds a few percent.
//
// Root, zram, memory cgroups and the pagescope binary; skipped without them.
// PAGESCOPE_BIN points the test at another pagescope binary;
// ZRAM_VALIDATION_KEEP=PATH keeps the capture there (for docs and demos).
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "lab/lab_runner.h"
#include "lab/workload_launcher.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/sampled_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/tiered_replay.h"
#include "simulator/trace_file.h"
#include "tests/lab/lab_kernel_fixture.h"

namespace pagescope::lab::testing {
namespace {

std::string pagescope_binary() {
  if (const char* env = std::getenv("PAGESCOPE_BIN")) return env;
  return PAGESCOPE_BINARY_DIR "/app/pagescope";
}

class ZramValidationTest : public LabKernelTest {
 protected:
  void SetUp() override {
    LabKernelTest::SetUp();
    if (IsSkipped()) return;
    if (::access(pagescope_binary().c_str(), X_OK) != 0) GTEST_SKIP() << pagescope_binary() << " not built";
    if (!record_supports_cgroup(pagescope_binary())) GTEST_SKIP() << "`pagescope record` has no --cgroup";
    base_ = "/tmp/zram-validation-" + std::to_string(::getpid());
    // The lab runs `SELF record --cgroup DIR -o FILE -- workload`; this
    // wrapper adds --sample-contents to that record and nothing else.
    std::ofstream(base_ + ".sh") << "#!/bin/sh\n"
                                 << "if [ \"$1\" = record ]; then shift; exec " << pagescope_binary()
                                 << " record --sample-contents \"$@\"; fi\n"
                                 << "exec " << pagescope_binary() << " \"$@\"\n";
    ::chmod((base_ + ".sh").c_str(), 0755);
  }
  void TearDown() override {
    if (!base_.empty()) {
      ::unlink((base_ + ".sh").c_str());
      const char* keep = std::getenv("ZRAM_VALIDATION_KEEP");
      if (!keep || std::rename((base_ + ".psc").c_str(), keep) != 0) ::unlink((base_ + ".psc").c_str());
    }
    LabKernelTest::TearDown();
  }
  std::string base_;
};

TEST_F(ZramValidationTest, SimulatedRatioAndPoolMatchTheKernelsZram) {
  LabOptions o;
  o.limit = "64M";
  o.swap = "zram:lz4:512M";
  o.workload = "zipf";
  o.size = "160M";
  o.seconds = 6;
  o.content = "text";
  o.workload_bin = PS_PRESSURE_BIN;
  o.self_exe = base_ + ".sh";
  o.capture_path = base_ + ".psc";
  LabRun r = run_retrying_memcg_oom(o);
  if (ended_in_memcg_oom(r)) GTEST_SKIP() << "every try ended in the memcg OOM killer: " << r.status.message();
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(r.report->recorded);
  expect_nothing_left_behind();
  const ZramStats& k = r.report->zram;
  ASSERT_GT(k.orig_data_size, 16ull << 20) << "the run did not swap enough to compare";

  sim::TraceFileOptions to;
  to.path = o.capture_path;
  auto trace = sim::load_trace_file(to);
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  auto contents = sim::tiers::read_capture_contents(o.capture_path);
  ASSERT_TRUE(contents.ok()) << contents.error().message;
  auto mean = sim::tiers::sampled_mean(*contents, PS_COMP_LZ4);
  ASSERT_GE(mean.samples, 50u) << "too few content samples";
  sim::tiers::CompressibilityModel m;
  m.ratio = mean.ratio;
  m.zero_fraction = mean.same_fraction;
  sim::tiers::SizeOrigins origins;
  auto sizes = sim::tiers::sampled_page_sizes(*trace, *contents, PS_COMP_LZ4, sim::tiers::model_page_sizes(*trace, m),
                                              &origins);
  auto spec = sim::tiers::parse_tier_list("zram:lz4:512M:uncharged");
  ASSERT_TRUE(spec.ok());
  const uint32_t frames = uint32_t((64ull << 20) / 4096);
  auto run = sim::tiers::simulate_tiered(*trace, *sim::policies::find_policy("lru"), frames, 1, (*spec)[0], sizes);
  ASSERT_GT(run.final_pool_bytes, 0u);

  const double kernel_ratio = k.ratio();
  const double sim_ratio = double(run.final_stored_pages * 4096) / double(run.final_pool_bytes);
  const double kernel_pool = double(k.mem_used_total);
  const double sim_pool = double(run.final_pool_bytes);
  std::printf("zram validation: %llu content samples (lz4 mean %.3fx); trace %zu faults, %u pages: %llu sized by "
              "their own sample, %llu by the nearest in their VMA, %llu modelled\n"
              "  kernel: orig %.1f MiB, compr %.1f MiB, mem_used %.1f MiB, ratio %.3fx, same %llu, huge %llu\n"
              "  simulated: stored %.1f MiB, pool %.1f MiB, ratio %.3fx\n"
              "  ratio off by %+.1f%% (limit 10%%), pool off by %+.1f%% of mem_used (limit 15%%), %+.1f%% of compr\n",
              (unsigned long long)mean.samples, mean.ratio, trace->size(), trace->distinct_pages(),
              (unsigned long long)origins.own, (unsigned long long)origins.nearest,
              (unsigned long long)origins.modelled, double(k.orig_data_size) / 1048576.0,
              double(k.compr_data_size) / 1048576.0, kernel_pool / 1048576.0, kernel_ratio,
              (unsigned long long)k.same_pages, (unsigned long long)k.huge_pages,
              double(run.final_stored_pages * 4096) / 1048576.0, sim_pool / 1048576.0, sim_ratio,
              100 * (sim_ratio / kernel_ratio - 1), 100 * (sim_pool / kernel_pool - 1),
              100 * (sim_pool / double(k.compr_data_size) - 1));
  EXPECT_NEAR(sim_ratio / kernel_ratio, 1.0, 0.10);
  EXPECT_NEAR(sim_pool / kernel_pool, 1.0, 0.15);
}

}  // namespace
}  // namespace pagescope::lab::testing
