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
