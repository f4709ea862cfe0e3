// The process table as the user arranged it: which column sorts and which
// way, the name filter, and which process is selected (kept by pid so the
// selection stays put while rows move between refreshes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tui/frame.h"
#include "tui/source.h"

namespace pagescope::tui {

// Display order: COMMAND last (htop-style) so it takes whatever width is left.
enum class Column { Pid, MinFlt, MajFlt, SwapIn, SwapOut, Rss, Wss, Stall, Tlb, Comm, Count };

struct ColumnInfo {
  std::string_view header;  // as printed
  int width;                // characters, right-aligned; Comm (last) takes the rest
  bool numeric_descending;  // the natural first direction when chosen
};
const ColumnInfo& column_info(Column c);

// The cell text for one row and column ("-" for numbers the source lacks).
std::string format_cell(const ProcessRow& row, Column c);
// False for a column this source cannot measure for any process (a capture
// without its event source): every cell shows "-".
bool column_measured(const SourceTraits& traits, Column c);
std::string format_cell(const ProcessRow& row, Column c, const SourceTraits& traits);
// "1.2M", "340K" for kB values; rates with one decimal below 10.
std::string format_kb(uint64_t kb);
std::string format_rate(double per_s);

class ProcessTableView {
 public:
  Column sort_column() const { return sort_; }
  bool descending() const { return descending_; }
  // Choose a column; choosing the current one again flips the direction.
  void sort_by(Column c);
  // Choose a column in its natural direction (descending for rates and sizes).
  void set_sort(Column c) { sort_ = c; descending_ = column_info(c).numeric_descending; }
  void sort_next();  // '>'
  void sort_prev();  // '<'

  const std::string& filter() const { return filter_; }
  // Case-insensitive substring of comm, or an exact pid.
  void set_filter(std::string filter) { filter_ = std::move(filter); }
  bool matches(const ProcessRow& row) const;

  // Indices into frame.processes of the rows to show, in display order.
  std::vector<size_t> arrange(const Frame& frame) const;

  // Selection by pid, moved by the cursor keys over the arranged rows.
  int32_t selected_pid() const { return selected_pid_; }
  // Moves the selection `delta` rows within `order`; returns the new row index.
  size_t move_selection(const Frame& frame, const std::vector<size_t>& order, long delta);
  // Row index of the selection in `order` (0 if it is not shown; then the
  // first row becomes selected).
  size_t selected_row(const Frame& frame, const std::vector<size_t>& order);

 private:
  Column sort_ = Column::MinFlt;
  bool descending_ = true;
  std::string filter_;
  int32_t selected_pid_ = 0;
};

}  // namespace pagescope::tui
