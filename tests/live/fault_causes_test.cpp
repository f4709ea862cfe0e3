// Faults by cause against the kernel: ps-fault-causes makes each cause on
// purpose, in its own mapping, and counts its faults with getrusage around
// each step. A recording of it must put exactly those faults in that class
// of that mapping. Swap-in needs swap: a zram device is made for the run
// (lab/zram_swap.h) and removed after it, whatever the outcome.
#include <sys/vfs.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>

#include "inspector/model/capture_replay.h"
#include "inspector/model/space_tracker.h"
#include "lab/session_lock.h"
#include "lab/zram_swap.h"
#include "live_support.h"

namespace pagescope::testing {
namespace {

using model::FaultCause;

struct StepCount {
  uint64_t start = 0;
  long minflt = 0, majflt = 0;
};

std::map<std::string, StepCount> read_steps(const std::string& path) {
  std::map<std::string, StepCount> steps;
  std::ifstream in(path);
  std::string name;
  uint64_t len = 0;
  StepCount s;
  while (in >> name >> s.start >> len >> s.minflt >> s.majflt) steps[name] = s;
  return steps;
}

TEST(FaultCauses, EachCauseMadeOnPurposeIsCountedInItsClass) {
  SKIP_WITHOUT_KERNEL();
  // A zram swap for the swap-in step (the lab's session lock keeps a lab run out meanwhile).
  std::unique_ptr<lab::SessionLock> lock;
  std::unique_ptr<lab::ZramSwap> zram;
  std::string no_swap_reason;
  if (Status ok = lab::zram_available(); !ok) {
    no_swap_reason = ok.message();
  } else if (auto l = lab::SessionLock::acquire(lab::kDefaultStateDir); !l) {
    no_swap_reason = l.error().message;
  } else {
    lock = std::move(l).value();
    lab::ZramConfig zc;
    zc.disksize = 64ull << 20;
    zc.state_dir = lab::kDefaultStateDir;
    auto z = lab::ZramSwap::create(zc);
    ASSERT_TRUE(z.ok()) << z.error().message;
    zram = std::move(z).value();
  }

  const std::string dir = temp_dir();
  RunResult r = run(pagescope_bin() + " record -o " + dir + "/causes.psc -- " + binary("workloads/ps-fault-causes") +
                    " " + dir + (zram ? " swap" : ""));
  if (zram) {
    EXPECT_TRUE(zram->teardown().ok());
  }
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  const auto steps = read_steps(dir + "/steps.txt");
  ASSERT_EQ(steps.size(), zram ? 8u : 7u) << r.output;

  model::SpaceTracker tracker;
  auto replay = model::replay_capture(dir + "/causes.psc", [&](const ps_header& h) { tracker.apply(h); });
  ASSERT_TRUE(replay.ok()) << replay.error().message;
  auto mapping_at = [&](uint64_t start) -> const model::MappingStats* {
    for (const model::MappingStats& m : tracker.mappings())
      if (m.id != 0 && m.first.start == start && m.faults.total > 0) return &m;
    return nullptr;
  };
  auto expect_class = [&](const std::string& step, FaultCause cause, long kernel) {
    SCOPED_TRACE(step);
    const model::MappingStats* m = mapping_at(steps.at(step).start);
    ASSERT_NE(m, nullptr) << "no mapping at the step's address";
    EXPECT_EQ(m->causes[cause], uint64_t(kernel)) << model::fault_cause_name(cause);
    std::printf("%-13s kernel %3ld  capture %3llu %s\n", step.c_str(), kernel,
                static_cast<unsigned long long>(m->causes[cause]), model::fault_cause_name(cause));
  };

  // One fault per page where nothing maps pages ahead.
  for (const char* s : {"zero-page", "cow", "demand-zero", "anon-refault", "protection"}) {
    EXPECT_EQ(steps.at(s).minflt, 64) << s;
    EXPECT_EQ(steps.at(s).majflt, 0) << s;
  }
  expect_class("zero-page", FaultCause::kZeroPage, steps.at("zero-page").minflt);
  expect_class("cow", FaultCause::kCopyOnWrite, steps.at("cow").minflt);
  expect_class("demand-zero", FaultCause::kDemandZero, steps.at("demand-zero").minflt);
  expect_class("anon-refault", FaultCause::kAnonRefault, steps.at("anon-refault").minflt);
  expect_class("file-cache", FaultCause::kFileCache, steps.at("file-cache").minflt);
  expect_class("file-disk", FaultCause::kFileDisk, steps.at("file-disk").majflt);
  expect_class("protection", FaultCause::kProtection, steps.at("protection").minflt);
  struct statfs fs{};
  ASSERT_EQ(statfs(dir.c_str(), &fs), 0);
  if (fs.f_type != 0x01021994 /* TMPFS_MAGIC */) {
    EXPECT_GE(steps.at("file-disk").majflt, 1) << dir << " is on a disk: the dropped file must be read back";
  }
  if (zram) {
    EXPECT_GT(steps.at("swap-in").majflt, 0) << "MADV_PAGEOUT to zram, then a read: major faults";
    expect_class("swap-in", FaultCause::kSwapIn, steps.at("swap-in").majflt);
  } else {
    std::printf("swap-in not exercised: %s\n", no_swap_reason.c_str());
  }
}

}  // namespace
}  // namespace pagescope::testing
