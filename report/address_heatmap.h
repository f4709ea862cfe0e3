// One process's address space over time as a grid: rows are slices of its
// mapped address space (tui::AddressScale, gaps squeezed out, as the TUI's
// detail screen draws it), columns are the capture's intervals, a cell is the
// references that slice saw in that interval (faults, plus pages whose
// accessed bit was set when the capture sampled them). Drawn as inline SVG
// with every non-empty cell's number in the DOM.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tui/source.h"  // tui::ReplayDetail

namespace pagescope::report {

struct AddressHeatmap {
  int32_t pid = 0;
  std::string comm;
  uint64_t interval_ns = 0;               // of one column (after merging)
  std::vector<double> column_start_s;     // seconds from time zero
  std::vector<uint64_t> row_address;      // first address of each row
  std::vector<bool> row_break;            // a squeezed gap between mappings
  std::vector<double> cells;              // rows x columns, row-major, references
  double total = 0;                       // sum of cells
  double max = 0;
  size_t rows() const { return row_address.size(); }
  size_t columns() const { return column_start_s.size(); }
  double at(size_t r, size_t c) const { return cells[r * columns() + c]; }
};

// From CaptureReplay::detail(pid): (end of interval, VMAs and heat spans per
// page in references per second). The address axis covers every mapping the
// process had at any time; more than `max_columns` intervals are summed in
// groups. `zero_ns` is the capture's time zero, `interval_ns` the columns'.
AddressHeatmap address_heatmap(const std::vector<std::pair<uint64_t, tui::ReplayDetail>>& detail, size_t rows,
                               size_t max_columns, uint64_t zero_ns, uint64_t interval_ns);

// <svg data-chart="heatmap-PID" data-pid data-total>: one <rect> per
// non-empty cell with data-t, data-address and data-refs.
std::string heatmap_svg(const AddressHeatmap& map);

}  // namespace pagescope::report
