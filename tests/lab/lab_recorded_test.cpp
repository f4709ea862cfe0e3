// The lab with the real recorder: when this build's pagescope has
// `record --cgroup`, a lab run writes a capture whose major faults for the
// workload match what the cgroup and the workload itself counted. Skipped
// when pagescope is not built (or its record lacks --cgroup); PAGESCOPE_BIN
// points the test at another pagescope binary.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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

// Thrashing (inspect --timeline --pid): the loop workload 1/8 above its
// limit refaults every page of every pass and is flagged; the same loop in
// half the limit stays resident after its first pass and is not.
TEST_F(LabRecordedTest, LoopAboveItsLimitThrashesAndInHalfItDoesNot) {
  auto run_loop = [&](const std::string& size) -> std::vector<std::string> {
    LabOptions o;
    o.limit = "64M";
    o.swap = "zram:lz4:512M";
    o.workload = "loop";
    o.size = size;  // "": the lab's default, limit + 1/8
    o.seconds = 3;
    o.workload_bin = PS_PRESSURE_BIN;
    o.self_exe = pagescope_binary();
    o.capture_path = capture_;
    LabRun r = run_retrying_memcg_oom(o);
    if (ended_in_memcg_oom(r)) return {"oom: " + r.status.message()};
    EXPECT_TRUE(r.status.ok()) << r.status.message();
    auto read_all = [](const std::string& cmd) {
      std::string out;
      FILE* p = ::popen(cmd.c_str(), "r");
      if (!p) return out;
      char buf[4096];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
      ::pclose(p);
      return out;
    };
    const std::string procs = read_all(pagescope_binary() + " inspect " + capture_ + " --csv 2>/dev/null");
    const auto at = procs.find(",ps-pressure,");
    EXPECT_NE(at, std::string::npos) << procs;
    if (at == std::string::npos) return {};
    const std::string pid = procs.substr(procs.rfind('\n', at) + 1, procs.find(',', procs.rfind('\n', at) + 1) - procs.rfind('\n', at) - 1);
    const std::string rows = read_all(pagescope_binary() + " inspect " + capture_ + " --timeline --pid " + pid +
                                      " --interval 500ms --csv 2>/dev/null");
    std::vector<std::string> verdicts;
    std::size_t from = rows.find('\n') + 1;  // after the header
    while (from < rows.size()) {
      const std::size_t end = rows.find('\n', from);
      const std::string line = rows.substr(from, end - from);
      verdicts.push_back(line.substr(line.rfind(',') + 1));
      if (end == std::string::npos) break;
      from = end + 1;
    }
    std::printf("loop size %s: %s\n", size.empty() ? "limit + 1/8" : size.c_str(), rows.c_str());
    return verdicts;
  };
  const auto above = run_loop("");
  if (!above.empty() && above[0].rfind("oom: ", 0) == 0) GTEST_SKIP() << above[0];
  ASSERT_GE(above.size(), 4u);
  // After the first fill, every full interval pages what it had.
  int flagged = 0;
  for (std::size_t i = 1; i + 1 < above.size(); ++i) flagged += above[i] == "yes";
  EXPECT_GE(flagged, int(above.size()) - 3) << "intervals after the first, the last (partial) aside";
  const auto half = run_loop("32M");
  if (!half.empty() && half[0].rfind("oom: ", 0) == 0) GTEST_SKIP() << half[0];
  ASSERT_GE(half.size(), 4u);
  for (const std::string& v : half) EXPECT_EQ(v, "no");
  expect_nothing_left_behind();
}

}  // namespace
}  // namespace pagescope::lab::testing
