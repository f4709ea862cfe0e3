// The lab with the real recorder: when this build's pagescope has
// `record --cgroup`, a lab run writes a capture whose major faults for the
// workload match what the cgroup and the workload itself counted. Skipped
// when pagescope is not built (or its record lacks --cgroup); PAGESCOPE_BIN
// points the test at another pagescope binary.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "lab/lab_runner.h"
#include "lab/sys_file.h"
#include "lab/workload_launcher.h"
#include "tests/lab/lab_kernel_fixture.h"

namespace pagescope::lab::testing {
namespace {

std::string pagescope_binary() {
  if (const char* env = std::getenv("PAGESCOPE_BIN")) return env;
  return PAGESCOPE_BINARY_DIR "/app/pagescope";
}

// The number after "key": at or after `from` in inspect's JSON.
long long json_int(const std::string& json, const std::string& key, std::size_t from = 0) {
  auto at = json.find("\"" + key + "\": ", from);
  if (at == std::string::npos) return -1;
  return std::atoll(json.c_str() + at + key.size() + 4);
}

class LabRecordedTest : public LabKernelTest {
 protected:
  void SetUp() override {
    LabKernelTest::SetUp();
    if (IsSkipped()) return;
    if (::access(pagescope_binary().c_str(), X_OK) != 0) GTEST_SKIP() << pagescope_binary() << " not built";
    if (!record_supports_cgroup(pagescope_binary())) GTEST_SKIP() << "`pagescope record` has no --cgroup";
    capture_ = "/tmp/lab-recorded-test-" + std::to_string(::getpid()) + ".psc";
  }
  void TearDown() override {
    if (!capture_.empty()) ::unlink(capture_.c_str());
    LabKernelTest::TearDown();
  }
  std::string capture_;
};

TEST_F(LabRecordedTest, CaptureMajorFaultsMatchTheCgroupsCount) {
  LabOptions o;
  // 64M, not the 32M of the other tests: under a 32M limit the recorded
  // (slower-faulting) workload often ends with every anon page on the active
  // list and the memcg OOM killer firing with swap to spare (Linux 6.18, v1).
  o.limit = "64M";
  o.swap = "zram:lz4:512M";
  o.workload = "zipf";
  o.size = "192M";
  o.seconds = 3;
  o.workload_bin = PS_PRESSURE_BIN;
  o.self_exe = pagescope_binary();
  o.capture_path = capture_;
  LabRun r = run_retrying_memcg_oom(o);
  if (ended_in_memcg_oom(r)) GTEST_SKIP() << "every try ended in the memcg OOM killer: " << r.status.message();
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(r.report->recorded);
  expect_nothing_left_behind();

  std::string json;
  FILE* p = ::popen((pagescope_binary() + " inspect " + capture_ + " --json 2>/dev/null").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) json.append(buf, n);
  ::pclose(p);
  long long lost = json_int(json, "lost_events");
  auto proc = json.find("\"COMM\": \"ps-pressure\"");
  ASSERT_NE(proc, std::string::npos) << json.substr(0, 2000);
  long long recorded_major = json_int(json, "MAJOR", proc);
  ASSERT_GE(lost, 0);
  ASSERT_GE(recorded_major, 0);

  // The recorder sees every major fault of the workload, and only those: the
  // cgroup holds nothing else. A lost event can hide a fault, never add one.
  const long long memcg_major = static_cast<long long>(r.report->cgroup.stat["pgmajfault"]);
  ASSERT_GT(memcg_major, 1000) << "the recorded run did not swap";
  EXPECT_LE(recorded_major, memcg_major);
  EXPECT_GE(recorded_major + lost, memcg_major - memcg_major / 1000 - 16)
      << "capture " << recorded_major << " major faults (" << lost << " events lost), memcg " << memcg_major;
}

}  // namespace
}  // namespace pagescope::lab::testing
