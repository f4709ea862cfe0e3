#include "tui/sparkline.h"

#include <algorithm>
#include <cmath>

namespace pagescope::tui {

int level_of(double v, double max, int levels) {
  if (v <= 0 || max <= 0 || levels < 2) return 0;
  int l = int(std::ceil(v / max * double(levels - 1)));
  return std::clamp(l, 1, levels - 1);
}

std::vector<int> sparkline_levels(const std::vector<double>& values, size_t width, int levels, double scale_floor) {
  std::vector<int> out(width, -1);
  size_t n = std::min(values.size(), width);
  auto first = values.end() - long(n);
  double max = std::max(n ? *std::max_element(first, values.end()) : 0.0, scale_floor);
  for (size_t i = 0; i < n; ++i) out[width - n + i] = level_of(first[long(i)], max, levels);
  return out;
}

std::string sparkline_text(const std::vector<double>& values, size_t width) {
  static constexpr char kGlyphs[] = " _.-=+*#";
  std::string s;
  for (int l : sparkline_levels(values, width, 8)) s += l < 0 ? ' ' : kGlyphs[l];
  return s;
}

}  // namespace pagescope::tui

namespace pagescope::tui {
std::vector<double> downsample_max(const std::vector<double>& values, size_t width) {
  if (values.size() <= width || width == 0) return values;
  std::vector<double> out(width, 0.0);
  for (size_t i = 0; i < values.size(); ++i) {
    size_t bin = i * width / values.size();
    out[bin] = std::max(out[bin], values[i]);
  }
  return out;
}
}  // namespace pagescope::tui
