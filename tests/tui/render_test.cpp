// Rendering is checked on a Canvas: what a terminal of that size would show.
#include "tests/support/canvas_text.h"
#include "tui/render.h"

#include <gtest/gtest.h>

#include "tui/keys.h"

using namespace pagescope::tui;

namespace {
using pagescope::testing::screen_text;
Frame frame(uint64_t s, double faults) {
  Frame f;
  f.ts_ns = s * 1'000'000'000ull;
  f.system.mem_total_kb = 8 << 20;
  f.system.mem_used_kb = 2 << 20;
  f.system.faults_s = faults;
  f.system.tlb = {{"shootdown IPI", 12}};
  ProcessRow r;
  r.pid = 4242;
  r.comm = "fault-storm";
  r.minflt_s = faults;
  r.rss_kb = 51200;
  f.processes.push_back(r);
  return f;
}
}  // namespace

TEST(Render, TableAt80x24ShowsHeaderColumnsAndRows) {
  Explorer ex(SourceTraits{"/proc"}, false);
  for (uint64_t s = 1; s <= 10; ++s) ex.timeline().append(frame(s, double(s * 100)));
  Canvas c(24, 80);
  render(ex, c);
  std::string text = screen_text(c);
  EXPECT_NE(text.find("pagescope top"), std::string::npos);
  EXPECT_NE(text.find("[LIVE]"), std::string::npos);
  EXPECT_NE(text.find("Mem 2.0G/8.0G 25%"), std::string::npos) << text;
  EXPECT_NE(text.find("shootdown IPI 12"), std::string::npos) << text;
  EXPECT_NE(c.line(5).find("PID"), std::string::npos);
  EXPECT_NE(c.line(5).find("MINFLTv"), std::string::npos) << c.line(5);
  // A heading as wide as its column keeps every letter when sorted by it.
  ex.table().set_sort(Column::MajFlt);
  Canvas sorted(24, 80);
  render(ex, sorted);
  EXPECT_NE(sorted.line(5).find(" MAJFLTv "), std::string::npos) << sorted.line(5);
  EXPECT_NE(sorted.line(5).find(" MINFLT "), std::string::npos) << sorted.line(5);
  EXPECT_NE(c.line(5).find("COMMAND"), std::string::npos);
  EXPECT_NE(c.line(6).find("4242"), std::string::npos);
  EXPECT_NE(c.line(6).find("1000"), std::string::npos);
  EXPECT_NE(c.line(6).find("50M"), std::string::npos);
  EXPECT_NE(c.line(6).find("fault-storm"), std::string::npos);
  // The faults sparkline rises to its top glyph at the newest sample.
  std::string flt = c.line(4);
  size_t end = flt.find_last_not_of(' ', 39);
  EXPECT_EQ(flt[end], '#') << flt;
}

TEST(Render, DetailScreenDrawsBarListAndHeatmap) {
  Explorer ex(SourceTraits{"/proc"}, false);
  ex.timeline().append(frame(1, 10));
  ex.timeline().append(frame(2, 10));
  ex.handle_key(key::kEnter);
  ASSERT_EQ(ex.view(), Explorer::View::Detail);
  auto d = std::make_unique<ProcessDetail>(4242);
  VmaRow heap;
  heap.vma.start = 0x1000000;
  heap.vma.end = 0x1400000;
  heap.vma.perms = pagescope::model::kPermRead | pagescope::model::kPermWrite;
  heap.vma.path = "[heap]";
  heap.rss_kb = 100;
  d->update_from_rss(1'000'000'000, {heap});
  heap.rss_kb = 2100;
  d->update_from_rss(2'000'000'000, {heap});
  ex.set_detail(std::move(d));
  Canvas c(24, 80);
  render(ex, c);
  std::string text = screen_text(c);
  EXPECT_NE(text.find("pid 4242 fault-storm"), std::string::npos) << text;
  EXPECT_NE(text.find("(proxy, no BPF)"), std::string::npos);
  EXPECT_EQ(c.line(3), std::string(80, 'H'));
  EXPECT_NE(text.find("[heap]"), std::string::npos);
  EXPECT_NE(text.find("2000"), std::string::npos);  // kB/s of RSS growth in the list
  EXPECT_NE(text.find('#'), std::string::npos);     // the hot heatmap cell
}

TEST(Render, HelpAndPromptsAndTinyTerminal) {
  Explorer ex(SourceTraits{"/proc"}, false);
  ex.timeline().append(frame(1, 10));
  ex.handle_key('/');
  ex.handle_key('f');
  Canvas c(24, 80);
  render(ex, c);
  EXPECT_NE(c.line(23).find("Filter"), std::string::npos);
  ex.handle_key(key::kEnter);
  ex.handle_key('?');
  Canvas h(30, 100);
  render(ex, h);
  EXPECT_NE(screen_text(h).find("pagescope: keys"), std::string::npos);
  Canvas tiny(2, 10);
  render(ex, tiny);
  EXPECT_NE(tiny.line(0).find("terminal"), std::string::npos);
}

// A capture without some event sources: the line above the timeline names
// them, the columns they make show "-" instead of numbers, and the help
// lists every note in full.
TEST(Render, MissingSourcesShowAsDashesAndANoteLine) {
  SourceTraits traits{"capture"};
  traits.fault_rates_measured = false;
  traits.missing_notes = {"no minor/major per fault: perf_event_open: permission denied",
                          "no reclaim writes (swap-outs and file writeback): vmscan: tracefs is not mounted"};
  Explorer ex(traits, true);
  for (uint64_t s = 1; s <= 3; ++s) ex.timeline().append(frame(s, double(s * 100)));
  Canvas c(24, 100);
  render(ex, c);
  const std::string missing = c.line(21);  // above the timeline (22) and the status line (23)
  EXPECT_EQ(missing.rfind("MISSING no minor/major per fault: perf_event_open: permission denied; no reclaim", 0), 0u)
      << screen_text(c);
  const std::string row = c.line(6);
  EXPECT_NE(row.find("4242"), std::string::npos) << screen_text(c);
  EXPECT_EQ(row.find("100"), std::string::npos) << row;  // the frame's 100 faults/s are not shown as measured
  EXPECT_EQ(row.substr(0, 22), "   4242       -      -") << row;
  EXPECT_NE(row.find("50M"), std::string::npos) << row;  // RSS was measured

  // A narrow terminal cuts the line and points to the help.
  Canvas narrow(24, 60);
  render(ex, narrow);
  EXPECT_NE(narrow.line(21).find("(? lists all)"), std::string::npos) << narrow.line(21);
  ex.handle_key('?');
  Canvas h(40, 100);
  render(ex, h);
  const std::string help = screen_text(h);
  EXPECT_NE(help.find("This capture lacks event sources"), std::string::npos) << help;
  EXPECT_NE(help.find("  no reclaim writes (swap-outs and file writeback): vmscan: tracefs"), std::string::npos)
      << help;
  EXPECT_NE(help.find("    mounted"), std::string::npos) << help;  // wrapped at a space, not cut

  // Without notes, the table reaches down to the timeline as before.
  Explorer plain(SourceTraits{"capture"}, true);
  plain.timeline().append(frame(1, 100));
  Canvas p(24, 100);
  render(plain, p);
  EXPECT_EQ(p.line(21).find("MISSING"), std::string::npos);
  EXPECT_NE(p.line(6).find("100"), std::string::npos) << p.line(6);
}
