// The replay screen's background job on a real capture file, checked against
// the simulator run directly on the same trace.
#include "tui/replay_job.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "capture_records.h"
#include "inspector/capture/writer.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/trace_file.h"
#include "common/units.h"

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

// A capture recorded with --sample-contents: one anonymous VMA of 64 pages,
// 32 of them faulted in a loop four times (so small memories evict and
// refault), every faulted page sampled as compressing very well (far from
// the text-like sample page a modelled size would assume), and the recording
// host's calibration for lz4 and zstd (so the costs do not depend on this
// host either).
template <typename T>
void append(capture::CaptureWriter& w, const T& r, const std::string& tail = {}) {
  std::vector<uint8_t> b(sizeof r);
  std::memcpy(b.data(), &r, sizeof r);
  b.insert(b.end(), tail.begin(), tail.end());
  ASSERT_TRUE(w.append(b.data(), b.size()).ok());
}

std::string sampled_capture(const std::string& path) {
  auto w = capture::CaptureWriter::create(path, capture::HostInfo{});
  EXPECT_TRUE(w) << w.error().message;
  const uint32_t pid = 10;
  const uint64_t base = 0x1000000;
  const std::string maps = "01000000-01040000 rw-p 00000000 00:00 0 \n";
  ps_proc_file m{};
  m.hdr.kind = PS_EV_PROC_FILE;
  m.hdr.size = uint32_t(sizeof m + maps.size());
  m.hdr.pid = m.hdr.tid = pid;
  m.which = PS_PROC_MAPS;
  m.length = uint32_t(maps.size());
  append(*w, m, maps);
  for (int round = 0; round < 4; ++round) {
    for (uint64_t page = 0; page < 32; ++page) {
      ps_fault f{};
      f.hdr.kind = PS_EV_FAULT;
      f.hdr.size = sizeof f;
      f.hdr.pid = f.hdr.tid = pid;
      f.hdr.ts_ns = 1000 + uint64_t(round) * 100 + page;
      f.address = base + page * 4096;
      append(*w, f);
    }
  }
  for (uint64_t page = 0; page < 32; page += 2) {  // every other page: the rest take the nearest
    ps_page_content c{};
    c.hdr.kind = PS_EV_PAGE_CONTENT;
    c.hdr.size = sizeof c;
    c.hdr.pid = c.hdr.tid = pid;
    c.address = base + page * 4096;
    c.compressed[PS_COMP_LZ4] = uint16_t(200 + page);
    c.compressed[PS_COMP_ZSTD] = uint16_t(150 + page);
    append(*w, c);
  }
  for (uint32_t comp : {uint32_t(PS_COMP_LZ4), uint32_t(PS_COMP_ZSTD)}) {
    ps_compress_calibration k{};
    k.hdr.kind = PS_EV_COMPRESS_CALIBRATION;
    k.hdr.size = sizeof k;
    k.compressor = comp;
    k.pages = 10;
    k.compress_ns = 100000;
    k.decompress_ns = 20000;
    append(*w, k);
  }
  EXPECT_TRUE(w->close().ok());
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out(1);
  for (char ch : line) {
    if (ch == sep) out.emplace_back();
    else out.back() += ch;
  }
  return out;
}

// Issue 13: `R` in the TUI and `pagescope replay --tier` ran the replays in
// two places, and only the command read the capture's content samples. Both
// now go through sim::run_experiment; for one capture and one plan they give
// the same counts, row for row.
TEST(ReplayJobAndCommand, SameCaptureAndPlanGiveTheSameNumbers) {
  const std::string bin = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";
  struct stat st;
  if (stat(bin.c_str(), &st) != 0) GTEST_SKIP() << bin << " not built";
  const std::string path =
      sampled_capture(::testing::TempDir() + "/tui_replay_equal_" + std::to_string(getpid()) + ".psc");
  const std::string out = path + ".csv";
  const char* policies = "lru,fifo,arc";
  const char* memory = "48K,64K,96K";
  const char* tiers = "none,zswap:lz4,zswap:zstd:10%,zram:zstd";

  const std::string cmd = bin + " replay " + path + " --policy " + policies + " --memory " + memory + " --tier " +
                          tiers + " --csv >" + out + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(out);
  std::istringstream csv(slurp(out));
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  const auto names = split(line, ',');
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < names.size(); ++i) col[names[i]] = i;
  for (const char* c : {"policy", "tier", "sizes", "memory", "ram_hits", "pool_faults", "swap_faults"})
    ASSERT_TRUE(col.count(c)) << c << " missing in " << line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(csv, line))
    if (!line.empty()) rows.push_back(split(line, ','));

  ReplayRequest req;
  req.capture_path = path;
  req.policies = policies;
  req.memory = memory;
  req.tiers = tiers;
  auto job = ReplayJob::start(req);
  ASSERT_TRUE(job) << job.error().message;
  Result<ReplayResults> res = Error{"not run"};
  for (int i = 0; i < 600 && !(*job)->done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  res = (*job)->take_results();
  ASSERT_TRUE(res) << res.error().message;

  ASSERT_EQ(res->rows.size(), rows.size()) << slurp(out);
  ASSERT_EQ(rows.size(), 3u * 3u * 4u);
  uint64_t pool_faults = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const ReplayRow& row = res->rows[i];
    SCOPED_TRACE(line = r[col["policy"]] + " " + r[col["memory"]] + " " + r[col["tier"]]);
    EXPECT_EQ(row.policy, r[col["policy"]]);
    EXPECT_EQ(row.tier, r[col["tier"]]);
    EXPECT_EQ(format_bytes(row.memory_bytes), r[col["memory"]]);
    EXPECT_EQ(std::to_string(row.references - row.faults), r[col["ram_hits"]]);
    ASSERT_TRUE(row.pool_faults && row.swap_faults);
    EXPECT_EQ(std::to_string(*row.pool_faults), r[col["pool_faults"]]);
    EXPECT_EQ(std::to_string(*row.swap_faults), r[col["swap_faults"]]);
    // The sizes came from the samples (the case the TUI used to miss).
    if (row.tier != "none") {
      EXPECT_EQ(r[col["sizes"]].rfind("sampled", 0), 0u) << r[col["sizes"]];
    }
    pool_faults += *row.pool_faults;
  }
  EXPECT_GT(pool_faults, 0u);  // the plan exercises the tiers
  std::remove(out.c_str());
  unlink(path.c_str());
}

}  // namespace
