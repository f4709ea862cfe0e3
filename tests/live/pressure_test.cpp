// Pressure events against the kernel: a lab run (memory cgroup limit, zram
// swap) is recorded, and the capture's reclaim/swap records are checked
// against the kernel's own counters for the same interval.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "inspector/model/timeline.h"
#include "tests/live/live_support.h"

namespace pagescope::testing {
namespace {

uint64_t json_number(const std::string& json, const std::string& key) {
  size_t pos = json.find("\"" + key + "\":");
  if (pos == std::string::npos) return ~0ull;
  return std::strtoull(json.c_str() + pos + key.size() + 3, nullptr, 10);
}

uint64_t vmstat_value(std::string_view text, const std::string& key) {
  size_t pos = text.find("\n" + key + " ");
  if (pos == std::string_view::npos) return 0;
  return std::strtoull(std::string(text.substr(pos + key.size() + 2, 24)).c_str(), nullptr, 10);
}

std::string lab_skip_reason() {
  std::string why = kernel_skip_reason();
  if (!why.empty()) return why;
  if (access("/sys/class/zram-control", F_OK) != 0 && access("/dev/zram0", F_OK) != 0)
    return "no zram";
  if (access("/sys/fs/cgroup/memory/memory.limit_in_bytes", F_OK) != 0 &&
      access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) != 0)
    return "no memory cgroup";
  return "";
}

TEST(RecordPressure, LabCaptureAgreesWithKernelCounters) {
  std::string why = lab_skip_reason();
  if (!why.empty()) GTEST_SKIP() << why;
  const std::string dir = temp_dir();
  const std::string cap = dir + "/lab.psc";
  // cgroup v1 sometimes OOM-kills with swap to spare (docs/lab.md); this test
  // checks counters, not that, so such a run is repeated, up to three times.
  RunResult r;
  bool oom = false;
  for (int attempt = 0; attempt < 3; ++attempt) {
    r = run(pagescope_bin() + " lab --limit 64M --swap zram:lz4:512M --workload zipf "
            "--size 192M --seconds 3 --json -o " + cap + " 2>/dev/null");
    oom = r.exit_code() != 0 && r.output.find("\"oom_kills\":0") == std::string::npos;
    if (!oom) break;
  }
  if (oom) GTEST_SKIP() << "every try ended in the memcg OOM killer: " << r.output;
  ASSERT_EQ(r.exit_code(), 0) << r.output;
  const uint64_t rusage_majflt = json_number(r.output, "major_faults");
  ASSERT_NE(rusage_majflt, ~0ull) << r.output;

  Capture c = read_capture(cap);
  ASSERT_TRUE(c.report.complete);
  auto targets = c.of_kind<ps_target>(PS_EV_TARGET);
  ASSERT_EQ(targets.size(), 1u);
  const uint32_t pid = targets[0]->hdr.pid;

  // Swap-outs: reclaim's anon writes vs /proc/vmstat pswpout between the first
  // and last vmstat samples the recorder took (it samples after attaching and
  // after the final drain, so the writes fall inside). The lab's reclaim runs
  // in the workload (memcg limit) or in kswapd, both recorded; only another
  // process's own reclaim would be missed, hence 2%.
  std::vector<const ps_proc_file*> vmstats;
  for (const auto* p : c.of_kind<ps_proc_file>(PS_EV_PROC_FILE)) {
    if (p->which == PS_PROC_VMSTAT) vmstats.push_back(p);
  }
  ASSERT_GE(vmstats.size(), 2u);
  auto text = [](const ps_proc_file* p) {
    return std::string_view(reinterpret_cast<const char*>(p + 1), p->length);
  };
  const double pswpout = static_cast<double>(vmstat_value(text(vmstats.back()), "pswpout") -
                                             vmstat_value(text(vmstats.front()), "pswpout"));
  uint64_t anon_writes = 0;
  for (const auto* w : c.of_kind<ps_write_folio>(PS_EV_WRITE_FOLIO)) {
    anon_writes += (w->reclaim_flags & PS_RECLAIM_WB_ANON) != 0;
  }
  ASSERT_GT(pswpout, 1000) << "the lab made no swap pressure";
  EXPECT_NEAR(static_cast<double>(anon_writes), pswpout, pswpout * 0.02);

  // The lab checked its capture itself (lab/capture_check.h), over its own
  // window: it passed, and its swap-out row holds the count made here.
  EXPECT_NE(r.output.find("\"capture_check\":{\"passed\":true"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"key\":\"swap_outs\",\"figure\":\"swap-outs (pages)\",\"capture\":" +
                          std::to_string(anon_writes) + ","),
            std::string::npos)
      << r.output;

  // Major faults of the workload: exactly the kernel's maj_flt at its exit.
  // Its own getrusage is read before it writes its report, and under swap
  // pressure writing the report can itself fault swapped-out pages back in,
  // so that figure may be a few lower.
  uint64_t majors = 0;
  for (const auto* f : c.of_kind<ps_fault>(PS_EV_FAULT)) {
    majors += f->hdr.pid == pid && (f->flags & PS_FAULT_MAJOR);
  }
  const ps_exit* exit_record = nullptr;
  for (const auto* x : c.of_kind<ps_exit>(PS_EV_EXIT)) {
    if (x->hdr.pid == pid) exit_record = x;
  }
  ASSERT_NE(exit_record, nullptr);
  EXPECT_EQ(majors, exit_record->maj_flt);
  EXPECT_GE(majors, rusage_majflt);
  EXPECT_LE(majors, rusage_majflt + rusage_majflt / 50 + 16);

  // A memory-cgroup limit makes the charging task reclaim: the stalls are its.
  uint64_t memcg_ends = 0;
  double stall_ms = 0;
  for (const auto* rc : c.of_kind<ps_reclaim>(PS_EV_RECLAIM)) {
    if (rc->what == PS_RECLAIM_MEMCG_END && rc->hdr.pid == pid) {
      ++memcg_ends;
      stall_ms += static_cast<double>(rc->duration_ns) / 1e6;
    }
  }
  EXPECT_GT(memcg_ends, 0u);
  EXPECT_GT(stall_ms, 0.0);

  // The timeline adds up to the same totals.
  model::TimelineBuilder whole(c.records.empty() ? 0 : vmstats.front()->hdr.ts_ns, 1000000000ull,
                               std::nullopt);
  model::TimelineBuilder one(vmstats.front()->hdr.ts_ns, 1000000000ull, pid);
  for (const auto& rec : c.records) {
    whole.add(*reinterpret_cast<const ps_header*>(rec.data()));
    one.add(*reinterpret_cast<const ps_header*>(rec.data()));
  }
  uint64_t tl_swap = 0, tl_major = 0;
  double tl_stall = 0;
  for (const auto& row : whole.rows()) tl_swap += row.swap_outs;
  for (const auto& row : one.rows()) {
    tl_major += row.major_faults;
    tl_stall += row.memcg_stall_ms;
  }
  EXPECT_EQ(tl_swap, anon_writes);
  EXPECT_EQ(tl_major, majors);
  EXPECT_NEAR(tl_stall, stall_ms, 1e-6);
  EXPECT_GE(whole.rows().size(), 3u) << "a 3 s run gives at least three 1 s rows";

  // The same through the command line: `inspect --timeline --csv` rows add up.
  RunResult tl = run(pagescope_bin() + " inspect " + cap + " --timeline --csv");
  ASSERT_EQ(tl.exit_code(), 0) << tl.output;
  std::istringstream lines(tl.output);
  std::string line;
  uint64_t csv_swap = 0;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.empty() || !isdigit(static_cast<unsigned char>(line[0]))) continue;  // header
    std::istringstream cells(line);
    std::string cell;
    for (int col = 0; std::getline(cells, cell, ','); ++col) {
      if (col == 3) csv_swap += std::stoull(cell);  // SWAPOUT
    }
    ++rows;
  }
  EXPECT_GE(rows, 3);
  EXPECT_EQ(csv_swap, anon_writes);
}

}  // namespace
}  // namespace pagescope::testing
