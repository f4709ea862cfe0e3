#include "tui/timeline.h"

#include <gtest/gtest.h>

using namespace pagescope::tui;

namespace {
Frame at(uint64_t s) {
  Frame f;
  f.ts_ns = s * 1'000'000'000ull;
  return f;
}
}  // namespace

TEST(Timeline, LiveFollowsTheNewestFramePauseHoldsTheCursor) {
  Timeline t;
  t.append(at(1));
  t.append(at(2));
  EXPECT_EQ(t.cursor(), 1u);
  t.toggle_pause();
  EXPECT_EQ(t.mode(), Timeline::Mode::Paused);
  t.append(at(3));
  EXPECT_EQ(t.cursor(), 1u);  // still on the frame it paused on
  t.toggle_pause();
  EXPECT_EQ(t.mode(), Timeline::Mode::Follow);
  EXPECT_EQ(t.cursor(), 2u);
}

TEST(Timeline, StepHomeEndClampAndPause) {
  Timeline t;
  for (int i = 0; i < 5; ++i) t.append(at(i));
  t.step(-2);
  EXPECT_EQ(t.cursor(), 2u);
  EXPECT_EQ(t.mode(), Timeline::Mode::Paused);
  t.step(-10);
  EXPECT_EQ(t.cursor(), 0u);
  t.step(+100);
  EXPECT_EQ(t.cursor(), 4u);
  t.home();
  EXPECT_EQ(t.cursor(), 0u);
  t.end();
  EXPECT_EQ(t.cursor(), 4u);
  EXPECT_EQ(t.mode(), Timeline::Mode::Follow);
}

TEST(Timeline, GoToFindsTheFrameAtOrBefore) {
  Timeline t;
  for (int i : {10, 20, 30}) t.append(at(i));
  t.go_to(25'000'000'000ull);
  EXPECT_EQ(t.cursor(), 1u);
  t.go_to(5'000'000'000ull);
  EXPECT_EQ(t.cursor(), 0u);
  t.go_to(30'000'000'000ull);
  EXPECT_EQ(t.cursor(), 2u);
}

TEST(Timeline, PlayAdvancesByCaptureTimeTimesSpeed) {
  Timeline t;
  t.set_replay(true);
  for (int i = 0; i < 30; ++i) t.append(at(i));
  EXPECT_EQ(t.mode(), Timeline::Mode::Paused);
  t.home();
  t.play(1);
  EXPECT_FALSE(t.tick(500'000'000));  // half a frame
  EXPECT_TRUE(t.tick(600'000'000));
  EXPECT_EQ(t.cursor(), 1u);
  t.play(10);
  EXPECT_TRUE(t.tick(1'000'000'000));  // 10 s of capture
  EXPECT_EQ(t.cursor(), 11u);
  t.tick(100'000'000'000ull);  // far past the end: stops on the last frame, paused
  EXPECT_EQ(t.cursor(), 29u);
  EXPECT_EQ(t.mode(), Timeline::Mode::Paused);
  t.home();
  t.toggle_pause();  // a replay resumes playing, not following
  EXPECT_EQ(t.mode(), Timeline::Mode::Playing);
  EXPECT_EQ(t.speed(), 10);
}

TEST(Timeline, CapacityDropsOldestAndKeepsThePausedFrame) {
  Timeline t(3);
  for (int i = 0; i < 3; ++i) t.append(at(i));
  t.step(-1);  // on ts 1
  t.append(at(3));
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.current()->ts_ns, 1'000'000'000u);
}
