#include "tui/explorer.h"

#include <gtest/gtest.h>

#include "tui/keys.h"

using namespace pagescope::tui;

namespace {
Frame frame(uint64_t s) {
  Frame f;
  f.ts_ns = s * 1'000'000'000ull;
  for (int32_t pid : {3, 1, 2}) {
    ProcessRow r;
    r.pid = pid;
    r.comm = pid == 2 ? "worker" : "idle";
    r.minflt_s = pid * 10;
    r.rss_kb = uint64_t(100 - pid);
    f.processes.push_back(r);
  }
  return f;
}
Explorer live() {
  Explorer ex(SourceTraits{"/proc"}, false);
  ex.timeline().append(frame(1));
  ex.timeline().append(frame(2));
  return ex;
}
}  // namespace

TEST(Explorer, QuitKeys) {
  Explorer ex = live();
  EXPECT_EQ(ex.handle_key('q'), Explorer::Action::Quit);
  EXPECT_EQ(ex.handle_key(key::kF10), Explorer::Action::Quit);
}

TEST(Explorer, SortShortcutsAndF6Picker) {
  Explorer ex = live();
  ex.handle_key('M');
  EXPECT_EQ(ex.table().sort_column(), Column::Rss);
  ex.handle_key('P');
  EXPECT_EQ(ex.table().sort_column(), Column::Pid);
  ex.handle_key('F');
  EXPECT_EQ(ex.table().sort_column(), Column::MinFlt);
  ex.handle_key('F');
  EXPECT_EQ(ex.table().sort_column(), Column::MajFlt);
  ex.handle_key('>');
  EXPECT_EQ(ex.table().sort_column(), Column::SwapIn);
  ex.handle_key('<');
  ex.handle_key('<');
  EXPECT_EQ(ex.table().sort_column(), Column::MinFlt);
  ex.handle_key(key::kF6);
  EXPECT_EQ(ex.input(), Explorer::Input::SortPick);
  ex.handle_key(key::kRight);
  ex.handle_key(key::kRight);
  EXPECT_EQ(ex.table().sort_column(), Column::MinFlt);  // not applied until Enter
  ex.handle_key(key::kEnter);
  EXPECT_EQ(ex.input(), Explorer::Input::None);
  EXPECT_EQ(ex.table().sort_column(), Column::SwapIn);
  EXPECT_TRUE(ex.table().descending());
}

TEST(Explorer, FilterAppliesWhileTypingEscClears) {
  Explorer ex = live();
  ex.handle_key('/');
  for (char c : std::string("WORK")) ex.handle_key(c);
  EXPECT_EQ(ex.table().filter(), "WORK");
  EXPECT_EQ(ex.table().arrange(*ex.timeline().current()).size(), 1u);
  ex.handle_key(key::kBackspace);
  EXPECT_EQ(ex.table().filter(), "WOR");
  ex.handle_key(key::kEnter);
  EXPECT_EQ(ex.input(), Explorer::Input::None);
  EXPECT_EQ(ex.table().filter(), "WOR");
  // 'q' typed into the filter is text, not quit.
  ex.handle_key('/');
  EXPECT_EQ(ex.handle_key('q'), Explorer::Action::None);
  ex.handle_key(key::kEscape);
  EXPECT_EQ(ex.table().filter(), "");
}

TEST(Explorer, EnterOpensDetailOfTheSelectedProcessEscReturns) {
  Explorer ex = live();
  ex.handle_key(key::kDown);  // rows by minflt desc: 3, 2, 1
  EXPECT_EQ(ex.table().selected_pid(), 2);
  EXPECT_EQ(ex.handle_key(key::kEnter), Explorer::Action::OpenDetail);
  EXPECT_EQ(ex.view(), Explorer::View::Detail);
  EXPECT_EQ(ex.handle_key(key::kEscape), Explorer::Action::CloseDetail);
  EXPECT_EQ(ex.view(), Explorer::View::Table);
}

TEST(Explorer, PauseStepAndIntervalKeys) {
  Explorer ex = live();
  ex.handle_key(' ');
  EXPECT_EQ(ex.timeline().mode(), Timeline::Mode::Paused);
  ex.handle_key(key::kLeft);
  EXPECT_EQ(ex.timeline().cursor(), 0u);
  ex.handle_key(key::kEnd);
  EXPECT_EQ(ex.timeline().mode(), Timeline::Mode::Follow);
  EXPECT_EQ(ex.handle_key('+'), Explorer::Action::IntervalChanged);
  EXPECT_EQ(ex.interval_ms(), 2000);
  ex.handle_key('-');
  ex.handle_key('-');
  EXPECT_EQ(ex.interval_ms(), 500);
}

TEST(Explorer, HelpClosesOnAnyKey) {
  Explorer ex = live();
  ex.handle_key('?');
  EXPECT_TRUE(ex.help_shown());
  EXPECT_EQ(ex.handle_key('M'), Explorer::Action::None);
  EXPECT_FALSE(ex.help_shown());
  EXPECT_EQ(ex.table().sort_column(), Column::MinFlt);  // the key only closed help
}

TEST(Explorer, GoToParsesTimes) {
  EXPECT_EQ(parse_time_offset("90"), 90'000'000'000);
  EXPECT_EQ(parse_time_offset("1:30"), 90'000'000'000);
  EXPECT_EQ(parse_time_offset("1:00:01"), 3601'000'000'000);
  EXPECT_EQ(parse_time_offset("2.5"), 2'500'000'000);
  EXPECT_EQ(parse_time_offset("x"), -1);
  EXPECT_EQ(parse_time_offset(""), -1);
  Explorer ex(SourceTraits{"capture"}, true);
  for (uint64_t s = 100; s < 110; ++s) ex.timeline().append(frame(s));
  ex.handle_key('g');
  for (char c : std::string("0:04")) ex.handle_key(c);
  ex.handle_key(key::kEnter);
  EXPECT_EQ(ex.timeline().cursor(), 4u);
  ex.handle_key('g');
  ex.handle_key('z');
  ex.handle_key(key::kEnter);
  EXPECT_NE(ex.message().find("not a time"), std::string::npos);
  EXPECT_EQ(ex.timeline().cursor(), 4u);
}
