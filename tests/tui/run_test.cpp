// The explorer's one loop, on a fake terminal: what the driver appends is
// drawn, keys become driver actions, and the run ends on q, run_for_ms, a
// signal or an error, as `top` and `tui FILE` rely on. Then the two real
// drivers under it: a live Source sampled on its interval, a capture's frames.
#include "tests/support/canvas_text.h"
#include "tui/run.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "tui/capture_driver.h"
#include "tui/keys.h"
#include "tui/live_driver.h"

using namespace pagescope;
using namespace pagescope::tui;

namespace {
using pagescope::testing::screen_text;

// Plays its keys in order, then times out (sleeping at most 2 ms of the wait,
// so run_for_ms tests stay short); keeps the last frame shown.
class FakeTerminal : public Terminal {
 public:
  struct Log {
    std::vector<std::string> shown;
    std::vector<int> waits;
    int reads = 0;
    int interrupt_after_reads = -1;  // -1: never
  };
  FakeTerminal(Log& log, std::deque<int> keys) : log_(log), keys_(std::move(keys)) {}
  int rows() const override { return 24; }
  int cols() const override { return 100; }
  void show(const Canvas& canvas) override { log_.shown.push_back(screen_text(canvas)); }
  int read_key(int timeout_ms) override {
    ++log_.reads;
    log_.waits.push_back(timeout_ms);
    if (!keys_.empty()) {
      int k = keys_.front();
      keys_.pop_front();
      return k;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 2)));
    return key::kNone;
  }
  bool interrupted() const override {
    return log_.interrupt_after_reads >= 0 && log_.reads >= log_.interrupt_after_reads;
  }

 private:
  Log& log_;
  std::deque<int> keys_;
};

OpenTerminal fake(FakeTerminal::Log& log, std::deque<int> keys, std::vector<std::string>* events = nullptr) {
  return [&log, keys, events]() -> Result<std::unique_ptr<Terminal>> {
    if (events) events->push_back("open");
    return std::unique_ptr<Terminal>(std::make_unique<FakeTerminal>(log, keys));
  };
}

Frame frame(uint64_t s, const std::string& comm) {
  Frame f;
  f.ts_ns = s * 1'000'000'000ull;
  f.interval_ns = 1'000'000'000ull;
  ProcessRow r;
  r.pid = 4242;
  r.comm = comm;
  r.minflt_s = 10;
  f.processes.push_back(r);
  return f;
}

// Appends one frame on its first poll; logs the rest.
class FakeDriver : public ExplorerDriver {
 public:
  explicit FakeDriver(std::vector<std::string>& events) : events_(events) {}
  Explorer make_explorer(const ExplorerOptions& o) override {
    return Explorer(SourceTraits{"fake"}, false, o.interval_ms, 10);
  }
  Status setup(Explorer&, uint64_t) override {
    events_.push_back("setup");
    if (!setup_error.empty()) return Error{setup_error, ErrorKind::kPermission};
    return Status::Ok();
  }
  bool poll(Explorer& ex, uint64_t) override {
    ++polls;
    if (polls > 1) return false;
    ex.timeline().append(frame(1, "polled-proc"));
    return true;
  }
  int wait_ms(const Explorer&, uint64_t) const override { return 7; }
  void on_action(Explorer&, Explorer::Action a, uint64_t) override { actions.push_back(a); }

  std::string setup_error;
  int polls = 0;
  std::vector<Explorer::Action> actions;

 private:
  std::vector<std::string>& events_;
};

}  // namespace

TEST(RunExplorer, DrawsWhatThePollAppendedThenQuitsOnQ) {
  std::vector<std::string> events;
  FakeDriver driver(events);
  FakeTerminal::Log log;
  auto end = run_explorer(driver, ExplorerOptions{}, fake(log, {'q'}, &events));
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_EQ(*end, RunEnd::Quit);
  EXPECT_EQ(events, (std::vector<std::string>{"setup", "open"}));
  EXPECT_EQ(driver.polls, 1);
  ASSERT_EQ(log.shown.size(), 1u);
  EXPECT_NE(log.shown[0].find("polled-proc"), std::string::npos) << log.shown[0];
  EXPECT_EQ(log.waits, std::vector<int>{7});  // the driver's wait
  EXPECT_TRUE(driver.actions.empty());  // Quit ends the loop, it is not the driver's
}

TEST(RunExplorer, KeysActOnTheExplorerAndItsActionsGoToTheDriver) {
  std::vector<std::string> events;
  FakeDriver driver(events);
  FakeTerminal::Log log;
  ExplorerOptions o;
  // Enter opens the detail and Escape closes it (actions); 'x' means nothing (no action).
  auto end = run_explorer(driver, o, fake(log, {key::kEnter, key::kEscape, 'x', 'q'}));
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, RunEnd::Quit);
  EXPECT_EQ(driver.actions, (std::vector<Explorer::Action>{Explorer::Action::OpenDetail,
                                                            Explorer::Action::CloseDetail}));
  // A key redraws: the first frame, then one per key before q.
  EXPECT_EQ(log.shown.size(), 4u);
}

TEST(RunExplorer, RunForMsEndsWithQuitAndPollsMeanwhile) {
  std::vector<std::string> events;
  FakeDriver driver(events);
  FakeTerminal::Log log;
  ExplorerOptions o;
  o.run_for_ms = 40;
  auto t0 = std::chrono::steady_clock::now();
  auto end = run_explorer(driver, o, fake(log, {}));
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, RunEnd::Quit);
  // The loop counts whole milliseconds from a truncated start: up to 1 ms short of 40.
  EXPECT_GE(took, std::chrono::milliseconds(39));
  EXPECT_GT(driver.polls, 2);
  EXPECT_EQ(log.shown.size(), 1u);  // nothing changed after the first frame: no redraw
}

TEST(RunExplorer, AnInterruptedTerminalEndsTheRunAsInterrupted) {
  std::vector<std::string> events;
  FakeDriver driver(events);
  FakeTerminal::Log log;
  log.interrupt_after_reads = 3;
  auto end = run_explorer(driver, ExplorerOptions{}, fake(log, {}));
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, RunEnd::Interrupted);
  EXPECT_EQ(log.reads, 3);
}

TEST(RunExplorer, SetupFailsBeforeTheTerminalOpensAndNoTerminalIsAnError) {
  std::vector<std::string> events;
  FakeDriver driver(events);
  driver.setup_error = "cannot read /proc";
  FakeTerminal::Log log;
  auto end = run_explorer(driver, ExplorerOptions{}, fake(log, {'q'}, &events));
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().message, "cannot read /proc");
  EXPECT_EQ(end.error().kind, ErrorKind::kPermission);
  EXPECT_EQ(events, std::vector<std::string>{"setup"});  // the terminal was never opened

  driver.setup_error.clear();
  end = run_explorer(driver, ExplorerOptions{},
                     []() -> Result<std::unique_ptr<Terminal>> { return Error{"needs an interactive terminal"}; });
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().message, "needs an interactive terminal");
  EXPECT_EQ(driver.polls, 0);
}

namespace {

// A live source whose one process faults 10 more times per sample.
class CountingSource : public Source {
 public:
  const SourceTraits& traits() const override { return traits_; }
  Result<Snapshot> sample() override {
    if (fail) return Error{"no /proc here"};
    ++samples;
    Snapshot s;
    s.ts_ns = uint64_t(samples) * 10'000'000ull;
    model::ProcessCounters p;
    p.pid = 77;
    p.comm = "live-proc";
    p.min_flt = uint64_t(samples) * 10;
    s.processes.push_back(p);
    return s;
  }
  Result<std::vector<VmaRow>> vmas(int32_t pid, bool) override {
    watched_vmas.push_back(pid);
    return std::vector<VmaRow>{};
  }
  void watch(int32_t pid) override { watched.push_back(pid); }

  bool fail = false;
  int samples = 0;
  std::vector<int32_t> watched, watched_vmas;

 private:
  SourceTraits traits_{"fake-live"};
};

class FakeCapture : public ReplaySource {
 public:
  FakeCapture() {
    for (uint64_t s = 1; s <= 3; ++s) frames_.push_back(frame(s, "captured-proc"));
  }
  const SourceTraits& traits() const override { return traits_; }
  const std::vector<Frame>& frames() const override { return frames_; }
  std::vector<std::pair<uint64_t, ReplayDetail>> detail(int32_t pid) override {
    detail_pids.push_back(pid);
    return {};
  }
  std::vector<int32_t> detail_pids;

 private:
  SourceTraits traits_{"capture"};
  std::vector<Frame> frames_;
};

}  // namespace

TEST(LiveDriver, SamplesOnItsIntervalAndEachSampleIsDrawn) {
  CountingSource source;
  ExplorerOptions o;
  o.interval_ms = 10;
  o.run_for_ms = 120;
  LiveDriver driver(source, o);
  FakeTerminal::Log log;
  auto end = run_explorer(driver, o, fake(log, {}));
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_EQ(*end, RunEnd::Quit);
  // One sample before the terminal, then one per 10 ms for 120 ms (a loaded host samples fewer).
  EXPECT_GE(source.samples, 4);
  EXPECT_LE(source.samples, 14);
  ASSERT_FALSE(log.shown.empty());
  EXPECT_NE(log.shown.back().find("live-proc"), std::string::npos) << log.shown.back();
  EXPECT_NE(log.shown.back().find("fake-live"), std::string::npos) << log.shown.back();
}

TEST(LiveDriver, OpensTheDetailOfTheSelectedProcessAndTheFirstSampleFailureIsTheError) {
  CountingSource source;
  ExplorerOptions o;
  o.interval_ms = 10;
  LiveDriver driver(source, o);
  Explorer ex = driver.make_explorer(o);
  ASSERT_TRUE(driver.setup(ex, 0));
  EXPECT_TRUE(driver.poll(ex, 10));  // due: a frame
  EXPECT_FALSE(driver.poll(ex, 11));
  EXPECT_EQ(driver.wait_ms(ex, 11), 9);
  ASSERT_EQ(ex.handle_key(key::kEnter), Explorer::Action::OpenDetail);
  driver.on_action(ex, Explorer::Action::OpenDetail, 12);
  EXPECT_EQ(source.watched, std::vector<int32_t>{77});
  EXPECT_EQ(source.watched_vmas, std::vector<int32_t>{77});
  ASSERT_NE(ex.detail(), nullptr);
  EXPECT_EQ(ex.detail()->pid(), 77);

  CountingSource broken;
  broken.fail = true;
  LiveDriver broken_driver(broken, o);
  FakeTerminal::Log log;
  auto end = run_explorer(broken_driver, o, fake(log, {'q'}));
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().message, "no /proc here");
  EXPECT_EQ(log.reads, 0);
}

TEST(CaptureDriver, ShowsTheCapturesFramesFromTheFirstAndBuildsTheDetailFromIt) {
  FakeCapture capture;
  CaptureDriver driver(capture);
  FakeTerminal::Log log;
  ExplorerOptions o;
  auto end = run_explorer(driver, o, fake(log, {key::kEnter, 'q'}));
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, RunEnd::Quit);
  ASSERT_FALSE(log.shown.empty());
  EXPECT_NE(log.shown.front().find("captured-proc"), std::string::npos) << log.shown.front();
  EXPECT_EQ(capture.detail_pids, std::vector<int32_t>{4242});

  Explorer ex = driver.make_explorer(o);
  ASSERT_TRUE(driver.setup(ex, 0));
  EXPECT_EQ(ex.timeline().size(), 3u);
  EXPECT_EQ(ex.timeline().cursor(), 0u);  // a capture starts at its beginning, paused
  EXPECT_FALSE(driver.poll(ex, 0));       // no replay job: nothing changes by itself
  EXPECT_EQ(driver.wait_ms(ex, 0), 1000);
}
