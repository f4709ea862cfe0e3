#include "report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/units.h"
#include "report/html_page.h"

namespace pagescope::report {

namespace {

const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// A round step giving about `n` ticks over [0, max].
double tick_step(double max, int n) {
  if (max <= 0) return 1;
  const double raw = max / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

std::string y_tick(double v, bool bytes) {
  if (bytes) return format_bytes(uint64_t(std::llround(v)));
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt("%.0f", v);
  return fmt("%g", v);
}

}  // namespace

std::string line_chart_svg(const ChartSpec& spec, const std::vector<ChartSeries>& series) {
  const double W = 1100, H = 260, L = 80, R = 190, T = 30, B = 40;
  const double pw = W - L - R, ph = H - T - B;
  double xmin = 0, xmax = 1, ymax = 0;
  bool any = false;
  for (const auto& s : series)
    for (const auto& p : s.points) {
      if (!any) xmin = xmax = p.x;
      any = true;
      xmin = std::min(xmin, p.x);
      xmax = std::max(xmax, p.x);
      ymax = std::max(ymax, p.y);
    }
  if (xmax <= xmin) xmax = xmin + 1;
  const double step = tick_step(ymax, 4);
  const double ytop = std::max(step, std::ceil(ymax / step) * step);
  auto X = [&](double x) { return L + (x - xmin) / (xmax - xmin) * pw; };
  auto Y = [&](double y) { return T + (1.0 - std::clamp(y / ytop, 0.0, 1.0)) * ph; };

  size_t points = 0;
  for (const auto& s : series) points += s.points.size();
  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" + html_escape(spec.id) +
       "\" data-series-count=\"" + std::to_string(series.size()) + "\" data-points=\"" + std::to_string(points) +
       "\" width=\"" + fmt("%.0f", W) + "\" height=\"" + fmt("%.0f", H) + "\" viewBox=\"0 0 " + fmt("%.0f", W) + " " +
       fmt("%.0f", H) + "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o += "<title>" + html_escape(spec.title) + "</title>\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o += "<text x=\"" + fmt("%.0f", L) + "\" y=\"18\" font-size=\"13\">" + html_escape(spec.title) + "</text>\n";
  for (double v = 0; v <= ytop + step / 2; v += step) {
    const double y = Y(v);
    o += "<line x1=\"" + fmt("%.1f", L) + "\" y1=\"" + fmt("%.1f", y) + "\" x2=\"" + fmt("%.1f", L + pw) + "\" y2=\"" +
         fmt("%.1f", y) + "\" stroke=\"#e4e4e4\"/>\n";
    o += "<text x=\"" + fmt("%.1f", L - 6) + "\" y=\"" + fmt("%.1f", y + 4) + "\" text-anchor=\"end\">" +
         html_escape(y_tick(v, spec.y_bytes)) + "</text>\n";
  }
  const double xstep = tick_step(xmax - xmin, 8);
  for (double v = std::ceil(xmin / xstep) * xstep; v <= xmax + xstep / 1000; v += xstep) {
    o += "<text x=\"" + fmt("%.1f", X(v)) + "\" y=\"" + fmt("%.1f", T + ph + 15) + "\" text-anchor=\"middle\">" +
         fmt("%g", v) + "</text>\n";
  }
  o += "<rect x=\"" + fmt("%.1f", L) + "\" y=\"" + fmt("%.1f", T) + "\" width=\"" + fmt("%.1f", pw) + "\" height=\"" +
       fmt("%.1f", ph) + "\" fill=\"none\" stroke=\"#444\"/>\n";
  o += "<text x=\"" + fmt("%.1f", L + pw / 2) + "\" y=\"" + fmt("%.1f", H - 6) + "\" text-anchor=\"middle\">" +
       html_escape(spec.x_label) + "</text>\n";
  o += "<text transform=\"translate(14," + fmt("%.1f", T + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       html_escape(spec.y_label) + "</text>\n";
  for (size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    const char* color = kColors[i % (sizeof kColors / sizeof kColors[0])];
    o += "<g class=\"series\" data-series=\"" + html_escape(s.name) + "\" data-points=\"" +
         std::to_string(s.points.size()) + "\">\n";
    std::string pts;
    for (const auto& p : s.points) pts += fmt("%.1f", X(p.x)) + "," + fmt("%.1f", Y(p.y)) + " ";
    o += "<polyline fill=\"none\" stroke=\"" + std::string(color) + "\" stroke-width=\"1.5\"" +
         (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + pts + "\"/>\n";
    for (const auto& p : s.points) {
      o += "<circle cx=\"" + fmt("%.1f", X(p.x)) + "\" cy=\"" + fmt("%.1f", Y(p.y)) + "\" r=\"1.8\" fill=\"" + color +
           "\" data-x=\"" + fmt("%g", p.x) + "\" data-y=\"" + html_escape(p.y_text) + "\"><title>" +
           html_escape(s.name) + " at " + fmt("%g", p.x) + " s: " +
           html_escape(spec.y_bytes ? format_bytes(uint64_t(std::llround(p.y))) : p.y_text) + "</title></circle>\n";
    }
    o += "</g>\n";
    const double ly = T + 8 + 18 * double(i);
    o += "<line x1=\"" + fmt("%.1f", L + pw + 10) + "\" y1=\"" + fmt("%.1f", ly) + "\" x2=\"" + fmt("%.1f", L + pw + 32) +
         "\" y2=\"" + fmt("%.1f", ly) + "\" stroke=\"" + color + "\" stroke-width=\"2\"" +
         (s.dashed ? " stroke-dasharray=\"6 4\"" : "") + "/>\n";
    o += "<text x=\"" + fmt("%.1f", L + pw + 38) + "\" y=\"" + fmt("%.1f", ly + 4) + "\">" + html_escape(s.name) +
         "</text>\n";
  }
  o += "</svg>\n";
  return o;
}

ChartSeries series_from_table(const Table& table, std::string_view x, std::string_view y, std::string name) {
  ChartSeries s;
  s.name = name.empty() ? std::string(y) : std::move(name);
  const auto& names = table.column_names();
  const size_t xc = size_t(std::find(names.begin(), names.end(), x) - names.begin());
  const size_t yc = size_t(std::find(names.begin(), names.end(), y) - names.begin());
  if (xc >= names.size() || yc >= names.size() || !table.measured(y)) return s;
  for (size_t r = 0; r < table.rows(); ++r) {
    const Cell& xv = table.at(r, xc);
    const Cell& yv = table.at(r, yc);
    const bool numbers = (xv.kind() == Cell::Kind::kInteger || xv.kind() == Cell::Kind::kReal) &&
                         (yv.kind() == Cell::Kind::kInteger || yv.kind() == Cell::Kind::kReal);
    if (!numbers) continue;
    s.points.push_back({std::strtod(xv.json().c_str(), nullptr), std::strtod(yv.json().c_str(), nullptr), yv.json()});
  }
  return s;
}

}  // namespace pagescope::report
