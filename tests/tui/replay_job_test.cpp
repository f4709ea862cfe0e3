// The replay screen's background job on a real capture file, checked against
// the simulator run directly on the same trace.
#include "tui/replay_job.h"

#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "capture_records.h"
#include "inspector/capture/writer.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/trace_file.h"

using namespace pagescope;
using namespace pagescope::tui;

namespace {

class ReplayJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "/tui_replay_job_" + std::to_string(getpid()) + ".psc";
    auto w = capture::CaptureWriter::create(path_, capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    const auto story = tui::testing::worker_story();
    for (const auto& r : story.all()) ASSERT_TRUE(w->append(r.data(), r.size()).ok());
    ASSERT_TRUE(w->close().ok());
  }
  void TearDown() override { unlink(path_.c_str()); }

  static Result<ReplayResults> wait(ReplayJob& job) {
    for (int i = 0; i < 600 && !job.done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return job.take_results();
  }
  std::string path_;
};

TEST_F(ReplayJobTest, TableAndCurvesMatchTheSimulatorAndTheRealPointIsComputed) {
  ReplayRequest req;
  req.capture_path = path_;
  req.policies = "lru,fifo,opt";
  req.memory = "8K,32K";
  req.tiers = "none";
  req.real = RealPoint{2048 * 1024, 0, 2};
  auto job = ReplayJob::start(req);
  ASSERT_TRUE(job) << job.error().message;
  auto res = wait(**job);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_DOUBLE_EQ((*job)->fraction(), 1.0);

  sim::TraceFileOptions o;
  o.path = path_;
  auto trace = sim::load_trace_file(o);
  ASSERT_TRUE(trace) << trace.error().message;
  EXPECT_EQ(res->references, trace->size());
  EXPECT_EQ(res->distinct_pages, trace->distinct_pages());
  ASSERT_EQ(res->rows.size(), 6u);  // 3 policies x 2 sizes
  for (const ReplayRow& row : res->rows) {
    const auto* p = sim::policies::find_policy(row.policy);
    ASSERT_NE(p, nullptr);
    auto direct = sim::simulate(*trace, *p, uint32_t(row.memory_bytes / 4096), 1);
    EXPECT_EQ(row.faults, direct.faults) << row.policy << " " << row.memory_bytes;
    EXPECT_FALSE(row.pool_faults.has_value());
  }
  ASSERT_EQ(res->curves.size(), 3u);
  const auto sizes = sim::default_sizes(trace->distinct_pages(), req.curve_points);
  for (const auto& c : res->curves) {
    ASSERT_EQ(c.points.size(), sizes.size()) << c.label;
    for (size_t i = 1; i < c.points.size(); ++i) EXPECT_GT(c.points[i].memory_bytes, c.points[i - 1].memory_bytes);
  }
  // Exact LRU (stack distances) agrees with replaying LRU at each size.
  const auto* lru = sim::policies::find_policy("lru");
  for (const auto& pt : res->curves[0].points) {
    EXPECT_DOUBLE_EQ(pt.miss_ratio, sim::simulate(*trace, *lru, uint32_t(pt.memory_bytes / 4096), 1).miss_ratio());
  }
  ASSERT_TRUE(res->real.has_value());
  EXPECT_EQ(res->real->memory_bytes, 2048u * 1024);
  EXPECT_DOUBLE_EQ(res->real->miss_ratio, double(2 + trace->distinct_pages()) / double(trace->size()));
}

TEST_F(ReplayJobTest, AutoSizesIncludeTheRealRunAndTiersFillPoolColumns) {
  ReplayRequest req;
  req.capture_path = path_;
  req.policies = "lru";
  req.memory = "auto";
  req.tiers = "none,zswap:lz4";
  req.real = RealPoint{5 * 4096, 0, 0};
  auto job = ReplayJob::start(req);
  ASSERT_TRUE(job) << job.error().message;
  auto res = wait(**job);
  ASSERT_TRUE(res) << res.error().message;
  bool real_size = false;
  for (const ReplayRow& row : res->rows) {
    real_size = real_size || row.memory_bytes == 5 * 4096;
    EXPECT_TRUE(row.pool_faults.has_value());
    EXPECT_FALSE(row.tier.empty());
  }
  EXPECT_TRUE(real_size);
  EXPECT_EQ(res->rows.size() % 2, 0u);  // each size with none and zswap
}

TEST_F(ReplayJobTest, BadFieldsAreRefusedBeforeAnyThreadNamingTheField) {
  ReplayRequest req;
  req.capture_path = path_;
  req.policies = "lru,bogus";
  req.memory = "auto";
  req.tiers = "none";
  auto j = ReplayJob::start(req);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message.rfind("policies: ", 0), 0u) << j.error().message;
  req.policies = "lru";
  req.memory = "12Q";
  j = ReplayJob::start(req);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message.rfind("memory: ", 0), 0u) << j.error().message;
  req.memory = "auto";
  req.tiers = "zswap:nope";
  j = ReplayJob::start(req);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message.rfind("tiers: ", 0), 0u) << j.error().message;
}

TEST_F(ReplayJobTest, AMissingCaptureFailsInTheJobWithItsName) {
  ReplayRequest req;
  req.capture_path = "/nonexistent/x.psc";
  req.policies = "lru";
  req.memory = "auto";
  req.tiers = "none";
  auto job = ReplayJob::start(req);
  ASSERT_TRUE(job);
  auto res = wait(**job);
  ASSERT_FALSE(res);
  EXPECT_NE(res.error().message.find("/nonexistent/x.psc"), std::string::npos) << res.error().message;
}

}  // namespace
