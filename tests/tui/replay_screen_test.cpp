// The replay screen's state and keys, the miss-ratio plot, and the real run's
// totals from frames: all without a terminal or a simulator run.
#include "tests/support/canvas_text.h"
#include "tui/replay_screen.h"

#include <gtest/gtest.h>

#include "tui/canvas.h"
#include "tui/explorer.h"
#include "tui/frame.h"
#include "tui/keys.h"
#include "tui/mrc_plot.h"
#include "tui/render.h"

namespace pagescope::tui {
namespace {
using pagescope::testing::screen_text;

void type(ReplayScreen& s, const std::string& text) {
  for (char c : text) s.handle_key(c);
}

TEST(ReplayScreen, FieldsAreEditedByTypingAndQIsText) {
  ReplayScreen s;
  EXPECT_EQ(s.field(), ReplayScreen::Field::Policies);
  for (size_t i = 0, n = s.text(ReplayScreen::Field::Policies).size(); i < n; ++i) s.handle_key(key::kBackspace);
  type(s, "lru,sieve");
  EXPECT_EQ(s.text(ReplayScreen::Field::Policies), "lru,sieve");
  EXPECT_EQ(s.handle_key(key::kDown), ReplayScreen::Action::None);
  EXPECT_EQ(s.field(), ReplayScreen::Field::Memory);
  s.set_text(ReplayScreen::Field::Memory, "");
  EXPECT_EQ(s.handle_key('q'), ReplayScreen::Action::None);  // typed, not quit
  EXPECT_EQ(s.text(ReplayScreen::Field::Memory), "q");
  s.handle_key(key::kUp);
  s.handle_key(key::kUp);
  EXPECT_EQ(s.field(), ReplayScreen::Field::Tiers);  // wraps around
  EXPECT_EQ(s.handle_key(key::kEnter), ReplayScreen::Action::Run);
  EXPECT_EQ(s.handle_key(key::kEscape), ReplayScreen::Action::Close);
}

TEST(ReplayScreen, RunningThenDoneThenBackToSetup) {
  ReplayScreen s;
  s.started();
  EXPECT_EQ(s.state(), ReplayScreen::State::Running);
  EXPECT_EQ(s.handle_key('x'), ReplayScreen::Action::None);
  s.progress(0.5, "replay lru 4K");
  EXPECT_DOUBLE_EQ(s.fraction(), 0.5);
  ReplayResults r;
  r.rows.resize(3);
  s.finished(r);
  EXPECT_EQ(s.state(), ReplayScreen::State::Done);
  EXPECT_EQ(s.results().rows.size(), 3u);
  EXPECT_EQ(s.handle_key('q'), ReplayScreen::Action::Quit);
  EXPECT_EQ(s.handle_key(key::kEscape), ReplayScreen::Action::None);
  EXPECT_EQ(s.state(), ReplayScreen::State::Setup);
  s.started();
  EXPECT_EQ(s.handle_key(key::kEscape), ReplayScreen::Action::Cancel);
  EXPECT_EQ(s.state(), ReplayScreen::State::Setup);
  s.failed("policies: unknown policy 'x'");
  EXPECT_EQ(s.message(), "policies: unknown policy 'x'");
}

TEST(ReplayScreen, ExplorerOpensItOnlyOverACapture) {
  Explorer replay(SourceTraits{"capture"}, /*replay=*/true);
  replay.handle_key('R');
  EXPECT_EQ(replay.view(), Explorer::View::Replay);
  EXPECT_EQ(replay.handle_key('q'), Explorer::Action::None);  // typed into the policies field
  EXPECT_EQ(replay.handle_key(key::kEnter), Explorer::Action::StartReplay);
  EXPECT_EQ(replay.handle_key(key::kEscape), Explorer::Action::None);
  EXPECT_EQ(replay.view(), Explorer::View::Table);

  Explorer live(SourceTraits{"/proc"}, /*replay=*/false);
  live.handle_key('R');
  EXPECT_EQ(live.view(), Explorer::View::Table);
  EXPECT_NE(live.message().find("needs a capture"), std::string::npos);
  EXPECT_EQ(live.handle_key('r'), Explorer::Action::ToggleRecord);
  EXPECT_EQ(replay.handle_key('r'), Explorer::Action::None);
}

TEST(FrameTotals, PeakRssIsTheLargestSumAndMajorFaultsAddUp) {
  std::vector<Frame> frames(2);
  frames[0].interval_ns = 1'000'000'000;
  frames[0].processes = {ProcessRow{1, "a", 0, 2.0, 0, 0, 100}, ProcessRow{2, "b", 0, 1.0, 0, 0, 50}};
  frames[1].interval_ns = 500'000'000;
  frames[1].processes = {ProcessRow{1, "a", 0, 4.0, 0, 0, 120}};
  FrameTotals t = frame_totals(frames);
  EXPECT_EQ(t.peak_rss_bytes, 150u * 1024);
  EXPECT_EQ(t.major_faults, 5u);  // 2 + 1 + 4 * 0.5
}

TEST(MrcPlot, CurvesOnALogAxisWithTheRealPoint) {
  ReplayCurve lru{"lru", {{1024, 1.0}, {4096, 0.5}, {16384, 0.25}}};
  ReplayCurve opt{"opt", {{1024, 0.5}, {16384, 0.25}}};
  RealPoint real{4096, 0.75, 3};
  MrcPlot p = plot_curves({lru, opt}, real, 5, 9);
  ASSERT_EQ(p.grid.size(), 5u);
  EXPECT_EQ(p.x_min, 1024u);
  EXPECT_EQ(p.x_max, 16384u);
  EXPECT_DOUBLE_EQ(p.y_max, 1.0);
  // Leftmost column: lru at 1.0 (top row), opt at 0.5 (middle row).
  EXPECT_EQ(p.grid[0][0], curve_glyph(0));
  EXPECT_EQ(p.grid[2][0], curve_glyph(1));
  // 4096 is halfway on the log axis: column 4; 0.75 -> row 1.
  EXPECT_EQ(p.real_col, 4);
  EXPECT_EQ(p.real_row, 1);
  EXPECT_EQ(p.grid[1][4], 'R');
  // Rightmost column: both at 0.25 (row 3); the first curve shows where they meet.
  EXPECT_EQ(p.grid[3][8], curve_glyph(0));
  // Opt's step curve holds 0.5 until 16K: alone below 4K, under lru from 4K on.
  EXPECT_EQ(p.grid[2][2], curve_glyph(1));
  EXPECT_EQ(p.grid[0][2], curve_glyph(0));
  EXPECT_EQ(p.grid[2][6], curve_glyph(0));
}

TEST(MrcPlot, NothingToPlotLeavesAnEmptyGrid) {
  MrcPlot p = plot_curves({}, std::nullopt, 4, 10);
  EXPECT_EQ(p.x_max, 0u);
  for (const auto& row : p.grid) EXPECT_EQ(row, std::string(10, ' '));
}

TEST(ReplayScreen, RendersSetupAndResultsAt80x24) {
  Explorer ex(SourceTraits{"capture"}, /*replay=*/true);
  Frame f;
  f.ts_ns = 1'000'000'000;
  ex.timeline().append(f);
  ex.handle_key('R');
  ex.replay_screen().hints = {"Policies: comma list of lru fifo"};
  Canvas setup(24, 80);
  render(ex, setup);
  std::string s = screen_text(setup);
  EXPECT_NE(s.find("> Policies lru,fifo,clock,opt_"), std::string::npos) << s;
  EXPECT_NE(s.find("Memory   auto"), std::string::npos) << s;
  EXPECT_NE(s.find("comma list of lru fifo"), std::string::npos) << s;

  ReplayResults r;
  r.references = 1000;
  r.distinct_pages = 100;
  r.rows = {ReplayRow{"lru", "", 65536, 1000, 400}, ReplayRow{"opt", "", 65536, 1000, 200}};
  r.curves = {ReplayCurve{"lru", {{4096, 0.9}, {65536, 0.4}, {409600, 0.1}}},
              ReplayCurve{"opt", {{4096, 0.8}, {65536, 0.2}, {409600, 0.1}}}};
  r.real = RealPoint{131072, 0.3, 7};
  ex.replay_screen().started();
  ex.replay_screen().finished(r);
  Canvas done(24, 80);
  render(ex, done);
  s = screen_text(done);
  EXPECT_NE(s.find("POLICY   MEMORY      FAULTS  MISS%  vs REAL"), std::string::npos) << s;
  EXPECT_NE(s.find("lru         64K         400  40.0%     +33%"), std::string::npos) << s;
  EXPECT_NE(s.find("opt         64K         200  20.0%     -33%"), std::string::npos) << s;
  EXPECT_NE(s.find("R real run"), std::string::npos) << s;
  EXPECT_NE(s.find("7 major faults"), std::string::npos) << s;
  // Exactly one R in the plot area, and the y axis is labelled from 0.
  size_t plot_r = 0;
  for (int row = 5; row < 21; ++row) {
    std::string line = done.line(row);
    if (line.find('|') == std::string::npos) continue;
    plot_r += size_t(std::count(line.begin() + 7, line.end(), 'R'));
  }
  EXPECT_EQ(plot_r, 1u) << s;
  EXPECT_NE(s.find("0.000|"), std::string::npos) << s;
}

// What the trace could not deliver (here a source the capture lacked) is on
// the results screen, above the table, not only in `pagescope replay`'s stderr.
TEST(ReplayScreen, ResultsShowTheTracesCaveats) {
  Explorer ex(SourceTraits{"capture"}, /*replay=*/true);
  Frame f;
  f.ts_ns = 1'000'000'000;
  ex.timeline().append(f);
  ex.handle_key('R');
  ReplayResults r;
  r.references = 1000;
  r.distinct_pages = 100;
  r.rows = {ReplayRow{"lru", "", 65536, 1000, 400}};
  r.caveats = {"no fault error codes (read/write/exec): exceptions tracepoints: no BTF", "3 events were lost"};
  ex.replay_screen().started();
  ex.replay_screen().finished(r);
  Canvas done(24, 120);
  render(ex, done);
  EXPECT_EQ(done.line(2).rfind("caveat: no fault error codes (read/write/exec): exceptions tracepoints: no BTF (+1 more", 0),
            0u) << screen_text(done);
  EXPECT_NE(done.line(3).find("POLICY   MEMORY"), std::string::npos) << screen_text(done);
}

}  // namespace
}  // namespace pagescope::tui
