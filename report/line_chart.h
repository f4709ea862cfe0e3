// A line chart as inline SVG whose numbers stay in the DOM: the <svg> names
// its chart (data-chart), each series is a <g data-series=NAME
// data-points=N>, and each point a dot with data-x, data-y (the value as the
// source table prints it, so a test or a reader can compare it with
// `inspect --json`) and a <title> a browser shows on hover.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/table.h"

namespace pagescope::report {

struct ChartPoint {
  double x = 0;
  double y = 0;
  std::string y_text;  // the value as its table prints it (JSON form)
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;
  bool dashed = false;  // e.g. a limit rather than a measurement
};

struct ChartSpec {
  std::string id;       // data-chart
  std::string title;
  std::string x_label;  // e.g. "seconds"
  std::string y_label;
  bool y_bytes = false; // y ticks as sizes (64M)
};

std::string line_chart_svg(const ChartSpec& spec, const std::vector<ChartSeries>& series);

// The numeric cells of column `y` against column `x` of a table; missing and
// text cells are skipped (a gap, never a zero). Named `name`, or `y`.
ChartSeries series_from_table(const Table& table, std::string_view x, std::string_view y, std::string name = {});

}  // namespace pagescope::report
