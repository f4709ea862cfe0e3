// Sparklines: a series squeezed into one character per sample. Levels are
// computed here; the screen picks glyphs and colours for them, so the same
// levels draw in colour or monochrome.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pagescope::tui {

// 0 for v <= 0, else 1..levels-1 proportional to v/max (rounded up so any
// activity is visible). max <= 0 gives 0.
int level_of(double v, double max, int levels);

// The last `width` values as levels against max(their own maximum,
// scale_floor), right-aligned (older cells are -1 = "no data" when there are
// fewer values than width).
std::vector<int> sparkline_levels(const std::vector<double>& values, size_t width, int levels = 8,
                                  double scale_floor = 0);

// ASCII rendering: ' ' no data, then " _.-=+*#" by level.
std::string sparkline_text(const std::vector<double>& values, size_t width);

}  // namespace pagescope::tui

namespace pagescope::tui {
// Squeezes a series into at most `width` values, each the maximum of its bin
// (a spike must not vanish when a minute is drawn in 20 cells).
std::vector<double> downsample_max(const std::vector<double>& values, size_t width);
}  // namespace pagescope::tui
