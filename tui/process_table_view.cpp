#include "tui/process_table_view.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace pagescope::tui {
namespace {
const std::array<ColumnInfo, size_t(Column::Count)> kColumns = {{
    {"PID", 7, false},
    {"MINFLT", 7, true},
    {"MAJFLT", 6, true},
    {"SWIN", 5, true},
    {"SWOUT", 5, true},
    {"RSS", 6, true},
    {"WSS", 6, true},
    {"STALLms", 7, true},
    {"TLB", 5, true},
    {"COMMAND", 0, false},
}};

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

// Sort key as a number; missing values sort below every present one.
double numeric_key(const ProcessRow& r, Column c) {
  switch (c) {
    case Column::Pid: return r.pid;
    case Column::MinFlt: return r.minflt_s;
    case Column::MajFlt: return r.majflt_s;
    case Column::SwapIn: return r.swapin_s;
    case Column::SwapOut: return r.swapout_s;
    case Column::Rss: return double(r.rss_kb);
    case Column::Wss: return r.wss_kb ? double(*r.wss_kb) : -1;
    case Column::Stall: return r.stall_ms_s.value_or(-1);
    case Column::Tlb: return r.tlb_s.value_or(-1);
    default: return 0;
  }
}
}  // namespace

const ColumnInfo& column_info(Column c) { return kColumns[size_t(c)]; }

std::string format_kb(uint64_t kb) {
  char buf[32];
  if (kb < 10000) std::snprintf(buf, sizeof buf, "%lluK", (unsigned long long)kb);
  else if (kb < 1024ull * 1024) std::snprintf(buf, sizeof buf, "%.0fM", kb / 1024.0);
  else std::snprintf(buf, sizeof buf, "%.1fG", kb / (1024.0 * 1024.0));
  return buf;
}

std::string format_rate(double v) {
  char buf[32];
  if (v <= 0) return "0";
  if (v < 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else if (v < 1e6) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
  return buf;
}

std::string format_cell(const ProcessRow& r, Column c) {
  switch (c) {
    case Column::Pid: return std::to_string(r.pid);
    case Column::Comm: return r.comm;
    case Column::MinFlt: return format_rate(r.minflt_s);
    case Column::MajFlt: return format_rate(r.majflt_s);
    case Column::SwapIn: return format_rate(r.swapin_s);
    case Column::SwapOut: return format_rate(r.swapout_s);
    case Column::Rss: return format_kb(r.rss_kb);
    case Column::Wss: return r.wss_kb ? format_kb(*r.wss_kb) : "-";
    case Column::Stall: return r.stall_ms_s ? format_rate(*r.stall_ms_s) : "-";
    case Column::Tlb: return r.tlb_s ? format_rate(*r.tlb_s) : "-";
    default: return "";
  }
}

bool column_measured(const SourceTraits& t, Column c) {
  switch (c) {
    case Column::MinFlt:
    case Column::MajFlt: return t.fault_rates_measured;
    case Column::SwapIn:
    case Column::SwapOut:
    case Column::Rss: return t.snapshots_measured;
    default: return true;
  }
}

std::string format_cell(const ProcessRow& r, Column c, const SourceTraits& t) {
  return column_measured(t, c) ? format_cell(r, c) : "-";
}

void ProcessTableView::sort_by(Column c) {
  if (c == sort_) {
    descending_ = !descending_;
    return;
  }
  sort_ = c;
  descending_ = column_info(c).numeric_descending;
}

void ProcessTableView::sort_next() {
  int n = int(Column::Count);
  sort_ = Column((int(sort_) + 1) % n);
  descending_ = column_info(sort_).numeric_descending;
}

void ProcessTableView::sort_prev() {
  int n = int(Column::Count);
  sort_ = Column((int(sort_) + n - 1) % n);
  descending_ = column_info(sort_).numeric_descending;
}

bool ProcessTableView::matches(const ProcessRow& row) const {
  if (filter_.empty()) return true;
  int32_t pid = 0;
  auto [p, ec] = std::from_chars(filter_.data(), filter_.data() + filter_.size(), pid);
  if (ec == std::errc() && p == filter_.data() + filter_.size()) return row.pid == pid;
  return icontains(row.comm, filter_);
}

std::vector<size_t> ProcessTableView::arrange(const Frame& frame) const {
  std::vector<size_t> order;
  order.reserve(frame.processes.size());
  for (size_t i = 0; i < frame.processes.size(); ++i) {
    if (matches(frame.processes[i])) order.push_back(i);
  }
  const auto& rows = frame.processes;
  // Ties break by pid ascending so equal rows do not jump around between refreshes.
  auto less = [&](size_t a, size_t b) {
    const ProcessRow& x = rows[a];
    const ProcessRow& y = rows[b];
    if (sort_ == Column::Comm) {
      if (x.comm != y.comm) return descending_ ? x.comm > y.comm : x.comm < y.comm;
    } else {
      double kx = numeric_key(x, sort_), ky = numeric_key(y, sort_);
      if (kx != ky) return descending_ ? kx > ky : kx < ky;
    }
    return x.pid < y.pid;
  };
  std::sort(order.begin(), order.end(), less);
  return order;
}

size_t ProcessTableView::selected_row(const Frame& frame, const std::vector<size_t>& order) {
  for (size_t i = 0; i < order.size(); ++i) {
    if (frame.processes[order[i]].pid == selected_pid_) return i;
  }
  if (!order.empty()) selected_pid_ = frame.processes[order[0]].pid;
  return 0;
}

size_t ProcessTableView::move_selection(const Frame& frame, const std::vector<size_t>& order, long delta) {
  if (order.empty()) return 0;
  long row = long(selected_row(frame, order)) + delta;
  row = std::clamp(row, 0L, long(order.size()) - 1);
  selected_pid_ = frame.processes[order[size_t(row)]].pid;
  return size_t(row);
}

}  // namespace pagescope::tui
