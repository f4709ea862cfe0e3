// The lab's capture check without a kernel: the comparison rules (2%
// boundary, the fault slack, a missing source is a failure that names it and
// never a 0), the counting pass over a capture file, and how the table and
// --json show the result.
#include "lab/capture_check.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "events.h"
#include "inspector/capture/writer.h"
#include "lab/summary.h"

namespace pagescope::lab {
namespace {

using capture::Source;
using capture::SourceState;

// Every source this check needs, on.
CaptureCounts counts(std::uint64_t anon_writes, std::uint64_t major, std::uint64_t minor) {
  CaptureCounts c;
  for (Source s : {Source::kFaults, Source::kFaultKinds, Source::kReclaimWrites})
    c.sources.set(s, SourceState::kOn, "test");
  c.complete = true;
  c.workload_pid = 4242;
  c.anon_writes = anon_writes;
  c.workload_major = major;
  c.workload_minor = minor;
  return c;
}

KernelFigures kernel(std::uint64_t pswpout, std::uint64_t majflt, std::uint64_t minflt) {
  KernelFigures k;
  k.pswpout = pswpout;
  k.rusage = true;
  k.majflt = majflt;
  k.minflt = minflt;
  return k;
}

const CheckRow& row(const CaptureCheck& c, const std::string& key) {
  for (const CheckRow& r : c.rows)
    if (r.key == key) return r;
  ADD_FAILURE() << "no row " << key;
  return c.rows.front();
}

TEST(CaptureCheck, TwoPercentOfTheKernelsFigureIsTheBoundary) {
  // 2% of 10000 is 200: 200 off either way agrees, 201 does not.
  for (std::uint64_t captured : {9800u, 10000u, 10200u}) {
    CaptureCheck c = check_capture(counts(captured, 0, 0), kernel(10000, 0, 0));
    EXPECT_EQ(row(c, "swap_outs").result, CheckResult::kAgrees) << captured;
    EXPECT_EQ(row(c, "swap_outs").allowed, 200u);
    EXPECT_TRUE(c.passed()) << captured;
  }
  for (std::uint64_t captured : {9799u, 10201u, 0u}) {
    CaptureCheck c = check_capture(counts(captured, 0, 0), kernel(10000, 0, 0));
    EXPECT_EQ(row(c, "swap_outs").result, CheckResult::kDiffers) << captured;
    EXPECT_FALSE(c.passed()) << captured;
  }
  // The same boundary for faults once 2% is above the slack.
  CaptureCheck at = check_capture(counts(0, 10200, 9800), kernel(0, 10000, 10000));
  EXPECT_TRUE(at.passed());
  CaptureCheck over = check_capture(counts(0, 10201, 10000), kernel(0, 10000, 10000));
  EXPECT_EQ(row(over, "major_faults").result, CheckResult::kDiffers);
  EXPECT_EQ(row(over, "minor_faults").result, CheckResult::kAgrees);
}

TEST(CaptureCheck, SwapOutsHaveNoSlackFaultsHaveTheirs) {
  // One swap-out the capture does not have, out of 10: 10%, a failure.
  EXPECT_FALSE(check_capture(counts(9, 0, 0), kernel(10, 0, 0)).passed());
  // Nothing swapped on either side agrees.
  EXPECT_TRUE(check_capture(counts(0, 0, 0), kernel(0, 0, 0)).passed());
  // A lab run too small to swap: 155 minor faults by getrusage, 134 in the
  // capture (the ~30 before tracing and in execve), within kFaultSlack.
  CaptureCheck small = check_capture(counts(0, 0, 134), kernel(0, 0, 155));
  EXPECT_EQ(row(small, "minor_faults").allowed, kFaultSlack);
  EXPECT_TRUE(small.passed());
  EXPECT_FALSE(check_capture(counts(0, 0, 155 - kFaultSlack - 1), kernel(0, 0, 155)).passed());
  EXPECT_EQ(allowed_difference(1000000, kFaultSlack), 20000u);
  EXPECT_EQ(allowed_difference(49, 0), 0u);
}

TEST(CaptureCheck, AMissingSourceFailsAndIsNamedNeverCountedAsZero) {
  CaptureCounts c = counts(0, 100, 200);
  c.sources.set(Source::kReclaimWrites, SourceState::kUnavailable,
                "vmscan:mm_vmscan_write_folio unavailable: tracefs is not mounted");
  // Even a kernel figure of 0 does not make a missing source agree.
  for (std::uint64_t pswpout : {0u, 120152u}) {
    CaptureCheck check = check_capture(c, kernel(pswpout, 100, 200));
    const CheckRow& swap = row(check, "swap_outs");
    EXPECT_EQ(swap.result, CheckResult::kSourceMissing);
    EXPECT_FALSE(swap.capture.has_value()) << "a missing source must not read as 0";
    EXPECT_FALSE(check.passed());
    ASSERT_EQ(check.warnings().size(), 1u);
    const std::string w = check.warnings()[0];
    EXPECT_NE(w.find("swap-outs (pages) cannot be checked"), std::string::npos) << w;
    EXPECT_NE(w.find("no reclaim writes"), std::string::npos) << w;
    EXPECT_NE(w.find("tracefs is not mounted"), std::string::npos) << w;
    EXPECT_NE(w.find(std::to_string(pswpout)), std::string::npos) << w;
    // The faults had their sources: still compared, and they agree.
    EXPECT_EQ(row(check, "major_faults").result, CheckResult::kAgrees);
  }
}

TEST(CaptureCheck, FaultsWithoutMinorMajorKindsAreNotCompared) {
  CaptureCounts c = counts(10, 0, 0);  // no accounted records: perf events were not on
  c.sources.set(Source::kFaultKinds, SourceState::kUnavailable, "perf_event_open: Permission denied");
  CaptureCheck check = check_capture(c, kernel(10, 5000, 6000));
  for (const char* key : {"major_faults", "minor_faults"}) {
    EXPECT_EQ(row(check, key).result, CheckResult::kSourceMissing) << key;
    EXPECT_NE(row(check, key).why.find("Permission denied"), std::string::npos);
  }
  EXPECT_EQ(row(check, "swap_outs").result, CheckResult::kAgrees);
  EXPECT_EQ(check.warnings().size(), 2u);
}

TEST(CaptureCheck, ACaptureThatDoesNotSayIsComparedAsIfOn) {
  // Captures before format 1.3 say nothing; they recorded what the kernel
  // offered, so they are compared, and an empty one fails as a difference.
  CaptureCounts c = counts(0, 0, 0);
  c.sources = {};
  CaptureCheck check = check_capture(c, kernel(5000, 0, 0));
  EXPECT_EQ(row(check, "swap_outs").result, CheckResult::kDiffers);
}

TEST(CaptureCheck, WithoutTheWorkloadsReportFaultsAreNotCheckedAndDoNotFail) {
  KernelFigures k = kernel(100, 0, 0);
  k.rusage = false;  // killed before it reported: the lab fails for that reason already
  CaptureCheck check = check_capture(counts(100, 7, 8), k);
  EXPECT_EQ(row(check, "major_faults").result, CheckResult::kNotChecked);
  EXPECT_NE(row(check, "major_faults").why.find("no getrusage report"), std::string::npos);
  EXPECT_TRUE(check.passed());
}

TEST(CaptureCheck, ZeroFilledPagesCountOnTheKernelSide) {
  // Reclaim reports a write for a zero-filled page; Linux 6.12+ counts it in
  // swpout_zero instead of pswpout.
  KernelFigures k = kernel(600, 0, 0);
  k.swpout_zero = 400;
  CaptureCheck check = check_capture(counts(1000, 0, 0), k);
  EXPECT_EQ(row(check, "swap_outs").kernel, 1000u);
  EXPECT_NE(row(check, "swap_outs").kernel_source.find("swpout_zero"), std::string::npos);
  EXPECT_TRUE(check.passed());
}

TEST(CaptureCheck, WarningNamesTheFigureBothNumbersAndTheDifference) {
  CaptureCheck check = check_capture(counts(0, 0, 0), kernel(218498, 0, 0));
  ASSERT_EQ(check.warnings().size(), 1u);
  EXPECT_EQ(check.warnings()[0],
            "swap-outs (pages) differ: capture 0, kernel 218498 (/proc/vmstat pswpout), difference -218498 "
            "(-100.00%), allowed 4369");
}

TEST(CaptureCheck, FewerSwapOutsThanTheKernelNamesWhoWroteThemAndWhatIsNotRecorded) {
  // Measured: an untraced process swapping under its own memory cgroup limit
  // during a lab run added 94735 swap-outs to pswpout that no record shows.
  CaptureCounts c = counts(179717, 0, 0);
  c.workload_anon_writes = 179700;
  KernelFigures k = kernel(274452, 0, 0);
  k.allocstall = 3;
  CaptureCheck check = check_capture(c, k);
  EXPECT_FALSE(check.passed());
  std::string notes;
  for (const auto& n : check.notes) notes += n + "\n";
  EXPECT_NE(notes.find("the workload's own reclaim wrote 179700 and kswapd 17;"), std::string::npos) << notes;
  EXPECT_NE(notes.find("3 allocstalls"), std::string::npos) << notes;
  // No such note when the capture agrees.
  EXPECT_TRUE(check_capture(counts(100, 0, 0), kernel(100, 0, 0)).notes.empty());
}

TEST(CaptureCheck, LostEventsAndExitCountersAreExplained) {
  CaptureCounts c = counts(100, 50, 60);
  c.lost_events = 7;
  c.workload_exit_seen = true;
  c.exit_maj_flt = 50;
  c.exit_min_flt = 91;
  CaptureCheck check = check_capture(c, kernel(100, 50, 90));
  std::string notes;
  for (const auto& n : check.notes) notes += n + "\n";
  EXPECT_NE(notes.find("lost 7 events"), std::string::npos) << notes;
  EXPECT_NE(notes.find("50 major and 91 minor"), std::string::npos) << notes;
}

// A capture file written here, as the recorder would.
class CountCaptureTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = "/tmp/capture-check-test-" + std::to_string(::getpid()) + ".psc"; }
  void TearDown() override { ::unlink(path_.c_str()); }
  template <typename T>
  static T rec(std::uint16_t kind, std::uint32_t pid) {
    T r{};
    r.hdr.kind = kind;
    r.hdr.size = sizeof(T);
    r.hdr.pid = r.hdr.tid = pid;
    return r;
  }
  std::string path_;
};

TEST_F(CountCaptureTest, CountsAnonWritesOfAllAndTheTargetsAccountedFaults) {
  capture::HostInfo host;
  host.sources.set(Source::kReclaimWrites, SourceState::kUnavailable, "not today");
  auto w = capture::CaptureWriter::create(path_, host);
  ASSERT_TRUE(w.ok()) << w.error().message;
  auto target = rec<ps_target>(PS_EV_TARGET, 100);
  ASSERT_TRUE(w->append(&target, sizeof target));
  auto fault = [&](std::uint32_t pid, std::uint32_t flags) {
    auto f = rec<ps_fault>(PS_EV_FAULT, pid);
    f.flags = flags;
    ASSERT_TRUE(w->append(&f, sizeof f));
  };
  for (int i = 0; i < 5; ++i) fault(100, PS_FAULT_ACCOUNTED | PS_FAULT_MAJOR);
  for (int i = 0; i < 3; ++i) fault(100, PS_FAULT_ACCOUNTED);
  fault(100, PS_FAULT_ERR_KNOWN);              // an exception entry, not an accounted fault
  fault(200, PS_FAULT_ACCOUNTED | PS_FAULT_MAJOR);  // another process
  auto write = [&](std::uint32_t pid, std::uint32_t flags) {
    auto r = rec<ps_write_folio>(PS_EV_WRITE_FOLIO, pid);
    r.reclaim_flags = flags;
    ASSERT_TRUE(w->append(&r, sizeof r));
  };
  write(100, PS_RECLAIM_WB_ANON | PS_RECLAIM_WB_ASYNC);
  write(77, PS_RECLAIM_WB_ANON);  // kswapd, on everyone's behalf
  write(77, PS_RECLAIM_WB_FILE);  // file writeback: not a swap-out
  auto lost = rec<ps_lost>(PS_EV_LOST, 0);
  lost.lost = lost.lost_total = 3;
  ASSERT_TRUE(w->append(&lost, sizeof lost));
  auto exit = rec<ps_exit>(PS_EV_EXIT, 100);
  exit.flags = PS_EXIT_GROUP_DEAD;
  exit.min_flt = 30;
  exit.maj_flt = 5;
  ASSERT_TRUE(w->append(&exit, sizeof exit));
  ASSERT_TRUE(w->close());

  auto c = count_capture(path_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->complete);
  EXPECT_EQ(c->workload_pid, 100u);
  EXPECT_EQ(c->workload_major, 5u);
  EXPECT_EQ(c->workload_minor, 3u);
  EXPECT_EQ(c->anon_writes, 2u);
  EXPECT_EQ(c->workload_anon_writes, 1u);
  EXPECT_EQ(c->lost_events, 3u);
  EXPECT_TRUE(c->workload_exit_seen);
  EXPECT_EQ(c->exit_min_flt, 30u);
  EXPECT_EQ(c->sources.state(Source::kReclaimWrites), SourceState::kUnavailable);
  ASSERT_EQ(c->sources.unavailable_notes().size(), 1u);
  EXPECT_NE(c->sources.unavailable_notes()[0].find("not today"), std::string::npos);
}

TEST_F(CountCaptureTest, NotACaptureIsAnError) {
  FILE* f = std::fopen(path_.c_str(), "w");
  std::fputs("capture\n", f);
  std::fclose(f);
  auto c = count_capture(path_);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("not a pagescope capture"), std::string::npos) << c.error().message;
}

LabReport checked_report() {
  LabReport r;
  r.workload = "zipf";
  r.recorded = true;
  r.capture_path = "lab.psc";
  r.capture_notes = {"no reclaim writes (swap-outs and file writeback): not today"};
  CaptureCounts c = counts(0, 86967, 49589);
  c.sources.set(Source::kReclaimWrites, SourceState::kUnavailable, "not today");
  r.check = check_capture(c, kernel(120152, 86953, 49613));
  return r;
}

TEST(CaptureCheckFormat, TableShowsTheCheckAndTheMissingSourceInsteadOfZero) {
  std::string t = format_table(checked_report());
  EXPECT_NE(t.find("capture lacks: no reclaim writes"), std::string::npos) << t;
  EXPECT_NE(t.find("capture check: DISAGREES"), std::string::npos) << t;
  auto swap = t.find("\nswap-outs (pages)", t.find("capture check"));
  ASSERT_NE(swap, std::string::npos) << t;
  std::string line = t.substr(swap + 1, t.find('\n', swap + 1) - swap - 1);
  EXPECT_NE(line.find("NO SOURCE"), std::string::npos) << line;
  EXPECT_NE(line.find("120152"), std::string::npos) << line;
  EXPECT_EQ(line.find(" 0 "), std::string::npos) << "the capture's figure is unknown, not 0: " << line;
  EXPECT_NE(t.find("+14 (+0.02%)"), std::string::npos) << t;
}

TEST(CaptureCheckFormat, JsonCarriesTheRows) {
  std::string j = format_json(checked_report());
  EXPECT_NE(j.find("\"capture_check\":{\"passed\":false"), std::string::npos) << j;
  EXPECT_NE(j.find("\"key\":\"swap_outs\",\"figure\":\"swap-outs (pages)\",\"capture\":null,\"kernel\":120152"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find("\"key\":\"major_faults\",\"figure\":\"major faults (workload)\",\"capture\":86967,"
                   "\"kernel\":86953,\"difference\":14"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find("\"capture_notes\":[\"no reclaim writes"), std::string::npos) << j;
  LabReport unrecorded;
  EXPECT_NE(format_json(unrecorded).find("\"capture_check\":null"), std::string::npos);
}

}  // namespace
}  // namespace pagescope::lab
