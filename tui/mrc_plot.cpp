#include "tui/mrc_plot.h"

#include <algorithm>
#include <cmath>

namespace pagescope::tui {

char curve_glyph(size_t i) {
  static const char kGlyphs[] = "*+ox#%@&=abcdefghijklmnopqrstuvwxyz";
  return kGlyphs[i % (sizeof kGlyphs - 1)];
}

MrcPlot plot_curves(const std::vector<ReplayCurve>& curves, const std::optional<RealPoint>& real, int rows, int cols) {
  MrcPlot p;
  p.rows = std::max(rows, 0);
  p.cols = std::max(cols, 0);
  p.grid.assign(size_t(p.rows), std::string(size_t(p.cols), ' '));
  p.curve_of.assign(size_t(p.rows) * size_t(p.cols), -1);
  if (p.rows < 2 || p.cols < 2) return p;
  uint64_t lo = UINT64_MAX, hi = 0;
  double ymax = 0;
  for (const auto& c : curves) {
    for (const auto& pt : c.points) {
      if (pt.memory_bytes == 0) continue;
      lo = std::min(lo, pt.memory_bytes);
      hi = std::max(hi, pt.memory_bytes);
      ymax = std::max(ymax, pt.miss_ratio);
    }
  }
  if (real && real->memory_bytes > 0) {
    lo = std::min(lo, real->memory_bytes);
    hi = std::max(hi, real->memory_bytes);
    ymax = std::max(ymax, real->miss_ratio);
  }
  if (hi == 0) return p;
  if (hi == lo) hi = lo * 2;
  if (ymax <= 0) ymax = 1;
  p.x_min = lo;
  p.x_max = hi;
  p.y_max = ymax;
  const double llo = std::log(double(lo)), lhi = std::log(double(hi));
  auto col_of = [&](uint64_t m) {
    return int(std::lround((std::log(double(m)) - llo) / (lhi - llo) * (p.cols - 1)));
  };
  auto row_of = [&](double r) { return (p.rows - 1) - int(std::lround(r / ymax * (p.rows - 1))); };
  auto set = [&](int r, int c, char g, int who) {
    if (r < 0 || r >= p.rows || c < 0 || c >= p.cols) return;
    p.grid[size_t(r)][size_t(c)] = g;
    p.curve_of[size_t(r) * size_t(p.cols) + size_t(c)] = who;
  };
  // Last to first: where curves coincide the first (the policy named first) shows.
  for (size_t i = curves.size(); i-- > 0;) {
    const auto& pts = curves[i].points;
    // One glyph per column: the step curve's value at that column's memory
    // (the largest point at or below it).
    size_t j = 0;
    for (int c = 0; c < p.cols; ++c) {
      double mem = std::exp(llo + (lhi - llo) * double(c) / double(p.cols - 1));
      while (j + 1 < pts.size() && double(pts[j + 1].memory_bytes) <= mem * (1 + 1e-9)) ++j;
      if (pts.empty() || double(pts[0].memory_bytes) > mem * (1 + 1e-9)) continue;
      set(row_of(pts[j].miss_ratio), c, curve_glyph(i), int(i));
    }
  }
  if (real && real->memory_bytes > 0) {
    p.real_row = row_of(real->miss_ratio);
    p.real_col = col_of(real->memory_bytes);
    set(p.real_row, p.real_col, 'R', -2);
  }
  return p;
}

}  // namespace pagescope::tui
