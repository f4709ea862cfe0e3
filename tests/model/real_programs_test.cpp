// Against the kernel, with the real tracer (root only):
// - accessed-bit working sets (`record --wss-interval`) of ps-working-set,
//   whose working set is known, phase by phase;
// - programs that are not ours (python3, sort, g++) recorded with periodic
//   maps snapshots: the model's layout at each process's last snapshot must
//   be the kernel's.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "inspector/model/address_space.h"
#include "inspector/model/capture_replay.h"
#include "inspector/model/maps_parser.h"
#include "inspector/model/sampled_working_set.h"
#include "inspector/model/space_tracker.h"
#include "tests/support/root.h"

using namespace pagescope;
using namespace pagescope::model;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kBin = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";

// Empty when the recorder can run here, else why not.
std::string why_no_recorder() {
  if (std::string why = root_skip_reason("the BPF tracer"); !why.empty()) return why;
  if (std::system((kBin + " record --help 2>&1 | grep -q -- '--wss-interval'").c_str()) != 0) {
    return kBin + " has no `record --wss-interval`";
  }
  return "";
}

std::string temp_dir() {
  char tmpl[] = "/tmp/pagescope-real-XXXXXX";
  return mkdtemp(tmpl) ? tmpl : "";
}

// Every record of a capture, in time order (per-CPU buffers interleave slightly).
std::vector<std::vector<char>> load_sorted(const std::string& capture) {
  std::vector<std::vector<char>> out;
  auto run = replay_capture(capture, [&](const ps_header& h) {
    out.emplace_back(reinterpret_cast<const char*>(&h), reinterpret_cast<const char*>(&h) + h.size);
  });
  EXPECT_TRUE(run.ok()) << run.error().message;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return reinterpret_cast<const ps_header*>(a.data())->ts_ns <
           reinterpret_cast<const ps_header*>(b.data())->ts_ns;
  });
  return out;
}

// ps-working-set's REPORT: "pid N", then "key a b" lines (regions, phases).
std::map<std::string, std::pair<uint64_t, uint64_t>> read_working_set_report(const std::string& path,
                                                                             uint32_t& pid) {
  std::map<std::string, std::pair<uint64_t, uint64_t>> rep;
  std::istringstream in(slurp(path));
  std::string key;
  uint64_t a = 0, b = 0;
  pid = 0;
  if (!(in >> key >> pid) || key != "pid") pid = 0;
  while (in >> key >> a >> b) rep[key] = {a, b};
  return rep;
}

const ps_header& hdr(const std::vector<char>& r) { return *reinterpret_cast<const ps_header*>(r.data()); }

}  // namespace

// x86 does not flush the TLB when clear_refs "1" clears the accessed bits, so
// a page whose translation stays cached is not re-marked when touched again.
// Even these sets (5000 and 12000 pages, larger than the L1 TLB) were seen
// at ~1% on an idle machine (the L2 TLB holds thousands of entries); the
// sampler now writes "4" after "1", which flushes the process's TLB.
TEST(RealPrograms, AccessedBitWorkingSetMatchesEachPhase) {
  const std::string why = why_no_recorder();
  if (!why.empty()) GTEST_SKIP() << why;
  const std::string workload = std::string(PAGESCOPE_BINARY_DIR) + "/workloads/ps-working-set";
  if (access(workload.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << workload;
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string capture = dir + "/wss.psc";
  const std::string report = dir + "/report.txt";
  const uint64_t k1 = 5000, k2 = 12000;
  const std::string cmd = kBin + " record --wss-interval 1s -o " + capture + " -- " + workload + " " +
                          std::to_string(k1) + " " + std::to_string(k2) + " 3 " + report + " >" +
                          dir + "/record.log 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd << "\n" << slurp(dir + "/record.log");

  uint32_t pid = 0;
  auto rep = read_working_set_report(report, pid);
  ASSERT_NE(pid, 0u) << slurp(report);
  ASSERT_EQ(rep.size(), 4u) << slurp(report);

  SmapsSampler sampler(pid);
  for (const auto& r : load_sorted(capture)) sampler.apply(hdr(r));
  ASSERT_EQ(sampler.bad_samples(), 0u) << sampler.last_error();
  ASSERT_GE(sampler.samples().size(), 4u);
  const uint64_t r1 = rep["region1"].first, r2 = rep["region2"].first;
  const uint64_t r1_end = r1 + rep["region1"].second, r2_end = r2 + rep["region2"].second;
  int inside[3] = {0, 0, 0};
  for (const WssSample& s : sampler.samples()) {
    if (s.interval_ns == 0) continue;
    const uint64_t from = s.t_ns - s.interval_ns;
    int phase = 0;
    if (from >= rep["phase1"].first && s.t_ns <= rep["phase1"].second) phase = 1;
    if (from >= rep["phase2"].first && s.t_ns <= rep["phase2"].second) phase = 2;
    if (phase == 0) continue;
    ++inside[phase];
    const uint64_t pages = (referenced_in(s, r1, r1_end) + referenced_in(s, r2, r2_end)) / 4096;
    const uint64_t want = phase == 1 ? k1 : k2;
    std::printf("phase %d sample at +%.3f s: %llu referenced pages of the two mappings (want %llu, "
                "%.2f%%)\n", phase, double(s.t_ns - rep["phase1"].first) / 1e9,
                (unsigned long long)pages, (unsigned long long)want, 100.0 * double(pages) / double(want));
    EXPECT_NEAR(double(pages), double(want), 0.05 * double(want)) << "phase " << phase;
  }
  EXPECT_GE(inside[1], 1) << "no sample interval inside phase 1";
  EXPECT_GE(inside[2], 1) << "no sample interval inside phase 2";
  std::system(("rm -rf " + dir).c_str());
}

// Issue 17.4 for --wss-interval: a 1000-page set written over and over stays
// in the TLB; with "1" alone an idle machine showed almost none of it after
// the first interval. Every sample inside a phase must show >= 95%.
TEST(RealPrograms, SmapsWorkingSetSeesAHotSetThatStaysInTheTlb) {
  const std::string why = why_no_recorder();
  if (!why.empty()) GTEST_SKIP() << why;
  const std::string workload = std::string(PAGESCOPE_BINARY_DIR) + "/workloads/ps-working-set";
  if (access(workload.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << workload;
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string capture = dir + "/wss.psc";
  const std::string report = dir + "/report.txt";
  const uint64_t k = 1000;
  const std::string cmd = kBin + " record --wss-interval 250ms -o " + capture + " -- " + workload +
                          " " + std::to_string(k) + " " + std::to_string(k) + " 2 " + report +
                          " >" + dir + "/record.log 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd << "\n" << slurp(dir + "/record.log");
  EXPECT_NE(slurp(dir + "/record.log").find("TLB flushed after each clear"), std::string::npos)
      << slurp(dir + "/record.log");

  uint32_t pid = 0;
  auto rep = read_working_set_report(report, pid);
  ASSERT_NE(pid, 0u) << slurp(report);
  ASSERT_EQ(rep.size(), 4u) << slurp(report);

  SmapsSampler sampler(pid);
  for (const auto& r : load_sorted(capture)) sampler.apply(hdr(r));
  ASSERT_EQ(sampler.bad_samples(), 0u) << sampler.last_error();
  int inside[3] = {0, 0, 0};
  for (const WssSample& s : sampler.samples()) {
    if (s.interval_ns == 0) continue;
    const uint64_t from = s.t_ns - s.interval_ns;
    for (int p = 1; p <= 2; ++p) {
      const auto [begin, end] = rep["phase" + std::to_string(p)];
      if (from < begin || s.t_ns > end) continue;
      ++inside[p];
      const uint64_t lo = rep["region" + std::to_string(p)].first;
      const uint64_t pages = referenced_in(s, lo, lo + k * 4096) / 4096;
      std::printf("phase %d sample at +%.3f s: %llu of %llu pages referenced\n", p,
                  double(s.t_ns - rep["phase1"].first) / 1e9, (unsigned long long)pages,
                  (unsigned long long)k);
      EXPECT_GE(double(pages), 0.95 * double(k)) << "phase " << p;
    }
  }
  EXPECT_GE(inside[1], 3) << "2 s phases sampled every 250 ms";
  EXPECT_GE(inside[2], 3) << "2 s phases sampled every 250 ms";
  std::system(("rm -rf " + dir).c_str());
}

namespace {

// Replays records[0, snap) and then, one at a time, the memory syscalls of
// `pid` recorded after the snapshot at `snap` that had ENTERED the kernel by
// 5 ms after it (exit stamp minus duration: a brk that gives back 256 MB
// takes 12 ms); names the records applied when the model first equals
// `kernel`, else "".
std::string matches_after_inflight(const std::vector<std::vector<char>>& records, size_t snap, uint32_t pid,
                                   const std::vector<Vma>& kernel) {
  SpaceTracker t;
  for (size_t i = 0; i < snap; ++i) t.apply(hdr(records[i]));
  const uint64_t read_end = hdr(records[snap]).ts_ns + 5'000'000;
  int applied = 0;
  for (size_t i = snap + 1; i < records.size() && hdr(records[i]).ts_ns <= read_end + 100'000'000; ++i) {
    const ps_header& h = hdr(records[i]);
    if (h.pid != pid || h.kind < PS_EV_MMAP || h.kind > PS_EV_SHMDT) continue;
    if (h.ts_ns - reinterpret_cast<const ps_mm_syscall&>(h).duration_ns > read_end) continue;
    t.apply(h);
    ++applied;
    const ProcessSpace* ps = t.find(pid);
    if (ps && layout_difference(ps->space.vmas(), kernel).empty()) {
      return std::to_string(applied) + " later syscall record(s) are applied";
    }
  }
  return "";
}

// The memory syscalls of `pid` within 50 ms of the record at `snap`, for a failure message.
std::string syscalls_around(const std::vector<std::vector<char>>& records, size_t snap, uint32_t pid) {
  const int64_t t0 = int64_t(hdr(records[snap]).ts_ns);
  std::string out = "memory syscalls around the snapshot (ms from it, kind, ret, duration us):\n";
  uint64_t last_brk = 0;
  for (const auto& r : records) {
    const ps_header& h = hdr(r);
    const int64_t dt = int64_t(h.ts_ns) - t0;
    if (h.pid != pid || h.kind < PS_EV_MMAP || h.kind > PS_EV_SHMDT || dt < -300'000'000 || dt > 50'000'000) continue;
    const auto& s = reinterpret_cast<const ps_mm_syscall&>(h);
    // python3 makes thousands of brk calls: show the growing ones only near the snapshot.
    const bool grows = h.kind == PS_EV_BRK && uint64_t(s.ret) == s.args[0] && uint64_t(s.ret) > last_brk;
    if (h.kind == PS_EV_BRK) last_brk = uint64_t(s.ret);
    if (grows && (dt < -2'000'000 || dt > 2'000'000)) continue;
    char line[160];
    std::snprintf(line, sizeof line, "  %+.3f kind %u ret %llx args %llx %llx %llx %llx dur %.1f\n", double(dt) / 1e6,
                  unsigned(h.kind), (unsigned long long)s.ret, (unsigned long long)s.args[0],
                  (unsigned long long)s.args[1], (unsigned long long)s.args[2], (unsigned long long)s.args[3],
                  double(s.duration_ns) / 1e3);
    out += line;
  }
  return out;
}

// Records `command` with maps snapshots every 200ms; for every process whose
// last snapshot came while it was alive, compares the model's layout just
// before that snapshot with the snapshot. Returns the number compared.
// With `mismatches`, differences are collected there instead of failing the test.
int compare_last_snapshots(const std::string& dir, const std::string& command, const std::string& name,
                           std::vector<std::string>* mismatches = nullptr) {
  const std::string capture = dir + "/" + name + ".psc";
  const std::string cmd = kBin + " record --maps-interval 200ms -o " + capture + " -- " + command +
                          " >" + dir + "/" + name + ".log 2>&1";
  const int rc = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd << "\n" << slurp(dir + "/" + name + ".log");
  const auto records = load_sorted(capture);
  // The index of each process's last maps snapshot.
  std::map<uint32_t, size_t> last;
  for (size_t i = 0; i < records.size(); ++i) {
    const ps_header& h = hdr(records[i]);
    if (h.kind == PS_EV_PROC_FILE && reinterpret_cast<const ps_proc_file&>(h).which == PS_PROC_MAPS) {
      last[h.pid] = i;
    }
  }
  EXPECT_FALSE(last.empty()) << name << ": no maps snapshot in the capture";
  SpaceTracker tracker;
  int compared = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const ps_header& h = hdr(records[i]);
    auto it = last.find(h.pid);
    if (it != last.end() && it->second == i) {
      const ProcessSpace* ps = tracker.find(h.pid);
      const auto& f = reinterpret_cast<const ps_proc_file&>(h);
      auto kernel = parse_maps(std::string_view(reinterpret_cast<const char*>(&f + 1), f.length));
      EXPECT_TRUE(kernel.ok()) << kernel.error().message;
      if (ps && !ps->exited && ps->space.seeded() && kernel.ok()) {
        // An uncertain model is not a wrong one: say so rather than compare.
        if (ps->space.uncertain()) {
          std::printf("%s pid %u: model uncertain at its last snapshot (events not seen), not compared\n",
                      name.c_str(), h.pid);
        } else {
          std::string diff = layout_difference(ps->space.vmas(), kernel.value());
          // Expected sub-case: the recorder stamps a snapshot BEFORE reading it,
          // and a syscall's record is stamped at its exit, after the change. A
          // syscall in flight during the read (python3 moves brk hundreds of
          // times a second; its final heap trim runs 12 ms) is in the text but
          // after the snapshot in time. Accept the model state after those
          // records, and say so.
          if (!diff.empty()) {
            const std::string raced = matches_after_inflight(records, i, h.pid, kernel.value());
            if (!raced.empty()) {
              std::printf("%s pid %u: last snapshot matches once %s (in flight during the read)\n",
                          name.c_str(), h.pid, raced.c_str());
              diff.clear();
            }
          }
          if (mismatches) {
            if (!diff.empty()) mismatches->push_back(name + " pid " + std::to_string(h.pid) + ": " + diff);
          } else {
            EXPECT_EQ(diff, "") << name << " pid " << h.pid << " at its last snapshot\n"
                                << syscalls_around(records, i, h.pid);
          }
          ++compared;
        }
      }
    }
    tracker.apply(h);
  }
  for (const auto& [pid, index] : last) {
    const ProcessSpace* ps = tracker.find(pid);
    if (!ps) continue;
    std::printf("%s pid %u: %u snapshots, %u compared by the tracker, %u mismatches%s%s\n", name.c_str(),
                pid, ps->snapshots, ps->snapshots_compared, ps->snapshot_mismatches,
                ps->last_mismatch.empty() ? "" : "; last: ", ps->last_mismatch.c_str());
    // The tracker counts every snapshot, racing ones included (see above); the
    // explicit comparison at the last snapshot is the assertion.
  }
  EXPECT_EQ(tracker.lost_events(), 0u) << name;
  return compared;
}

}  // namespace

// Known model gap (docs/inspector.md): which VMAs share an anon_vma is not
// carried across snapshots, so two anonymous regions written separately and
// later joined by an mmap in their gap are merged by the model and not by the
// kernel (python3's arenas: about 1 run in 20; cc1plus's 2 MiB chunks: about
// 1 in 4 on a loaded machine). A mismatch gets one more recording, which must
// match.
int compare_retrying_once(const std::string& dir, const std::string& command, const std::string& name) {
  std::vector<std::string> mismatches;
  int n = compare_last_snapshots(dir, command, name, &mismatches);
  if (mismatches.empty()) return n;
  std::printf("%s: first recording mismatched (%s); recording again\n", name.c_str(), mismatches[0].c_str());
  mismatches.clear();
  n = compare_last_snapshots(dir, command, name + "-again", &mismatches);
  EXPECT_TRUE(mismatches.empty()) << mismatches.front();
  return n;
}

TEST(RealPrograms, ModelMatchesTheLastMapsSnapshotOfPythonSortAndGcc) {
  const std::string why = why_no_recorder();
  if (!why.empty()) GTEST_SKIP() << why;
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  int compared = 0;
  if (access("/usr/bin/python3", X_OK) == 0) {
    const std::string py =
        "import time\n"
        "end = time.time() + 1.0\n"
        "while time.time() < end:\n"
        "    a = [bytearray(4096 * (i % 64 + 1)) for i in range(2000)]\n"
        "    b = list(range(200000))\n"
        "    del a, b\n";
    std::ofstream(dir + "/alloc.py") << py;
    compared += compare_retrying_once(dir, "/usr/bin/python3 " + dir + "/alloc.py", "python3");
  }
  // ~20 MB of random lines.
  const std::string input = dir + "/lines.txt";
  ASSERT_EQ(std::system(("head -c 15000000 /dev/urandom | base64 -w 40 > " + input).c_str()), 0);
  compared += compare_retrying_once(dir, "/usr/bin/sort -o " + dir + "/sorted.txt " + input, "sort");
  if (access("/usr/bin/g++", X_OK) == 0) {
    std::ofstream(dir + "/small.cpp") << "#include <map>\n#include <string>\n#include <vector>\n"
                                         "int f() { std::map<std::string, std::vector<int>> m;\n"
                                         "  m[\"a\"].push_back(1); return int(m.size()); }\n";
    compared += compare_retrying_once(dir, "/usr/bin/g++ -c -o " + dir + "/small.o " + dir + "/small.cpp", "g++");
  }
  EXPECT_GE(compared, 2) << "too few processes alive at their last snapshot to compare";
  std::system(("rm -rf " + dir).c_str());
}
