// The detail screen's model for one process: its VMAs and a history of heat
// columns (one per refresh) over its address space. Heat is faults per second
// when the source sees fault addresses (BPF, capture), otherwise the growth of
// each VMA's RSS from smaps, a proxy the screen labels as such.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "tui/address_scale.h"
#include "tui/vma_row.h"

namespace pagescope::tui {

struct HeatColumn {
  uint64_t ts_ns = 0;
  std::vector<HeatSpan> spans;
};

// One cell of the VMA bar.
struct BarCell {
  bool is_break = false;  // squeezed gap
  char kind = ' ';        // H heap, S stack, X executable file, F other file, A anonymous, K kernel ([vdso], ...)
  int level = 0;          // heat level 0..7 relative to the hottest cell
};

// levels x columns, row 0 = lowest address bucket.
struct HeatGrid {
  size_t rows = 0, cols = 0;
  std::vector<int> level;  // rows*cols, -1 = no data for that column
  std::vector<uint64_t> row_address;  // first address of each row
  int at(size_t r, size_t c) const { return level[r * cols + c]; }
};

char vma_kind(const model::Vma& v);

class ProcessDetail {
 public:
  explicit ProcessDetail(int32_t pid, size_t max_columns = 120) : pid_(pid), max_columns_(max_columns) {}
  int32_t pid() const { return pid_; }

  // Live /proc source: a fresh VMA list with smaps Rss; heat per VMA is its
  // RSS growth in kB/s since the previous update (shrinking counts as 0).
  void update_from_rss(uint64_t ts_ns, std::vector<VmaRow> vmas);
  // Sources that see faults: the VMA list and this interval's fault spans.
  void update(uint64_t ts_ns, std::vector<VmaRow> vmas, std::vector<HeatSpan> spans);

  const std::vector<VmaRow>& vmas() const { return vmas_; }
  // Heat per VMA (same order as vmas()) in the newest column at or before ts.
  std::vector<double> vma_heat(uint64_t until_ts) const;
  std::vector<BarCell> bar(size_t width, uint64_t until_ts) const;
  HeatGrid heatmap(size_t rows, size_t cols, uint64_t until_ts) const;

 private:
  const HeatColumn* column_at(uint64_t ts) const;

  int32_t pid_;
  size_t max_columns_;
  std::vector<VmaRow> vmas_;
  std::deque<HeatColumn> columns_;
  std::unordered_map<uint64_t, uint64_t> last_rss_kb_;  // by VMA start
  uint64_t last_ts_ns_ = 0;
};

}  // namespace pagescope::tui
