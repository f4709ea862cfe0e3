// A capture written with the real writer and read back by `tui FILE`'s source.
#include "tui/capture_replay.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "capture_records.h"
#include <cmath>
#include <optional>
#include <vector>

#include "inspector/capture/writer.h"
#include "inspector/model/capture_replay.h"
#include "inspector/model/interval_grid.h"
#include "inspector/model/process_table.h"
#include "inspector/model/timeline.h"
#include "tui/process_table_view.h"

using namespace pagescope;
using namespace pagescope::tui;

TEST(CaptureReplay, OpensAFileAndBuildsFramesAndDetail) {
  std::string path = ::testing::TempDir() + "/tui_replay_" + std::to_string(getpid()) + ".psc";
  {
    auto w = capture::CaptureWriter::create(path, capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    const auto story = tui::testing::worker_story();  // a named copy: all() returns a reference into it
    for (const auto& r : story.all()) {
      Status s = w->append(r.data(), r.size());
      ASSERT_TRUE(s.ok()) << s.message();
    }
    ASSERT_TRUE(w->close().ok());
  }
  auto replay = CaptureReplay::open(path, 1'000'000'000);
  ASSERT_TRUE(replay) << replay.error().message;
  EXPECT_EQ(replay->frames().size(), 3u);
  EXPECT_TRUE(replay->traits().per_fault_addresses);
  auto detail = replay->detail(100);
  ASSERT_EQ(detail.size(), 3u);
  EXPECT_EQ(detail[1].second.spans.size(), 1u);
  unlink(path.c_str());
}

TEST(CaptureReplay, ErrorsNameTheFile) {
  auto missing = CaptureReplay::open("/nonexistent/run.psc", 1'000'000'000);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/run.psc"), std::string::npos);
}

// A capture whose header says memory syscalls and minor/major were
// unavailable: the traits say which columns are not measured, and the notes
// (what the screen shows above the timeline) name each source and its reason.
TEST(CaptureReplay, MissingSourcesReachTheTraits) {
  using capture::Source;
  using capture::SourceState;
  std::string path = ::testing::TempDir() + "/tui_replay_sources_" + std::to_string(getpid()) + ".psc";
  capture::HostInfo host;
  for (size_t i = 0; i < capture::kSourceCount; ++i) host.sources.set(Source(i), SourceState::kOn, "");
  host.sources.set(Source::kMmSyscalls, SourceState::kUnavailable, "syscalls: tracefs is not mounted");
  host.sources.set(Source::kFaultKinds, SourceState::kUnavailable, "perf_event_open: permission denied");
  host.sources.set(Source::kAccessBits, SourceState::kNotRequested, "--access-interval");
  {
    auto w = capture::CaptureWriter::create(path, host);
    ASSERT_TRUE(w) << w.error().message;
    const auto story = tui::testing::worker_story();
    for (const auto& r : story.all()) ASSERT_TRUE(w->append(r.data(), r.size()).ok());
    ASSERT_TRUE(w->close().ok());
  }
  auto replay = CaptureReplay::open(path, 1'000'000'000);
  ASSERT_TRUE(replay) << replay.error().message;
  const SourceTraits& t = replay->traits();
  EXPECT_FALSE(t.fault_rates_measured);
  EXPECT_TRUE(t.snapshots_measured);
  EXPECT_TRUE(t.system_measured);
  ASSERT_EQ(t.missing_notes.size(), 2u);  // the unavailable ones; not the sampler nobody asked for
  EXPECT_EQ(t.missing_notes[0], "no minor/major per fault: perf_event_open: permission denied");
  EXPECT_EQ(t.missing_notes[1],
            "no memory-syscall records (mmap, munmap, mprotect, mremap, brk, madvise): syscalls: tracefs is not mounted");
  EXPECT_FALSE(column_measured(t, Column::MinFlt));
  EXPECT_FALSE(column_measured(t, Column::MajFlt));
  EXPECT_TRUE(column_measured(t, Column::Rss));
  const ProcessRow& row = replay->frames().at(0).processes.at(0);
  EXPECT_EQ(format_cell(row, Column::MinFlt, t), "-");
  EXPECT_NE(format_cell(row, Column::MinFlt), "-");  // the frame holds a number; the traits hide it
  unlink(path.c_str());
}

// A capture that does not say: everything counts as measured, no notes.
TEST(CaptureReplay, CaptureWithoutSourcesKeepsEveryColumn) {
  std::string path = ::testing::TempDir() + "/tui_replay_old_" + std::to_string(getpid()) + ".psc";
  {
    auto w = capture::CaptureWriter::create(path, capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    const auto story = tui::testing::worker_story();
    for (const auto& r : story.all()) ASSERT_TRUE(w->append(r.data(), r.size()).ok());
    ASSERT_TRUE(w->close().ok());
  }
  auto replay = CaptureReplay::open(path, 1'000'000'000);
  ASSERT_TRUE(replay) << replay.error().message;
  EXPECT_TRUE(replay->traits().fault_rates_measured);
  EXPECT_TRUE(replay->traits().missing_notes.empty());
  unlink(path.c_str());
}

namespace {

// Faults per interval as `inspect --timeline` counts them: rows cut from the
// capture's time zero (the header's start, else the first record).
std::vector<uint64_t> timeline_faults(const std::string& path, uint64_t interval_ns) {
  model::ProcessTable table;
  auto run = model::replay_capture(path, [&](const ps_header& h) { table.apply(h); });
  EXPECT_TRUE(run) << run.error().message;
  const uint64_t zero = model::capture_time_zero(run->host.start_ns, table.totals().first_ts_ns);
  model::TimelineBuilder timeline(zero, interval_ns, std::nullopt);
  EXPECT_TRUE(model::replay_capture(path, [&](const ps_header& h) { timeline.add(h); }));
  std::vector<uint64_t> out;
  for (const auto& row : timeline.rows()) out.push_back(row.minor_faults + row.major_faults);
  return out;
}

// The same from the TUI's frames: each frame's rates times its length, summed
// over processes, put in the timeline row where the frame starts.
std::vector<uint64_t> frame_faults(const CaptureReplay& replay, uint64_t zero, uint64_t interval_ns) {
  std::vector<uint64_t> out;
  for (const Frame& f : replay.frames()) {
    double faults = 0;
    for (const ProcessRow& p : f.processes) faults += (p.minflt_s + p.majflt_s) * double(f.interval_ns) / 1e9;
    const uint64_t start = f.ts_ns - f.interval_ns;
    const size_t row = start > zero ? size_t((start - zero) / interval_ns) : 0;
    if (out.size() <= row) out.resize(row + 1);
    out[row] += uint64_t(std::llround(faults));
  }
  return out;
}

}  // namespace

// Issue 17.3: a capture whose recording started 300 ms before its first
// record. The TUI's one-second frames and `inspect --timeline` cut the same
// intervals, so each frame counts exactly the faults of its timeline row.
TEST(CaptureReplay, FramesCountTheSameFaultsAsTheTimelineRows) {
  std::string path = ::testing::TempDir() + "/tui_replay_grid_" + std::to_string(getpid()) + ".psc";
  capture::HostInfo host;
  host.start_ns = 450'000'000;  // the story's first record is at 1 s
  {
    auto w = capture::CaptureWriter::create(path, host);
    ASSERT_TRUE(w) << w.error().message;
    const auto story = tui::testing::worker_story();
    for (const auto& r : story.all()) ASSERT_TRUE(w->append(r.data(), r.size()).ok());
    ASSERT_TRUE(w->close().ok());
  }
  const uint64_t sec = 1'000'000'000;
  auto replay = CaptureReplay::open(path, sec);
  ASSERT_TRUE(replay) << replay.error().message;
  const std::vector<uint64_t> rows = timeline_faults(path, sec);
  // [0.45,1.45) [1.45,2.45) [2.45,3.45) [3.45,3.5]; frames from the first record would count 10, 20, 6.
  EXPECT_EQ(rows, (std::vector<uint64_t>{10, 20, 5, 1}));
  EXPECT_EQ(frame_faults(*replay, host.start_ns, sec), rows);
  EXPECT_EQ(replay->frames().front().ts_ns, host.start_ns + sec);  // the first frame ends one interval after zero
  unlink(path.c_str());
}

// The same on the bundled demo capture (zipf under a memory cgroup, 3 s).
TEST(CaptureReplay, DemoCaptureFramesMatchTheTimelineExactly) {
  const std::string path = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";
  const uint64_t sec = 1'000'000'000;
  auto replay = CaptureReplay::open(path, sec);
  ASSERT_TRUE(replay) << replay.error().message;
  const std::vector<uint64_t> rows = timeline_faults(path, sec);
  model::ProcessTable table;
  auto run = model::replay_capture(path, [&](const ps_header& h) { table.apply(h); });
  ASSERT_TRUE(run);
  const uint64_t zero = model::capture_time_zero(run->host.start_ns, table.totals().first_ts_ns);
  const std::vector<uint64_t> frames = frame_faults(*replay, zero, sec);
  ASSERT_EQ(frames.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(frames[i], rows[i]) << "interval " << i;
}
