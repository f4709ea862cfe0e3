// A capture written with the real writer and read back by `tui FILE`'s source.
#include "tui/capture_replay.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "capture_records.h"
#include "inspector/capture/writer.h"

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
