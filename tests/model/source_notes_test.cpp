// SourceNotes: which columns are measurements, which notes a capture with
// missing event sources gets, and how a not-measured column prints in each
// output form (Table), including the timeline's columns.
#include "inspector/model/source_notes.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "inspector/model/timeline.h"

namespace pagescope::model {
namespace {

using capture::Source;
using capture::SourceSet;
using capture::SourceState;

// What `print` writes, as a string.
template <typename Fn>
std::string printed(Fn&& print) {
  std::FILE* f = std::tmpfile();
  print(f);
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  std::fclose(f);
  return out;
}

// The state a fresh machine without tracefs left (issue 12): no reclaim
// writes, no memory syscalls; access sampling was not asked for.
SourceSet fresh_machine() {
  SourceSet set;
  for (size_t i = 0; i < capture::kSourceCount; ++i) set.set(Source(i), SourceState::kOn, "");
  set.set(Source::kReclaimWrites, SourceState::kUnavailable, "vmscan:mm_vmscan_write_folio: tracefs not mounted");
  set.set(Source::kMmSyscalls, SourceState::kUnavailable, "syscalls:sys_enter_mmap: tracefs not mounted");
  set.set(Source::kAccessBits, SourceState::kNotRequested, "--access-interval");
  return set;
}

TEST(SourceNotes, OffSourcesAreNotMeasuredAndUnknownOnesAre) {
  SourceNotes notes(fresh_machine());
  EXPECT_FALSE(notes.unknown());
  EXPECT_FALSE(notes.measured(Source::kReclaimWrites));
  EXPECT_FALSE(notes.measured(Source::kMmSyscalls));
  EXPECT_FALSE(notes.measured(Source::kAccessBits));  // not requested is not measured either
  EXPECT_TRUE(notes.measured(Source::kFaults));
  EXPECT_FALSE(notes.measured({Source::kFaults, Source::kMmSyscalls}));

  SourceNotes old;  // a capture from before format 1.3
  EXPECT_TRUE(old.unknown());
  for (size_t i = 0; i < capture::kSourceCount; ++i) EXPECT_TRUE(old.measured(Source(i)));
  EXPECT_TRUE(old.notes().empty());
}

TEST(SourceNotes, FaultKindsAndErrorCodesNeedTheFaultRecords) {
  SourceSet set;
  set.set(Source::kFaults, SourceState::kUnavailable, "no perf events and no exceptions tracepoints");
  set.set(Source::kFaultKinds, SourceState::kOn, "perf");
  SourceNotes notes(set);
  EXPECT_FALSE(notes.measured(Source::kFaultKinds));
  EXPECT_FALSE(notes.measured(Source::kFaultErrorCodes));  // its own state unknown, its records missing
  ASSERT_EQ(notes.notes().size(), 1u);
  EXPECT_EQ(notes.notes()[0], "no page-fault records: no perf events and no exceptions tracepoints");
}

TEST(SourceNotes, UnavailableSourcesAlwaysGetANoteNotRequestedOnlyWhenShown) {
  SourceNotes notes(fresh_machine());
  auto lines = notes.notes();
  ASSERT_EQ(lines.size(), 2u);
  // Source order: memory syscalls before reclaim writes.
  EXPECT_EQ(lines[0], "no memory-syscall records (mmap, munmap, mprotect, mremap, brk, madvise): "
                      "syscalls:sys_enter_mmap: tracefs not mounted");
  EXPECT_EQ(lines[1], "no reclaim writes (swap-outs and file writeback): vmscan:mm_vmscan_write_folio: "
                      "tracefs not mounted");

  // A table that shows an access-bit column brings the not-requested note in.
  Table t({"T", "BIT_PAGES"});
  notes.mark(t, "NO_SUCH_COLUMN", {Source::kPageContents});  // absent columns show nothing
  EXPECT_EQ(notes.notes().size(), 2u);
  notes.mark(t, "BIT_PAGES", {Source::kAccessBits});
  lines = notes.notes();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], "no accessed-bit samples: not requested (--access-interval)");
  EXPECT_FALSE(t.measured("BIT_PAGES"));
  EXPECT_TRUE(t.measured("T"));

  const std::string out = printed([&](std::FILE* f) { notes.print(f, "inspect"); });
  EXPECT_EQ(out.find("pagescope inspect: note: no memory-syscall records"), 0u) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out;
}

TEST(SourceNotes, NotesAboutOnlyTheSourcesAsked) {
  SourceNotes notes(fresh_machine());
  auto lines = notes.notes_about({Source::kFaults, Source::kAccessBits});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "no accessed-bit samples: not requested (--access-interval)");
  EXPECT_TRUE(notes.notes_about({Source::kFaults, Source::kFaultKinds}).empty());
}

TEST(SourceNotes, NotMeasuredColumnIsDashNullAndEmpty) {
  Table t({"PID", "FAULTS", "MMAP", "COMM<"});
  t.add_row({"300", "23", "0", "demo"});
  t.add_row({"301", "5", "0", "demo"});
  SourceNotes notes(fresh_machine());
  notes.mark(t, "FAULTS", {Source::kFaults});
  notes.mark(t, "MMAP", {Source::kMmSyscalls});

  const std::string aligned = printed([&](std::FILE* f) { t.print_aligned(f); });
  EXPECT_NE(aligned.find("300      23     -  demo"), std::string::npos) << aligned;
  EXPECT_EQ(aligned.find("     0  "), std::string::npos) << aligned;
  const std::string csv = printed([&](std::FILE* f) { t.print_csv(f); });
  EXPECT_NE(csv.find("PID,FAULTS,MMAP,COMM\n300,23,,demo\n301,5,,demo\n"), std::string::npos) << csv;
  const std::string json = printed([&](std::FILE* f) { t.print_json(f); });
  EXPECT_NE(json.find("{\"PID\": 300, \"FAULTS\": 23, \"MMAP\": null, \"COMM\": \"demo\"}"), std::string::npos)
      << json;
}

TEST(SourceNotes, TableListsEverySourceWithStateAndDetail) {
  const Table t = SourceNotes(fresh_machine()).table();
  EXPECT_EQ(t.rows(), capture::kSourceCount);
  const std::string csv = printed([&](std::FILE* f) { t.print_csv(f); });
  EXPECT_NE(csv.find("SOURCE,STATE,DETAIL\nfaults,on,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\nreclaim_writes,unavailable,vmscan:mm_vmscan_write_folio: tracefs not mounted\n"),
            std::string::npos) << csv;
  EXPECT_NE(csv.find("\naccess_bits,not requested,--access-interval\n"), std::string::npos) << csv;
}

TEST(SourceNotes, TimelineColumnsOfMissingSourcesAreNotMeasured) {
  constexpr uint64_t kSec = 1'000'000'000ull;
  ps_fault f{};
  f.hdr.kind = PS_EV_FAULT;
  f.hdr.size = sizeof f;
  f.hdr.ts_ns = 10;
  f.hdr.pid = 7;
  TimelineBuilder all(0, kSec, std::nullopt), one(0, kSec, 7u);
  all.add(f.hdr);
  one.add(f.hdr);
  SourceSet set = fresh_machine();
  set.set(Source::kTlbFlushes, SourceState::kUnavailable, "tlb:tlb_flush: not found");
  SourceNotes notes(set);
  const Table t = all.table(notes);
  EXPECT_TRUE(t.measured("MINFLT"));
  EXPECT_FALSE(t.measured("SWAPOUT"));  // system-wide: reclaim's anon writes
  EXPECT_FALSE(t.measured("FILEWB"));
  EXPECT_FALSE(t.measured("TLB_REMOTE"));
  EXPECT_TRUE(t.measured("SCANNED"));
  EXPECT_TRUE(t.measured("OOM"));
  // One process: swap-outs are its swap-entry count, which was recorded.
  EXPECT_TRUE(one.table(notes).measured("SWAPOUT"));
  const std::string csv = printed([&](std::FILE* out) { t.print_csv(out); });
  EXPECT_NE(csv.find("\n0.000,1,0,,,0,0,"), std::string::npos) << csv;
  // Without notes the table stays as it was.
  EXPECT_TRUE(all.table().measured("SWAPOUT"));
}

}  // namespace
}  // namespace pagescope::model
