#include "tui/process_detail.h"

#include <algorithm>

#include "tui/sparkline.h"

namespace pagescope::tui {

char vma_kind(const model::Vma& v) {
  if (v.path == "[heap]") return 'H';
  if (v.path.rfind("[stack", 0) == 0) return 'S';
  if (!v.path.empty() && v.path[0] == '[') return 'K';
  if (v.path.empty()) return 'A';
  return v.perms & model::kPermExec ? 'X' : 'F';
}

void ProcessDetail::update_from_rss(uint64_t ts_ns, std::vector<VmaRow> vmas) {
  HeatColumn col;
  col.ts_ns = ts_ns;
  const bool have_prev = last_ts_ns_ != 0 && ts_ns > last_ts_ns_;
  const double secs = have_prev ? double(ts_ns - last_ts_ns_) / 1e9 : 0;
  std::unordered_map<uint64_t, uint64_t> rss;
  for (const VmaRow& row : vmas) {
    const model::Vma& v = row.vma;
    uint64_t now = row.rss_kb.value_or(0);
    rss[v.start] = now;
    if (!have_prev) continue;
    auto it = last_rss_kb_.find(v.start);
    uint64_t before = it == last_rss_kb_.end() ? 0 : it->second;  // a new VMA grew from nothing
    if (now > before) col.spans.push_back({v.start, v.end, double(now - before) / secs});
  }
  last_rss_kb_ = std::move(rss);
  last_ts_ns_ = ts_ns;
  vmas_ = std::move(vmas);
  if (have_prev) {
    columns_.push_back(std::move(col));
    if (columns_.size() > max_columns_) columns_.pop_front();
  }
}

void ProcessDetail::update(uint64_t ts_ns, std::vector<VmaRow> vmas, std::vector<HeatSpan> spans) {
  vmas_ = std::move(vmas);
  last_ts_ns_ = ts_ns;
  columns_.push_back({ts_ns, std::move(spans)});
  if (columns_.size() > max_columns_) columns_.pop_front();
}

const HeatColumn* ProcessDetail::column_at(uint64_t ts) const {
  const HeatColumn* found = nullptr;
  for (const HeatColumn& c : columns_) {
    if (c.ts_ns <= ts) found = &c;
  }
  return found;
}

std::vector<double> ProcessDetail::vma_heat(uint64_t until_ts) const {
  std::vector<double> heat(vmas_.size(), 0.0);
  const HeatColumn* col = column_at(until_ts);
  if (!col) return heat;
  for (const HeatSpan& s : col->spans) {
    // VMAs are sorted; give each span's weight to the VMAs it overlaps, by bytes.
    auto it = std::upper_bound(vmas_.begin(), vmas_.end(), s.start,
                               [](uint64_t a, const VmaRow& v) { return a < v.vma.start; });
    if (it != vmas_.begin()) --it;
    for (; it != vmas_.end() && it->vma.start < s.end; ++it) {
      uint64_t lo = std::max(it->vma.start, s.start), hi = std::min(it->vma.end, s.end);
      if (hi > lo) heat[size_t(it - vmas_.begin())] += s.weight * double(hi - lo) / double(s.end - s.start);
    }
  }
  return heat;
}

std::vector<BarCell> ProcessDetail::bar(size_t width, uint64_t until_ts) const {
  std::vector<BarCell> cells(width);
  AddressScale scale(vmas_, width);
  if (scale.empty()) return cells;
  const HeatColumn* col = column_at(until_ts);
  std::vector<double> heat = col ? scale.bucket(col->spans) : std::vector<double>(width, 0.0);
  double max = heat.empty() ? 0 : *std::max_element(heat.begin(), heat.end());
  for (size_t i = 0; i < width; ++i) {
    BarCell& c = cells[i];
    c.is_break = scale.is_break(i);
    c.level = level_of(heat[i], max, 8);
    if (c.is_break) continue;
    uint64_t mid = scale.address_at(double(i) + 0.5);
    auto it = std::upper_bound(vmas_.begin(), vmas_.end(), mid,
                               [](uint64_t a, const VmaRow& v) { return a < v.vma.start; });
    if (it != vmas_.begin()) c.kind = vma_kind((it - 1)->vma);
  }
  return cells;
}

HeatGrid ProcessDetail::heatmap(size_t rows, size_t cols, uint64_t until_ts) const {
  HeatGrid g;
  g.rows = rows;
  g.cols = cols;
  g.level.assign(rows * cols, -1);
  AddressScale scale(vmas_, rows);
  for (size_t r = 0; r < rows; ++r) g.row_address.push_back(scale.address_at(double(r)));
  if (scale.empty() || cols == 0) return g;
  // The newest `cols` columns at or before the cursor, right-aligned.
  std::vector<const HeatColumn*> shown;
  for (const HeatColumn& c : columns_) {
    if (c.ts_ns <= until_ts) shown.push_back(&c);
  }
  if (shown.size() > cols) shown.erase(shown.begin(), shown.end() - long(cols));
  std::vector<std::vector<double>> buckets;
  double max = 0;
  for (const HeatColumn* c : shown) {
    buckets.push_back(scale.bucket(c->spans));
    for (double v : buckets.back()) max = std::max(max, v);
  }
  size_t first_col = cols - shown.size();
  for (size_t c = 0; c < shown.size(); ++c) {
    for (size_t r = 0; r < rows; ++r) g.level[r * cols + first_col + c] = level_of(buckets[c][r], max, 8);
  }
  return g;
}

}  // namespace pagescope::tui
