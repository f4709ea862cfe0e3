// CaptureQuery: one pass over a capture file, and time zero decided in one
// place. Each test builds the answer it expects from the records directly
// (a plain pass, a model fed a prefix, a timeline cut from a known zero) and
// compares with what the query made from the file.
#include "inspector/model/capture_query.h"

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture_file.h"

using namespace pagescope;
using namespace pagescope::model;
using pagescope::model::testing::temp_path;
using pagescope::model::testing::test_host;
using pagescope::model::testing::write_capture;

namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint32_t kPid = 300;
constexpr uint64_t kHeap = 0x7f0000000000;
constexpr uint64_t kMapped = 0x7f1000000000;

// One process from 1 ms: a maps snapshot, a fault every millisecond to
// 5 ms, an mmap at 3 ms, a child from 4 ms, its exit at 6 ms.
RecordBuffer stream() {
  RecordBuffer b;
  b.target(1 * kMs, kPid);
  b.proc_file(1 * kMs + 100, kPid, PS_PROC_MAPS,
              "555500000000-555500001000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
              "7f0000000000-7f0000010000 rw-p 00000000 00:00 0 \n");
  for (uint64_t i = 1; i <= 5; ++i) b.fault(i * kMs + 200, kPid, kPid, kHeap + 4096 * i, PS_PF_USER | PS_PF_WRITE);
  b.syscall(PS_EV_MMAP, 3 * kMs + 300, kPid, kPid, {0, 8192, 3, 0x22, ~0ull, 0}, kMapped);
  b.fork(4 * kMs + 400, kPid, kPid, 301, 301, 0, "demo");
  b.fault(4 * kMs + 500, 301, 301, kHeap, PS_PF_USER | PS_PF_WRITE | PS_PF_PROT);
  b.exit(5 * kMs + 600, 301, 301, true);
  b.exit(6 * kMs, kPid, kPid, true);
  return b;
}

// The capture of stream() with the header's start at `start_ns` (0: unknown).
class File {
 public:
  explicit File(uint64_t start_ns, const RecordBuffer& records = stream())
      : path_(temp_path("query-" + std::to_string(start_ns) + ".psc")) {
    auto host = test_host();
    host.start_ns = start_ns;
    write_capture(path_, records, {}, host);
  }
  ~File() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

CaptureQuery query(const File& file, QuerySpec spec) {
  auto q = CaptureQuery::run(file.path(), std::move(spec));
  if (!q) throw std::runtime_error(q.error().message);
  return std::move(q).value();
}

QuerySpec timeline_spec(uint64_t interval_ns, uint32_t pid = 0) {
  QuerySpec s;
  s.pid = pid;
  s.timeline_interval_ns = interval_ns;
  return s;
}

QuerySpec layout_spec(std::optional<uint64_t> at_ns) {
  QuerySpec s;
  s.pid = kPid;
  s.layout = true;
  s.layout_at_ns = at_ns;
  return s;
}

std::vector<TimelineRow> rows_from(uint64_t zero_ns, uint64_t interval_ns, std::optional<uint32_t> pid = {}) {
  TimelineBuilder b(zero_ns, interval_ns, pid);
  stream().for_each([&](const ps_header& h) { b.add(h); });
  return b.rows();
}

void expect_rows_equal(const std::vector<TimelineRow>& got, const std::vector<TimelineRow>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].start_ns, want[i].start_ns) << "row " << i;
    EXPECT_EQ(got[i].minor_faults, want[i].minor_faults) << "row " << i;
    EXPECT_EQ(got[i].major_faults, want[i].major_faults) << "row " << i;
  }
}

bool maps(const SpaceTracker& tracker, uint64_t start) {
  for (const VmaUsage& u : tracker.layout(kPid))
    if (u.vma.start == start) return true;
  return false;
}

}  // namespace

// Recording started before the first record: that start is time zero, the
// timeline is cut from it in the one pass.
TEST(CaptureQuery, HeaderStartBeforeTheFirstRecordIsTimeZeroInOnePass) {
  const File file(kMs / 2);
  const CaptureQuery q = query(file, timeline_spec(kMs));
  EXPECT_EQ(q.time_zero(), kMs / 2);
  EXPECT_EQ(q.passes(), 1);
  ASSERT_NE(q.timeline(), nullptr);
  expect_rows_equal(q.timeline()->rows(), rows_from(kMs / 2, kMs));
}

// A header start later than the first record (a clock the records do not
// share): time zero is the first record, and the timeline rows are cut from
// it in the one pass (records come in time order: the first settles it).
TEST(CaptureQuery, HeaderStartLaterThanTheFirstRecordMakesTheFirstRecordTimeZero) {
  const File file(2 * kMs + kMs / 2);
  const CaptureQuery q = query(file, timeline_spec(kMs));
  EXPECT_EQ(q.time_zero(), 1 * kMs);
  EXPECT_EQ(q.passes(), 1);
  ASSERT_NE(q.timeline(), nullptr);
  const auto& rows = q.timeline()->rows();
  // Faults at 1.0002 .. 5.0002 ms, one per 1 ms row from zero; the child's at 4.0005 ms.
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].start_ns, 0u);
  EXPECT_EQ(rows[0].minor_faults, 1u);
  EXPECT_EQ(rows[3].start_ns, 3 * kMs);
  EXPECT_EQ(rows[3].minor_faults, 2u);
  expect_rows_equal(rows, rows_from(1 * kMs, kMs));
  // The rows from the header's start would differ: the test can tell.
  EXPECT_NE(rows_from(2 * kMs + kMs / 2, kMs).size(), rows.size());
}

// No start in the header: the first record, in one pass.
TEST(CaptureQuery, NoHeaderStartMakesTheFirstRecordTimeZero) {
  const File file(0);
  const CaptureQuery q = query(file, timeline_spec(kMs, kPid));
  EXPECT_EQ(q.time_zero(), 1 * kMs);
  EXPECT_EQ(q.passes(), 1);
  ASSERT_NE(q.timeline(), nullptr);
  expect_rows_equal(q.timeline()->rows(), rows_from(1 * kMs, kMs, kPid));
}

// --at counts from time zero: a cut-off at 2 ms holds records up to zero + 2 ms.
// With the header's start at the first record, the pass's guess is right.
TEST(CaptureQuery, LayoutAtACutOffHoldsOnlyTheRecordsBeforeIt) {
  const File file(1 * kMs);
  const CaptureQuery before = query(file, layout_spec(2 * kMs));  // cut at 3 ms: before the mmap at 3.0003
  EXPECT_EQ(before.passes(), 1);
  EXPECT_TRUE(maps(before.layout_tracker(), kHeap));
  EXPECT_FALSE(maps(before.layout_tracker(), kMapped));
  const CaptureQuery after = query(file, layout_spec(2 * kMs + 300));  // cut exactly at the mmap
  EXPECT_TRUE(maps(after.layout_tracker(), kMapped));
  // Whatever the cut-off, the whole-capture model saw everything: the process exited.
  ASSERT_NE(before.tracker().find(kPid), nullptr);
  EXPECT_TRUE(before.tracker().find(kPid)->exited);

  // The same as a tracker fed the records up to the cut-off.
  SpaceTracker prefix;
  stream().for_each([&](const ps_header& h) {
    if (h.ts_ns <= 3 * kMs) prefix.apply(h);
  });
  const auto want = prefix.layout(kPid);
  const auto got = before.layout_tracker().layout(kPid);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].vma.start, want[i].vma.start);
    EXPECT_EQ(got[i].vma.end, want[i].vma.end);
    EXPECT_EQ(got[i].faults, want[i].faults);
  }
}

// Recording started before the first record: the cut is 0.5 + 2 ms from
// the header's start, not the first record + 2 ms (3 ms, where the mmap
// would be in), and the mmap is not in the layout.
TEST(CaptureQuery, LayoutAtIsCutFromTheRealTimeZero) {
  const File file(kMs / 2);
  const CaptureQuery q = query(file, layout_spec(2 * kMs + 900));
  EXPECT_EQ(q.time_zero(), kMs / 2);
  EXPECT_EQ(q.passes(), 1);
  EXPECT_TRUE(maps(q.layout_tracker(), kHeap));
  EXPECT_FALSE(maps(q.layout_tracker(), kMapped));  // 3.0003 ms > 0.5 + 2.0009 ms
  const CaptureQuery later = query(file, layout_spec(3 * kMs));
  EXPECT_TRUE(maps(later.layout_tracker(), kMapped));  // 3.0003 ms <= 3.5 ms
}

// A record older than the first one, written after the time orderer's
// window (500 ms) had released the rest: time zero is that record, known only
// after the pass, and the timeline and the layout at --at, cut in the pass
// from the first record, are cut again from it in a second pass.
TEST(CaptureQuery, ARecordOlderThanTheFirstBeyondTheOrderingWindowMakesASecondPass) {
  RecordBuffer records = stream();
  records.fault(900 * kMs, kPid, kPid, kHeap + 4096 * 9, PS_PF_USER | PS_PF_WRITE);
  records.fault(kMs / 4, kPid, kPid, kHeap + 4096 * 8, PS_PF_USER | PS_PF_WRITE);  // 1 ms - 0.75 ms, written last
  const File file(0, records);
  const CaptureQuery t = query(file, timeline_spec(kMs));
  EXPECT_EQ(t.time_zero(), kMs / 4);
  EXPECT_EQ(t.passes(), 2);
  ASSERT_NE(t.timeline(), nullptr);
  TimelineBuilder want(kMs / 4, kMs, std::nullopt);
  records.for_each([&](const ps_header& h) { want.add(h); });
  ASSERT_FALSE(t.timeline()->rows().empty());
  EXPECT_EQ(t.timeline()->rows().front().start_ns, 0u);
  expect_rows_equal(t.timeline()->rows(), want.rows());

  // --at 2.7 ms cuts at 0.25 + 2.7 = 2.95 ms, before the mmap at 3.0003 ms;
  // the pass, counting from the first record (1 ms), cut at 3.7 ms, after it.
  const CaptureQuery l = query(file, layout_spec(2 * kMs + 700'000));
  EXPECT_EQ(l.passes(), 2);
  EXPECT_TRUE(maps(l.layout_tracker(), kHeap));
  EXPECT_FALSE(maps(l.layout_tracker(), kMapped));
}

// Without --at: the layout just before the process exited, not the empty one after.
TEST(CaptureQuery, LayoutWithoutCutOffIsTheOneBeforeTheExit) {
  const File file(kMs / 2);
  const CaptureQuery q = query(file, layout_spec(std::nullopt));
  EXPECT_EQ(q.passes(), 1);
  EXPECT_TRUE(maps(q.layout_tracker(), kMapped));
  EXPECT_TRUE(maps(q.layout_tracker(), kHeap));
  ASSERT_NE(q.layout_tracker().find(kPid), nullptr);
  EXPECT_FALSE(q.layout_tracker().find(kPid)->exited);
  ASSERT_NE(q.tracker().find(kPid), nullptr);
  EXPECT_TRUE(q.tracker().find(kPid)->exited);  // the whole capture's model saw the exit
}

// Whatever else is asked, the process table is a plain pass's.
TEST(CaptureQuery, ProcessTableIsAPlainPasssWhateverIsAsked) {
  const File file(kMs / 2);
  ProcessTable plain;
  auto run = replay_capture(file.path(), [&](const ps_header& h) { plain.apply(h); });
  ASSERT_TRUE(run.ok()) << run.error().message;
  QuerySpec wss;
  wss.pid = kPid;
  wss.wss_taus = {kMs, 2 * kMs};
  for (const QuerySpec& spec : {QuerySpec{}, timeline_spec(kMs), layout_spec(kMs), wss}) {
    const CaptureQuery q = query(file, spec);
    const CaptureTotals& t = q.totals();
    EXPECT_EQ(t.records, plain.totals().records);
    EXPECT_EQ(t.records, stream().size());
    EXPECT_EQ(t.first_ts_ns, plain.totals().first_ts_ns);
    EXPECT_EQ(t.last_ts_ns, plain.totals().last_ts_ns);
    EXPECT_EQ(t.by_kind, plain.totals().by_kind);
    ASSERT_EQ(q.processes().processes().size(), plain.processes().size());
    for (size_t i = 0; i < plain.processes().size(); ++i) {
      const ProcessInfo& a = q.processes().processes()[i];
      const ProcessInfo& b = plain.processes()[i];
      EXPECT_EQ(a.pid, b.pid);
      EXPECT_EQ(a.ppid, b.ppid);
      EXPECT_EQ(a.comm, b.comm);
      EXPECT_EQ(a.first_ts_ns, b.first_ts_ns);
      EXPECT_EQ(a.last_ts_ns, b.last_ts_ns);
      EXPECT_EQ(a.exited, b.exited);
      EXPECT_EQ(a.faults.total, b.faults.total);
      EXPECT_EQ(a.syscalls.calls, b.syscalls.calls);
    }
    EXPECT_EQ(q.processes().find(kPid)->faults.total, 5u);
    EXPECT_EQ(q.capture().host.hostname, "testhost");
    EXPECT_TRUE(q.capture().report.complete);
  }
}

// Only what is asked is built: the working sets count from the header's
// start, for the pid alone, and nothing else is fed.
TEST(CaptureQuery, BuildsOnlyWhatIsAsked) {
  const File file(kMs / 2);
  const CaptureQuery summary = query(file, QuerySpec{});
  EXPECT_EQ(summary.wss(), nullptr);
  EXPECT_EQ(summary.timeline(), nullptr);
  EXPECT_EQ(summary.tracker().find(kPid), nullptr);

  QuerySpec spec;
  spec.pid = kPid;
  spec.wss_taus = {kMs};
  const CaptureQuery q = query(file, spec);
  ASSERT_NE(q.wss(), nullptr);
  EXPECT_EQ(q.wss()->origin(), kMs / 2);
  EXPECT_EQ(q.wss()->pids(), std::vector<uint32_t>{kPid});
  EXPECT_EQ(q.fault_sampler().times().size(), 5u);  // the child's fault is not its
  EXPECT_NE(q.tracker().find(kPid), nullptr);
  EXPECT_EQ(q.timeline(), nullptr);
}

// The callback is told every 2^20 records, with the count so far.
TEST(CaptureQuery, ProgressEveryMillionRecords) {
  RecordBuffer b;
  const uint64_t n = CaptureQuery::kProgressEvery + 1000;
  for (uint64_t i = 0; i < n; ++i) b.fault(1000 + i, 7, 7, 0x1000 * (i % 4096), PS_PF_USER);
  const File file(1000, b);
  std::vector<uint64_t> told;
  QueryHooks hooks;
  hooks.progress = [&](uint64_t records) { told.push_back(records); };
  auto q = CaptureQuery::run(file.path(), QuerySpec{}, hooks);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(told, std::vector<uint64_t>{CaptureQuery::kProgressEvery});
  EXPECT_EQ(q->totals().records, n);
}

TEST(CaptureQuery, ErrorsNameTheFileOrTheMistake) {
  const std::string missing = temp_path("no-such.psc");
  auto q = CaptureQuery::run(missing, QuerySpec{});
  ASSERT_FALSE(q.ok());
  EXPECT_NE(q.error().message.find(missing), std::string::npos) << q.error().message;

  const File file(kMs);
  QuerySpec layout;
  layout.layout = true;  // of no process
  auto no_pid = CaptureQuery::run(file.path(), layout);
  ASSERT_FALSE(no_pid.ok());
  EXPECT_EQ(no_pid.error().kind, ErrorKind::kUsage);
  QuerySpec windows;
  windows.wss_taus.assign(WindowedWorkingSet::kMaxTaus + 1, kMs);
  auto too_many = CaptureQuery::run(file.path(), windows);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().kind, ErrorKind::kUsage);
}

// --growth and --locality are answered by the query's one pass: the same as
// the models fed the records directly, on the same grid (the header's start),
// and absent when not asked for.
TEST(CaptureQuery, GrowthAndLocalityInTheOnePass) {
  const File file(1 * kMs);
  QuerySpec none;
  CaptureQuery plain = query(file, none);
  EXPECT_EQ(plain.growth(), nullptr);
  EXPECT_TRUE(plain.locality().empty());

  QuerySpec spec;
  spec.growth_interval_ns = 1 * kMs;
  spec.locality_interval_ns = 1 * kMs;
  CaptureQuery q = query(file, spec);
  EXPECT_EQ(q.passes(), 1);
  ASSERT_NE(q.growth(), nullptr);

  SpaceTracker tracker;
  GrowthTracker growth(&tracker, 1 * kMs, 1 * kMs, 0);
  LocalityTracker locality(1 * kMs, 1 * kMs, 0);
  const RecordBuffer records = stream();
  uint64_t last = 0;
  records.for_each([&](const ps_header& h) {
    locality.apply(h);
    growth.before(h);
    tracker.apply(h);
    last = h.ts_ns;
  });
  growth.finish(last);
  const auto expected = locality.finish();

  // pid 300's heap: one new page a millisecond (pages 1..5 of kHeap).
  ASSERT_EQ(q.growth()->series().size(), growth.series().size());
  const auto grown = q.growth()->growing();
  ASSERT_EQ(grown.size(), growth.growing().size());
  ASSERT_FALSE(grown.empty());
  EXPECT_EQ(grown[0].pid, kPid);
  EXPECT_EQ(grown[0].touched_growth(), growth.growing()[0].touched_growth());
  EXPECT_GT(grown[0].touched_growth(), 0u);

  ASSERT_EQ(q.locality().size(), expected.size());
  ASSERT_EQ(q.locality().size(), 2u);  // 300 and its child 301
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(q.locality()[i].pid, expected[i].pid);
    EXPECT_EQ(q.locality()[i].faults, expected[i].faults);
    EXPECT_EQ(q.locality()[i].sequential, expected[i].sequential);
    EXPECT_EQ(q.locality()[i].distances.hits_at, expected[i].distances.hits_at);
    EXPECT_EQ(q.locality()[i].intervals.size(), expected[i].intervals.size());
  }
  EXPECT_EQ(q.locality()[0].faults, 5u);
  EXPECT_EQ(q.locality()[0].sequential, 4u);  // kHeap + 1..5 pages, in order
}
