// Miss-ratio curves as a terminal plot: memory on a log-scale x axis, miss
// ratio (0 to the largest shown) on y, one glyph per curve, the real run as
// 'R'. Plain C++: a grid of characters plus the axis labels, for render.cpp.
#pragma once

#include <string>
#include <vector>

#include "tui/replay_screen.h"

namespace pagescope::tui {

struct MrcPlot {
  int rows = 0, cols = 0;                 // the plotting area
  std::vector<std::string> grid;          // rows strings of cols chars; row 0 = top (highest miss ratio)
  std::vector<int> curve_of;              // rows*cols: index of the curve drawn there, -1 none, -2 the real point
  double y_max = 0;                       // miss ratio at the top row
  uint64_t x_min = 0, x_max = 0;          // memory (bytes) at the left and right columns
  int real_row = -1, real_col = -1;       // where 'R' is, if shown
};

// Glyph of curve i: '*', '+', 'o', 'x', '#', '%', '@', '&', '=' then letters.
char curve_glyph(size_t i);

MrcPlot plot_curves(const std::vector<ReplayCurve>& curves, const std::optional<RealPoint>& real, int rows, int cols);

}  // namespace pagescope::tui
