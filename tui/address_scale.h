// An address axis with the empty space squeezed out. A process's mappings sit
// at a few spots of a 128 TiB space (binary and heap low, libraries and stack
// high), so a linear axis shows nothing. Here mapped bytes keep their relative
// sizes and each of the largest gaps becomes one break unit; smaller gaps
// vanish. The VMA bar (columns) and the heatmap (rows) share this axis.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tui/vma_row.h"

namespace pagescope::tui {

// Weight spread over an address range: faults at an address (end = start+1)
// or a VMA's RSS growth over the VMA.
struct HeatSpan {
  uint64_t start = 0;
  uint64_t end = 0;
  double weight = 0;
};

class AddressScale {
 public:
  AddressScale() = default;
  // vmas sorted by start, non-overlapping. At most units/4 gaps become breaks.
  AddressScale(const std::vector<VmaRow>& vmas, size_t units);

  size_t units() const { return units_; }
  bool empty() const { return pieces_.empty(); }
  // Position of an address in [0, units]; an address in a gap maps to that
  // gap's break; outside every mapping clamps to the ends.
  double position(uint64_t addr) const;
  // The address at a position (inverse of position() on mapped bytes).
  uint64_t address_at(double pos) const;
  // True if unit i lies in a break (a squeezed gap).
  bool is_break(size_t unit) const;
  // Weights spread over units in proportion to the overlap of each span with
  // each unit (mapped bytes only): the sum of the result equals the sum of
  // the weights that fall inside mappings.
  std::vector<double> bucket(const std::vector<HeatSpan>& spans) const;

 private:
  struct Piece {
    uint64_t addr_lo, addr_hi;
    double pos_lo, pos_hi;
    bool gap;
  };
  std::vector<Piece> pieces_;
  size_t units_ = 0;
};

}  // namespace pagescope::tui
