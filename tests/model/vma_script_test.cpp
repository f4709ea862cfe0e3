// The address-space model against the kernel, without root: ps-vma-script
// changes its own address space step by step and writes /proc/self/maps at
// each checkpoint plus the syscalls it made in between. Replaying those
// syscalls from one checkpoint's maps must give the next checkpoint's maps.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "inspector/model/maps_parser.h"
#include "inspector/model/space_tracker.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

namespace {

struct Checkpoint {
  int n = 0;
  uint32_t pid = 0;
  uint64_t ts = 0;
  bool logged = false;
  std::string label;
  std::string maps;
};

struct LoggedSyscall {
  uint32_t pid = 0;
  uint16_t kind = 0;
  uint64_t args[6] = {};
  int64_t ret = 0;
  int after_cp = -1;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class VmaScript : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string exe = std::string(PAGESCOPE_BINARY_DIR) + "/workloads/ps-vma-script";
    if (access(exe.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << exe << " (build ps-vma-script)";
    char tmpl[] = "/tmp/pagescope-vma-script-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const std::string cmd = exe + " " + dir_;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

    std::istringstream idx(slurp(dir_ + "/checkpoints.txt"));
    Checkpoint c;
    int logged = 0;
    while (idx >> c.n >> c.pid >> c.ts >> logged >> c.label) {
      c.logged = logged;
      c.maps = slurp(dir_ + "/cp-" + std::to_string(c.n) + ".maps");
      cps_[c.n] = c;
    }
    std::istringstream log(slurp(dir_ + "/syscalls.txt"));
    std::string line;
    int cp = -1;
    const std::map<std::string, uint16_t> kinds = {{"mmap", PS_EV_MMAP}, {"munmap", PS_EV_MUNMAP},
        {"mprotect", PS_EV_MPROTECT}, {"mremap", PS_EV_MREMAP}, {"brk", PS_EV_BRK}};
    while (std::getline(log, line)) {
      std::istringstream f(line);
      std::string first, name;
      f >> first;
      if (first == "CP") {
        f >> cp;
        continue;
      }
      LoggedSyscall s;
      s.pid = uint32_t(std::stoul(first));
      f >> name;
      for (auto& a : s.args) f >> a;
      f >> s.ret;
      s.kind = name == "touch" ? uint16_t(PS_EV_FAULT) : kinds.at(name);
      s.after_cp = cp;
      calls_.push_back(s);
    }
  }

  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + dir_).c_str());
  }

  void feed(SpaceTracker& t, const RecordBuffer& b) {
    b.for_each([&](const ps_header& h) { t.apply(h); });
  }

  void feed_syscalls_after(SpaceTracker& t, int cp, uint32_t pid) {
    RecordBuffer b;
    uint64_t ts = cps_.at(cp).ts + 1;
    for (const LoggedSyscall& s : calls_) {
      if (s.after_cp != cp || s.pid != pid) continue;
      if (s.kind == PS_EV_FAULT) {
        // The first write to each page faults (not present, user mode).
        for (uint64_t a = s.args[0]; a < s.args[0] + s.args[1]; a += 4096) {
          b.fault(ts++, pid, pid, a, PS_PF_USER | PS_PF_WRITE);
        }
        continue;
      }
      b.syscall(s.kind, ts++, pid, pid, {s.args[0], s.args[1], s.args[2], s.args[3], s.args[4],
                                         s.args[5]}, s.ret);
    }
    feed(t, b);
  }

  void feed_snapshot(SpaceTracker& t, int cp) {
    RecordBuffer b;
    b.proc_file(cps_.at(cp).ts, cps_.at(cp).pid, PS_PROC_MAPS, cps_.at(cp).maps);
    feed(t, b);
  }

  std::string difference(const SpaceTracker& t, int cp) {
    const ProcessSpace* ps = t.find(cps_.at(cp).pid);
    if (!ps) return "no process";
    auto kernel = parse_maps(cps_.at(cp).maps);
    if (!kernel) return kernel.error().message;
    return layout_difference(ps->space.vmas(), kernel.value());
  }

  std::string dir_;
  std::map<int, Checkpoint> cps_;
  std::vector<LoggedSyscall> calls_;
};

}  // namespace

TEST_F(VmaScript, EveryLoggedStepMatchesTheKernel) {
  ASSERT_TRUE(cps_.count(0) && cps_.count(10)) << "checkpoints missing in " << dir_;
  const uint32_t pid = cps_.at(0).pid;
  SpaceTracker tracker;
  feed_snapshot(tracker, 0);
  int compared = 0;
  for (int cp = 1; cp <= 10; ++cp) {
    ASSERT_TRUE(cps_.at(cp).logged);
    feed_syscalls_after(tracker, cp - 1, pid);
    EXPECT_EQ(difference(tracker, cp), "") << "at checkpoint " << cp << " (" << cps_.at(cp).label << ")";
    ++compared;
  }
  EXPECT_EQ(compared, 10);
  // The tracker checks itself at every snapshot: feed the last one again.
  feed_snapshot(tracker, 10);
  EXPECT_EQ(tracker.find(pid)->snapshot_mismatches, 0u) << tracker.find(pid)->last_mismatch;
  EXPECT_EQ(tracker.find(pid)->snapshots_compared, 1u);
}

TEST_F(VmaScript, EachStepAloneFromTheKernelsPreviousMaps) {
  // Each step from the previous checkpoint's maps, so one wrong operation
  // shows as exactly one failing step.
  const uint32_t pid = cps_.at(0).pid;
  for (int cp = 1; cp <= 10; ++cp) {
    SpaceTracker tracker;
    feed_snapshot(tracker, cp - 1);
    feed_syscalls_after(tracker, cp - 1, pid);
    EXPECT_EQ(difference(tracker, cp), "") << "step " << cp << " (" << cps_.at(cp).label << ")";
  }
}

TEST_F(VmaScript, ForkCopiesTheLayoutAndExecStartsOver) {
  ASSERT_TRUE(cps_.count(11) && cps_.count(12) && cps_.count(100));
  const uint32_t parent = cps_.at(11).pid;
  const uint32_t child = cps_.at(12).pid;
  SpaceTracker tracker;
  feed_snapshot(tracker, 11);
  RecordBuffer b;
  b.fork(cps_.at(11).ts + 1, parent, parent, child, child, 0, "ps-vma-script");
  feed(tracker, b);
  EXPECT_EQ(difference(tracker, 12), "");
  EXPECT_TRUE(tracker.find(child)->forked);

  RecordBuffer e;
  e.exec(cps_.at(13).ts + 1, child, child, "ps-vma-script", "/proc/self/exe");
  feed(tracker, e);
  EXPECT_FALSE(tracker.find(child)->space.seeded());  // waits for the next snapshot
  EXPECT_TRUE(tracker.find(child)->space.pieces().empty());
  feed_snapshot(tracker, 100);
  EXPECT_EQ(difference(tracker, 100), "");
  // The parent is untouched by its child's exec.
  EXPECT_EQ(difference(tracker, 14), "");
}
