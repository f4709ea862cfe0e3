// Miss-ratio curves as a hand-written SVG: memory size on x (log scale when
// the range is wide), miss ratio on y, one polyline per curve, an optional
// marked point (e.g. what a real run measured).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/mrc.h"

namespace pagescope::sim {

struct PlotMarker {
  uint64_t frames = 0;
  double miss_ratio = 0;
  std::string label;
};

struct PlotOptions {
  std::string title;
  uint64_t page_size = 4096;  // x labels in bytes when > 1, in frames when 1
  std::optional<PlotMarker> marker;
};

std::string render_mrc_svg(const std::vector<MissRatioCurve>& curves, const PlotOptions& options);
Status write_mrc_svg(const std::vector<MissRatioCurve>& curves, const PlotOptions& options,
                     const std::string& path);

}  // namespace pagescope::sim
