// record --access-interval against workloads that know which pages they
// touched when (ps-access-phases writes a log): the bitmaps must contain each
// phase's pages, only those, written pages dirty, huge pages at their size;
// moving targets must not crash or stall the recorder; without the
// privileges the walk needs, a note and a capture without samples.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/live/live_support.h"
#include "events.h"

namespace pagescope::testing {
namespace {

std::string workload() { return binary("workloads/ps-access-phases"); }

struct Phase {
  uint64_t addr = 0;
  size_t pages = 0;
  uint64_t begin_ns = 0, end_ns = 0;
};

struct PhaseLog {
  uint64_t region = 0;
  size_t region_bytes = 0;
  std::vector<Phase> phases;
  std::vector<unsigned long> thp_kb;
};

PhaseLog read_log(const std::string& path) {
  PhaseLog log;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream w(line);
    std::string key;
    w >> key;
    if (key == "region") {
      w >> std::hex >> log.region >> std::dec >> log.region_bytes;
    } else if (key == "phase") {
      Phase p;
      int k;
      w >> k >> std::hex >> p.addr >> std::dec >> p.pages >> p.begin_ns >> p.end_ns;
      log.phases.push_back(p);
    } else if (key == "thp_kb") {
      unsigned long kb;
      w >> kb;
      log.thp_kb.push_back(kb);
    }
  }
  return log;
}

// One interval of one process: its closing record and its bits records.
struct Interval {
  const ps_access_interval* rec = nullptr;
  std::vector<const ps_access_bits*> bits;
};

bool bit(const ps_access_bits* b, int which, uint32_t i) {
  size_t words = (b->pages + 63) / 64;
  auto* w = reinterpret_cast<const uint64_t*>(b + 1) + which * words;
  return (w[i / 64] >> (i % 64)) & 1;
}
constexpr int kPresent = 0, kAccessed = 1, kDirty = 2;

std::vector<Interval> intervals_of(const Capture& c, uint32_t pid) {
  std::map<uint64_t, Interval> by_ts;
  for (auto* r : c.of_kind<ps_access_interval>(PS_EV_ACCESS_INTERVAL)) {
    if (r->hdr.pid == pid) by_ts[r->hdr.ts_ns].rec = r;
  }
  for (auto* b : c.of_kind<ps_access_bits>(PS_EV_ACCESS_BITS)) {
    if (b->hdr.pid == pid) by_ts[b->hdr.ts_ns].bits.push_back(b);
  }
  std::vector<Interval> out;
  for (auto& [ts, iv] : by_ts) {
    EXPECT_NE(iv.rec, nullptr) << "bits records at " << ts << " without an interval record";
    if (iv.rec) out.push_back(iv);
  }
  return out;
}

// Calls fn(address, present, accessed, dirty) for every 4 KiB page of every
// 4 KiB-page record of `iv` in [lo, hi).
template <typename Fn>
void for_each_page(const Interval& iv, uint64_t lo, uint64_t hi, Fn fn) {
  for (auto* b : iv.bits) {
    if (b->page_shift != 12) continue;
    for (uint32_t i = 0; i < b->pages; ++i) {
      uint64_t a = b->start + (static_cast<uint64_t>(i) << 12);
      if (a < lo || a >= hi) continue;
      fn(a, bit(b, kPresent, i), bit(b, kAccessed, i), bit(b, kDirty, i));
    }
  }
}

uint32_t command_pid(const Capture& c) {
  for (auto* t : c.of_kind<ps_target>(PS_EV_TARGET)) return t->hdr.pid;
  return 0;
}

class AccessSampling : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_KERNEL();
    if (access(workload().c_str(), X_OK) != 0) GTEST_SKIP() << "ps-access-phases not built";
    dir_ = temp_dir();
  }
  void TearDown() override {
    if (!dir_.empty()) run("rm -rf " + dir_);
  }
  RunResult record(const std::string& interval, const std::string& args,
                   const std::string& prefix = "") {
    return run(prefix + pagescope_bin() + " record -o " + dir_ + "/run.psc --access-interval " +
               interval + " -- " + workload() + " " + args);
  }
  std::string dir_;
};

TEST_F(AccessSampling, PhasesAreSeenInTheirIntervalsAndNowhereElse) {
  auto r = record("500ms", "--log " + dir_ + "/log --phase 1000 --phase 3000 --sleep 1300");
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  EXPECT_NE(r.output.find("access sampling:"), std::string::npos) << r.output;
  PhaseLog log = read_log(dir_ + "/log");
  ASSERT_EQ(log.phases.size(), 2u);
  Capture c = read_capture(dir_ + "/run.psc");
  uint32_t pid = command_pid(c);
  ASSERT_NE(pid, 0u);
  auto intervals = intervals_of(c, pid);
  // 1.3 s before, between and after the phases: about 8 intervals of 500 ms.
  ASSERT_GE(intervals.size(), 6u);

  const uint64_t region_end = log.region + log.region_bytes;
  for (size_t k = 0; k < log.phases.size(); ++k) {
    const Phase& ph = log.phases[k];
    const uint64_t lo = ph.addr, hi = ph.addr + ph.pages * 4096;
    std::vector<char> seen(ph.pages, 0), dirty(ph.pages, 0);
    size_t covering = 0, outside = 0;
    for (const auto& iv : intervals) {
      // Intervals that overlap the phase's touches.
      if (iv.rec->begin_ns > ph.end_ns || iv.rec->hdr.ts_ns < ph.begin_ns) continue;
      ++covering;
      for_each_page(iv, log.region, region_end, [&](uint64_t a, bool, bool acc, bool d) {
        if (a >= lo && a < hi) {
          seen[(a - lo) / 4096] |= acc;
          dirty[(a - lo) / 4096] |= d;
        } else if (acc) {
          ++outside;
        }
      });
    }
    ASSERT_GE(covering, 1u) << "no interval covers phase " << k + 1;
    size_t recalled = 0, even = 0, even_dirty = 0, odd_dirty = 0;
    for (size_t i = 0; i < ph.pages; ++i) {
      recalled += seen[i];
      if (i % 2 == 0) {
        ++even;
        even_dirty += dirty[i];
      } else {
        odd_dirty += dirty[i];
      }
    }
    double recall = static_cast<double>(recalled) / ph.pages;
    std::printf("phase %zu: recall %.4f (%zu of %zu), %zu outside, %zu of %zu written dirty\n",
                k + 1, recall, recalled, ph.pages, outside, even_dirty, even);
    EXPECT_GE(recall, 0.95) << "phase " << k + 1 << ": " << recalled << " of " << ph.pages
                            << " touched pages marked accessed";
    // Speculative page walks may set an accessed bit just past a loop's end:
    // allow a handful, never the other phase's pages in bulk.
    EXPECT_LE(outside, 4u) << "phase " << k + 1 << ": pages of the region outside the phase "
                           << "marked accessed";
    EXPECT_GE(even_dirty, even * 95 / 100) << "phase " << k + 1 << ": written pages not dirty";
    EXPECT_EQ(odd_dirty, 0u) << "phase " << k + 1 << ": read-only pages (zero page) dirty";
  }

  // Quiet intervals (no phase touching) show nothing accessed in the region.
  for (const auto& iv : intervals) {
    bool quiet = true;
    for (const auto& ph : log.phases) {
      if (!(iv.rec->begin_ns > ph.end_ns || iv.rec->hdr.ts_ns < ph.begin_ns)) quiet = false;
    }
    if (!quiet) continue;
    size_t accessed = 0;
    for_each_page(iv, log.region, region_end, [&](uint64_t, bool, bool acc, bool) { accessed += acc; });
    EXPECT_LE(accessed, 4u) << "an interval with no phase touching shows region pages accessed";
  }

  // Interval totals agree with their bits records, which never overlap
  // (each page is reported once per interval); sources are named.
  for (const auto& iv : intervals) {
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    for (auto* b : iv.bits) {
      ranges.emplace_back(b->start, b->start + (static_cast<uint64_t>(b->pages) << b->page_shift));
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i) {
      EXPECT_LE(ranges[i - 1].second, ranges[i].first) << "two records cover the same page";
    }
    uint64_t present = 0, accessed = 0;
    for (auto* b : iv.bits) {
      EXPECT_EQ(b->source, PS_ACCESS_SRC_PTE_WALK);
      EXPECT_EQ(b->hdr.size, sizeof(ps_access_bits) + 3 * 8 * ((b->pages + 63) / 64));
      for (uint32_t i = 0; i < b->pages; ++i) {
        present += bit(b, kPresent, i) ? (1ull << (b->page_shift - 12)) : 0;
        accessed += bit(b, kAccessed, i) ? (1ull << (b->page_shift - 12)) : 0;
        EXPECT_TRUE(bit(b, kPresent, i) || !bit(b, kAccessed, i)) << "accessed but not present";
      }
    }
    EXPECT_EQ(iv.rec->pages_present, present);
    EXPECT_EQ(iv.rec->pages_accessed, accessed);
    EXPECT_EQ(iv.rec->source, static_cast<uint32_t>(PS_ACCESS_SRC_PTE_WALK));
    EXPECT_LT(iv.rec->begin_ns, iv.rec->hdr.ts_ns);
    EXPECT_GT(iv.rec->walk_ns, 0u);
  }
}

// Issue 17.4: a hot set small enough to stay in the TLB, written over and
// over. clear_refs "1" alone clears the accessed bits without flushing the
// TLB, so on an idle machine (nothing else switching the CPU away) the pages
// whose translations stay cached were never marked again: 0-53% recall per
// interval here. The sampler flushes the process's TLB after each clear
// (clear_refs "4"); every interval inside a phase must see >= 95% of the set.
TEST_F(AccessSampling, HotSetThatStaysInTheTlbIsSeenInEveryInterval) {
  const std::string ws = binary("workloads/ps-working-set");
  if (access(ws.c_str(), X_OK) != 0) GTEST_SKIP() << "ps-working-set not built";
  constexpr uint64_t kPages = 1000;
  auto r = run(pagescope_bin() + " record -o " + dir_ + "/run.psc --access-interval 200ms -- " +
               ws + " " + std::to_string(kPages) + " " + std::to_string(kPages) + " 2 " + dir_ +
               "/report.txt");
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  ASSERT_NE(r.output.find("TLB flushed after each clear"), std::string::npos) << r.output;
  std::map<std::string, std::pair<uint64_t, uint64_t>> rep;
  std::ifstream in(dir_ + "/report.txt");
  std::string key;
  uint64_t a = 0, b = 0;
  uint32_t pid = 0;
  in >> key >> pid;
  ASSERT_EQ(key, "pid");
  while (in >> key >> a >> b) rep[key] = {a, b};
  ASSERT_EQ(rep.size(), 4u);
  Capture c = read_capture(dir_ + "/run.psc");
  auto intervals = intervals_of(c, pid);
  for (int k = 1; k <= 2; ++k) {
    const uint64_t lo = rep["region" + std::to_string(k)].first, hi = lo + kPages * 4096;
    const auto [begin, end] = rep["phase" + std::to_string(k)];
    int inside = 0;
    for (const auto& iv : intervals) {
      if (iv.rec->begin_ns < begin || iv.rec->hdr.ts_ns > end) continue;  // wholly inside only
      ++inside;
      size_t accessed = 0;
      for_each_page(iv, lo, hi, [&](uint64_t, bool, bool acc, bool) { accessed += acc; });
      const double recall = double(accessed) / double(kPages);
      std::printf("phase %d interval ending +%.3f s: %zu of %llu accessed (recall %.3f)\n", k,
                  double(iv.rec->hdr.ts_ns - rep["phase1"].first) / 1e9, accessed,
                  (unsigned long long)kPages, recall);
      EXPECT_GE(recall, 0.95) << "phase " << k;
    }
    EXPECT_GE(inside, 4) << "phase " << k << ": 2 s at 200 ms intervals";
  }
  // The flush's side effect is visible: without soft-dirty tracking it adds
  // no fault (the workload's pages fault once, when first written); with it,
  // each page written after a flush takes one write-protect fault, and the
  // summary line says so.
  size_t faults = 0, wp_faults = 0;
  const uint64_t r1 = rep["region1"].first, r2 = rep["region2"].first;
  for (auto* f : c.of_kind<ps_fault>(PS_EV_FAULT)) {
    if (f->hdr.pid != pid) continue;
    const uint64_t page = f->address & ~4095ull;
    if (!((page >= r1 && page < r1 + kPages * 4096) || (page >= r2 && page < r2 + kPages * 4096))) continue;
    ++faults;
    wp_faults += (f->error_code & (PS_PF_PROT | PS_PF_WRITE)) == (PS_PF_PROT | PS_PF_WRITE);
  }
  std::printf("faults in the two hot sets: %zu (%zu write-protect)\n", faults, wp_faults);
  if (r.output.find("soft-dirty tracking is on") != std::string::npos) {
    EXPECT_GE(wp_faults, 2 * kPages) << "soft-dirty kernel: flushes write-protect the written pages";
  } else {
    EXPECT_NE(r.output.find("no extra faults"), std::string::npos) << r.output;
    EXPECT_LE(faults, 2 * kPages + 8) << "the flush added faults";
    EXPECT_EQ(wp_faults, 0u);
  }
}

// Restores /sys/kernel/mm/transparent_hugepage/enabled on scope exit.
class ThpMode {
 public:
  explicit ThpMode(const std::string& mode) {
    std::ifstream in(kPath);
    std::string line;
    std::getline(in, line);
    auto open = line.find('['), close = line.find(']');
    if (open != std::string::npos && close != std::string::npos) {
      saved_ = line.substr(open + 1, close - open - 1);
    }
    ok_ = set(mode);
  }
  ~ThpMode() {
    if (!saved_.empty()) set(saved_);
  }
  bool ok() const { return ok_; }

 private:
  static bool set(const std::string& mode) {
    std::ofstream out(kPath);
    out << mode;
    out.flush();
    return static_cast<bool>(out);
  }
  static constexpr const char* kPath = "/sys/kernel/mm/transparent_hugepage/enabled";
  std::string saved_;
  bool ok_ = false;
};

// Whether a DAMON kdamond is running (kdamonds/N/state "on").
bool running_kdamond() {
  const std::string dir = "/sys/kernel/mm/damon/admin/kdamonds/";
  std::ifstream count(dir + "nr_kdamonds");
  int n = 0;
  count >> n;
  for (int k = 0; k < n; ++k) {
    std::ifstream state(dir + std::to_string(k) + "/state");
    std::string word;
    if (state >> word && word == "on") return true;
  }
  return false;
}

void expect_huge_pages_reported(const std::string& dir, const std::string& output) {
  PhaseLog log = read_log(dir + "/log");
  ASSERT_EQ(log.phases.size(), 1u) << output;
  ASSERT_EQ(log.thp_kb.size(), 1u);
  if (log.thp_kb[0] < 2048) GTEST_SKIP() << "the kernel gave the workload no huge page";
  Capture c = read_capture(dir + "/run.psc");
  uint32_t pid = command_pid(c);
  const Phase& ph = log.phases[0];
  const uint64_t lo = ph.addr, hi = ph.addr + ph.pages * 4096;
  size_t huge_accessed = 0, most_present = 0, most_dirty = 0;
  for (const auto& iv : intervals_of(c, pid)) {
    size_t present = 0, dirty = 0;
    for (auto* b : iv.bits) {
      uint64_t end = b->start + (static_cast<uint64_t>(b->pages) << b->page_shift);
      if (b->page_shift != 21) {
        // The phase's pages are all in huge mappings: no 4 KiB page of it.
        for (uint32_t i = 0; i < b->pages; ++i) {
          uint64_t a = b->start + (static_cast<uint64_t>(i) << b->page_shift);
          if (a >= lo && a < hi && bit(b, kPresent, i)) ADD_FAILURE() << "4 KiB page in a THP";
        }
        continue;
      }
      EXPECT_EQ(b->start % (2u << 20), 0u) << "a huge page not at a 2 MiB boundary";
      if (end <= lo || b->start >= hi) continue;
      for (uint32_t i = 0; i < b->pages; ++i) {
        present += bit(b, kPresent, i);
        dirty += bit(b, kDirty, i);
        huge_accessed += bit(b, kAccessed, i);
      }
    }
    most_present = std::max(most_present, present);
    most_dirty = std::max(most_dirty, dirty);
  }
  // AnonHugePages says how many the workload got; each shows up at its size,
  // dirty (written), and the phase's touches are seen. (Accessed is not
  // counted per page: a touch between a page's read and the next clear_refs
  // is lost, see docs/access-sampling.md, and THP zeroing makes touches slow.)
  size_t expected = std::min<size_t>(log.thp_kb[0] / 2048, ph.pages / 512);
  std::printf("huge pages: %zu expected, %zu present, %zu dirty, %zu accessed sightings\n",
              expected, most_present, most_dirty, huge_accessed);
  EXPECT_EQ(most_present, expected);
  EXPECT_EQ(most_dirty, expected);
  // A running kdamond clears accessed bits too (without a TLB flush) and its
  // regions sample each 2 MiB page every few ms: the sighting can be lost to
  // it (seen in CI: 0 sightings with kdamond.0 paddr on). record must say so.
  if (running_kdamond()) {
    EXPECT_NE(output.find("note: access_bits: kdamond."), std::string::npos) << output;
    if (huge_accessed == 0) std::printf("no accessed sighting: a kdamond shares the bits\n");
  } else {
    EXPECT_GE(huge_accessed, 1u);
  }
}

TEST_F(AccessSampling, TransparentHugePagesMadviseAreReportedAtTheirSize) {
  ThpMode thp("madvise");
  if (!thp.ok()) GTEST_SKIP() << "cannot set transparent_hugepage/enabled";
  auto r = record("500ms", "--log " + dir_ + "/log --phase 2048 --sleep 1300 --thp");
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  expect_huge_pages_reported(dir_, r.output);
}

TEST_F(AccessSampling, TransparentHugePagesAlwaysAreReportedAtTheirSize) {
  ThpMode thp("always");
  if (!thp.ok()) GTEST_SKIP() << "cannot set transparent_hugepage/enabled";
  auto r = record("500ms", "--log " + dir_ + "/log --phase 2048 --sleep 1300 --thp");
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  expect_huge_pages_reported(dir_, r.output);
}

TEST_F(AccessSampling, ProcessesThatUnmapAndExitDuringWalksDoNotStallTheRecorder) {
  // 100 ms intervals over 4 s of mmap/touch/munmap and short-lived children.
  auto t0 = std::chrono::steady_clock::now();
  auto r = record("100ms", "--churn 4");
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  EXPECT_LT(s, 15.0) << "the recorder took far longer than the workload";
  Capture c = read_capture(dir_ + "/run.psc");
  uint32_t pid = command_pid(c);
  auto intervals = intervals_of(c, pid);
  EXPECT_GE(intervals.size(), 20u) << "about one interval per 100 ms expected";
  // The recorder's own summary names the sampler's cost.
  EXPECT_NE(r.output.find("access sampling:"), std::string::npos) << r.output;
  // Every process the recorder followed exited: a capture was still closed
  // properly and the workload's exit was seen.
  EXPECT_FALSE(c.of_kind<ps_exit>(PS_EV_EXIT).empty());
}

TEST_F(AccessSampling, WithoutPhysicalAddressesRecordsWithoutSamples) {
  // Without CAP_SYS_ADMIN, /proc/self/pagemap hides frame numbers: the direct
  // map cannot be found, so the sampler is left out with a note while the
  // rest of the recording (BPF with CAP_BPF + CAP_PERFMON) goes on.
  if (run("command -v setpriv").exit_code() != 0) GTEST_SKIP() << "setpriv missing";
  auto r = record("500ms", "--log " + dir_ + "/log --phase 100 --sleep 600",
                  "setpriv --bounding-set -sys_admin --inh-caps -sys_admin -- ");
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  // One line naming the missing source and why (the sources table of README.md).
  EXPECT_NE(r.output.find("missing source access_bits: no accessed-bit samples"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("pagemap"), std::string::npos) << r.output;
  Capture c = read_capture(dir_ + "/run.psc");
  EXPECT_TRUE(c.of_kind<ps_access_bits>(PS_EV_ACCESS_BITS).empty());
  EXPECT_TRUE(c.of_kind<ps_access_interval>(PS_EV_ACCESS_INTERVAL).empty());
  EXPECT_FALSE(c.of_kind<ps_fault>(PS_EV_FAULT).empty()) << "the recording itself went on";
}

}  // namespace
}  // namespace pagescope::testing
