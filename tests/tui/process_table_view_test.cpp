#include "tui/process_table_view.h"

#include <gtest/gtest.h>

using namespace pagescope::tui;

namespace {
Frame sample_frame() {
  Frame f;
  auto row = [](int32_t pid, const char* comm, double minflt, double majflt, uint64_t rss) {
    ProcessRow r;
    r.pid = pid;
    r.comm = comm;
    r.minflt_s = minflt;
    r.majflt_s = majflt;
    r.rss_kb = rss;
    return r;
  };
  f.processes = {row(1, "systemd", 5, 0, 9000), row(42, "Postgres", 900, 3, 500000),
                 row(77, "bash", 900, 0, 4000), row(100, "postgres-wal", 10, 8, 70000)};
  return f;
}
std::vector<int32_t> pids(const Frame& f, const std::vector<size_t>& order) {
  std::vector<int32_t> out;
  for (size_t i : order) out.push_back(f.processes[i].pid);
  return out;
}
}  // namespace

TEST(ProcessTableView, SortsDescendingByFaultsWithPidTieBreak) {
  Frame f = sample_frame();
  ProcessTableView v;
  EXPECT_EQ(v.sort_column(), Column::MinFlt);
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{42, 77, 100, 1}));
}

TEST(ProcessTableView, ChoosingAColumnAgainFlipsDirection) {
  Frame f = sample_frame();
  ProcessTableView v;
  v.sort_by(Column::Rss);
  EXPECT_TRUE(v.descending());
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{42, 100, 1, 77}));
  v.sort_by(Column::Rss);
  EXPECT_FALSE(v.descending());
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{77, 1, 100, 42}));
  v.sort_by(Column::Pid);  // pid's natural order is ascending
  EXPECT_FALSE(v.descending());
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{1, 42, 77, 100}));
  v.sort_by(Column::Comm);
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{42, 77, 100, 1}));  // "Postgres" < "bash" bytewise
}

TEST(ProcessTableView, NextAndPrevCycleThroughAllColumns) {
  ProcessTableView v;
  v.sort_by(Column::Pid);
  v.sort_prev();
  EXPECT_EQ(v.sort_column(), Column::Comm);
  v.sort_next();
  EXPECT_EQ(v.sort_column(), Column::Pid);
  v.sort_next();
  EXPECT_EQ(v.sort_column(), Column::MinFlt);
  EXPECT_TRUE(v.descending());
}

TEST(ProcessTableView, FilterIsCaseInsensitiveSubstringOrExactPid) {
  Frame f = sample_frame();
  ProcessTableView v;
  v.set_filter("postgres");
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{42, 100}));
  v.set_filter("77");
  EXPECT_EQ(pids(f, v.arrange(f)), (std::vector<int32_t>{77}));
  v.set_filter("nothing");
  EXPECT_TRUE(v.arrange(f).empty());
}

TEST(ProcessTableView, SelectionFollowsThePidAcrossResorts) {
  Frame f = sample_frame();
  ProcessTableView v;
  auto order = v.arrange(f);
  EXPECT_EQ(v.selected_row(f, order), 0u);  // nothing selected yet: the first row
  EXPECT_EQ(v.selected_pid(), 42);
  EXPECT_EQ(v.move_selection(f, order, 2), 2u);
  EXPECT_EQ(v.selected_pid(), 100);
  EXPECT_EQ(v.move_selection(f, order, 10), 3u);  // clamped
  EXPECT_EQ(v.selected_pid(), 1);
  v.sort_by(Column::Pid);
  EXPECT_EQ(v.selected_row(f, v.arrange(f)), 0u);  // pid 1 is now first
  EXPECT_EQ(v.selected_pid(), 1);
}

TEST(ProcessTableView, CellsShowDashForUnknown) {
  ProcessRow r;
  r.pid = 5;
  r.rss_kb = 20480;
  r.minflt_s = 2.5;
  EXPECT_EQ(format_cell(r, Column::Wss), "-");
  EXPECT_EQ(format_cell(r, Column::Tlb), "-");
  EXPECT_EQ(format_cell(r, Column::Stall), "-");
  EXPECT_EQ(format_cell(r, Column::Rss), "20M");
  EXPECT_EQ(format_cell(r, Column::MinFlt), "2.5");
  r.wss_kb = 512;
  EXPECT_EQ(format_cell(r, Column::Wss), "512K");
  EXPECT_EQ(format_kb(3 * 1024 * 1024), "3.0G");
  EXPECT_EQ(format_rate(0), "0");
  EXPECT_EQ(format_rate(12345.4), "12345");
}

TEST(ProcessTableView, SetSortUsesTheNaturalDirectionEvenWhenAlreadyChosen) {
  ProcessTableView v;
  v.set_sort(Column::MinFlt);
  EXPECT_TRUE(v.descending());
  v.set_sort(Column::Pid);
  EXPECT_FALSE(v.descending());
}
