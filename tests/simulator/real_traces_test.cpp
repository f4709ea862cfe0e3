// The readers on real published traces (/work/shared/data/traces, see its
// README), and the simulator's properties on them. Expectations come from the
// files themselves (line counts, libCacheSim's own next-access field) and from
// first principles, never from numbers written down here.
#include <sys/stat.h>
#include <zlib.h>

#include <cstring>

#include "simulator/trace_file.h"
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

std::string trace_path(const std::string& name) {
  return std::string(PAGESCOPE_SOURCE_DIR) + "/../shared/data/traces/" + name;
}

bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

#define REQUIRE_TRACE(path) \
  if (!exists(path)) GTEST_SKIP() << path << " is absent (public test traces not installed)"

Trace load_or_die(const std::string& path, const std::string& format) {
  TraceFileOptions o;
  o.path = path;
  o.format = format;
  auto t = load_trace_file(o);
  EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
  return t.ok() ? std::move(t).value() : Trace{};
}

// Lines of a gzip'd text file, by an independent reader.
std::vector<std::string> gz_lines(const std::string& path) {
  std::vector<std::string> lines;
  gzFile f = gzopen(path.c_str(), "rb");
  char buf[4096];
  while (gzgets(f, buf, sizeof buf)) {
    std::string s(buf);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    lines.push_back(s);
  }
  gzclose(f);
  return lines;
}

// The checks every real trace gets: OPT below every policy, the one-pass LRU
// curve equal to LRU runs, LRU and OPT monotone in memory.
void check_properties(const Trace& t, const std::string& name) {
  auto d = lru_stack_distances(t);
  uint64_t prev_lru = UINT64_MAX, prev_opt = UINT64_MAX;
  for (double frac : {0.01, 0.05, 0.2, 0.5}) {
    uint32_t f = std::max<uint32_t>(2, uint32_t(frac * t.distinct_pages()));
    uint64_t opt = testing::run(t, "opt", f).faults;
    uint64_t lru = testing::run(t, "lru", f).faults;
    EXPECT_EQ(d.misses(f), lru) << name << " frames " << f;
    EXPECT_LE(lru, prev_lru) << name;
    EXPECT_LE(opt, prev_opt) << name;
    prev_lru = lru;
    prev_opt = opt;
    for (const auto& p : policies::all_policies()) {
      SimResult r = simulate(t, p, f, 1);
      EXPECT_LE(opt, r.faults) << name << " " << p.name << " frames " << f;
      EXPECT_EQ(r.cold_faults, t.distinct_pages()) << name << " " << p.name;
    }
  }
}

// SHARDS at 10% against the exact curve, over sizes >= 10/rate, three hash
// seeds: the stated bound (docs/simulator.md): mean absolute error < 0.03,
// no point off by more than 0.12.
void check_shards(const Trace& t, const std::string& name) {
  auto sizes = default_sizes(t.distinct_pages(), 30);
  auto exact = exact_lru_mrc(lru_stack_distances(t), sizes);
  double mean = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    ShardsConfig cfg;
    cfg.rate = 0.1;
    cfg.seed = seed;
    auto est = curve_from(shards(t, cfg), sizes, "shards");
    double sum = 0, worst = 0;
    int n = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (sizes[i] < 100) continue;
      double e = std::abs(est.points[i].miss_ratio - exact.points[i].miss_ratio);
      sum += e;
      worst = std::max(worst, e);
      ++n;
    }
    ASSERT_GT(n, 0);
    mean += sum / n / 3;
    EXPECT_LT(worst, 0.12) << name << " seed " << seed;
  }
  EXPECT_LT(mean, 0.03) << name;
}

class LirsTraces : public ::testing::TestWithParam<const char*> {};

TEST_P(LirsTraces, ReaderMatchesFileAndPropertiesHold) {
  std::string path = trace_path(std::string(GetParam()) + ".trace.gz");
  REQUIRE_TRACE(path);
  Trace t = load_or_die(path, "lirs");
  std::vector<uint64_t> expect;
  for (const auto& l : gz_lines(path))
    if (!l.empty() && l[0] != '*') expect.push_back(std::stoull(l));
  ASSERT_EQ(t.size(), expect.size());
  for (size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t.page_of[t.refs[i]], expect[i]) << i;
  check_properties(t, GetParam());
  if (t.distinct_pages() >= 5000) check_shards(t, GetParam());  // enough pages for a 10% sample
}

INSTANTIATE_TEST_SUITE_P(Published, LirsTraces,
                         ::testing::Values("cpp", "sprite", "multi2", "loop", "zigzag"));

TEST(RealTraces, GccAddressTrace) {
  std::string path = trace_path("gcc.trace.gz");
  REQUIRE_TRACE(path);
  Trace t = load_or_die(path, "gcc");
  auto lines = gz_lines(path);
  ASSERT_EQ(t.size(), lines.size());
  size_t stores = 0;
  for (size_t i = 0; i < lines.size(); i += 1) {
    bool store = lines[i][0] == 's';
    stores += store;
    ASSERT_EQ(t.writes[i] != 0, store) << i;
    if (i % 1000 == 0) {
      uint64_t addr = std::stoull(lines[i].substr(2), nullptr, 16);
      ASSERT_EQ(t.page_of[t.refs[i]], addr / 4096) << i;
    }
  }
  EXPECT_GT(stores, 0u);
  check_properties(t, "gcc");
  // Huge pages: a 2 MiB page holds 512 small ones, so there are fewer pages.
  TraceFileOptions o;
  o.path = path;
  o.format = "gcc";
  o.page_size = "2M";
  auto huge = load_trace_file(o);
  ASSERT_TRUE(huge.ok());
  EXPECT_LT(huge->distinct_pages(), t.distinct_pages());
}

TEST(RealTraces, OracleGeneralCloudPhysics) {
  std::string path = trace_path("cloudPhysicsIO.oracleGeneral.bin");
  REQUIRE_TRACE(path);
  Trace t = load_or_die(path, "oracle-general");
  struct stat st;
  stat(path.c_str(), &st);
  ASSERT_EQ(t.size(), size_t(st.st_size) / 24);
  // libCacheSim wrote next_access_vtime into every record (1-based virtual
  // time: record i is vtime i + 1): our ids must agree with it, the record it
  // points to names the same object.
  FILE* f = std::fopen(path.c_str(), "rb");
  std::vector<unsigned char> bytes(st.st_size);
  ASSERT_EQ(std::fread(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
  size_t checked = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    int64_t next;
    std::memcpy(&next, &bytes[i * 24 + 16], 8);
    if (next <= 0 || size_t(next) > t.size()) continue;
    ASSERT_EQ(t.refs[size_t(next) - 1], t.refs[i]) << "record " << i;
    ++checked;
  }
  EXPECT_GT(checked, t.size() / 10);
  check_properties(t, "cloudPhysics");
  check_shards(t, "cloudPhysics");
}

}  // namespace
}  // namespace pagescope::sim
