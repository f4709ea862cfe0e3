#include "simulator/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/units.h"

namespace pagescope::sim {

namespace {
const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                         "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"};

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}
}  // namespace

std::string render_mrc_svg(const std::vector<MissRatioCurve>& curves, const PlotOptions& o) {
  const double W = 800, H = 500, L = 70, R = 170, T = 40, B = 60;
  const double pw = W - L - R, ph = H - T - B;
  uint64_t xmin = UINT64_MAX, xmax = 0;
  for (const auto& c : curves)
    for (const auto& p : c.points) {
      xmin = std::min(xmin, std::max<uint64_t>(1, p.frames));
      xmax = std::max(xmax, p.frames);
    }
  if (o.marker) {
    xmin = std::min(xmin, std::max<uint64_t>(1, o.marker->frames));
    xmax = std::max(xmax, o.marker->frames);
  }
  if (xmax == 0) xmin = 1, xmax = 2;
  if (xmax <= xmin) xmax = xmin + 1;
  const bool logx = double(xmax) / double(xmin) > 50;
  auto X = [&](double f) {
    double u = logx ? (std::log(std::max(f, 1.0)) - std::log(double(xmin))) /
                          (std::log(double(xmax)) - std::log(double(xmin)))
                    : (f - double(xmin)) / double(xmax - xmin);
    return L + std::clamp(u, 0.0, 1.0) * pw;
  };
  auto Y = [&](double m) { return T + (1.0 - std::clamp(m, 0.0, 1.0)) * ph; };
  auto xlabel = [&](double f) {
    uint64_t v = static_cast<uint64_t>(std::llround(f));
    return o.page_size > 1 ? format_bytes(v * o.page_size) : std::to_string(v);
  };

  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", W) + "\" height=\"" +
       fmt("%.0f", H) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + fmt("%.0f", L) + "\" y=\"24\" font-size=\"15\">" + esc(o.title) + "</text>\n";
  // Grid and axes.
  for (int i = 0; i <= 10; i += 2) {
    double y = Y(i / 10.0);
    s += "<line x1=\"" + fmt("%.1f", L) + "\" y1=\"" + fmt("%.1f", y) + "\" x2=\"" + fmt("%.1f", L + pw) +
         "\" y2=\"" + fmt("%.1f", y) + "\" stroke=\"#ddd\"/>\n";
    s += "<text x=\"" + fmt("%.1f", L - 8) + "\" y=\"" + fmt("%.1f", y + 4) + "\" text-anchor=\"end\">" +
         fmt("%.1f", i / 10.0) + "</text>\n";
  }
  const int xticks = 6;
  for (int i = 0; i <= xticks; ++i) {
    double f = logx ? std::exp(std::log(double(xmin)) + (std::log(double(xmax)) - std::log(double(xmin))) * i / xticks)
                    : double(xmin) + double(xmax - xmin) * i / xticks;
    double x = X(f);
    s += "<line x1=\"" + fmt("%.1f", x) + "\" y1=\"" + fmt("%.1f", T) + "\" x2=\"" + fmt("%.1f", x) +
         "\" y2=\"" + fmt("%.1f", T + ph) + "\" stroke=\"#eee\"/>\n";
    s += "<text x=\"" + fmt("%.1f", x) + "\" y=\"" + fmt("%.1f", T + ph + 18) + "\" text-anchor=\"middle\">" +
         esc(xlabel(f)) + "</text>\n";
  }
  s += "<rect x=\"" + fmt("%.1f", L) + "\" y=\"" + fmt("%.1f", T) + "\" width=\"" + fmt("%.1f", pw) +
       "\" height=\"" + fmt("%.1f", ph) + "\" fill=\"none\" stroke=\"black\"/>\n";
  s += "<text x=\"" + fmt("%.1f", L + pw / 2) + "\" y=\"" + fmt("%.1f", H - 15) + "\" text-anchor=\"middle\">" +
       std::string(o.page_size > 1 ? "memory" : "frames") + (logx ? " (log scale)" : "") + "</text>\n";
  s += "<text transform=\"translate(18," + fmt("%.1f", T + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\">miss ratio</text>\n";
  // Curves: steps are drawn as lines between sampled sizes.
  for (size_t i = 0; i < curves.size(); ++i) {
    const char* color = kColors[i % (sizeof kColors / sizeof kColors[0])];
    std::string pts;
    for (const auto& p : curves[i].points)
      pts += fmt("%.1f", X(double(p.frames))) + "," + fmt("%.1f", Y(p.miss_ratio)) + " ";
    // Each point also as a dot carrying its numbers (data-*, and a <title> a
    // browser shows on hover), so a page that inlines the plot keeps its data.
    s += "<g data-curve=\"" + esc(curves[i].label) + "\">\n";
    s += "<polyline fill=\"none\" stroke=\"" + std::string(color) + "\" stroke-width=\"2\" points=\"" + pts + "\"/>\n";
    for (const auto& p : curves[i].points)
      s += "<circle cx=\"" + fmt("%.1f", X(double(p.frames))) + "\" cy=\"" + fmt("%.1f", Y(p.miss_ratio)) +
           "\" r=\"2\" fill=\"" + color + "\" data-frames=\"" + std::to_string(p.frames) + "\" data-miss-ratio=\"" +
           fmt("%.6f", p.miss_ratio) + "\"><title>" + esc(curves[i].label) + ": " + esc(xlabel(double(p.frames))) +
           " miss ratio " + fmt("%.4f", p.miss_ratio) + "</title></circle>\n";
    s += "</g>\n";
    double ly = T + 10 + 20 * double(i);
    s += "<line x1=\"" + fmt("%.1f", L + pw + 12) + "\" y1=\"" + fmt("%.1f", ly) + "\" x2=\"" +
         fmt("%.1f", L + pw + 36) + "\" y2=\"" + fmt("%.1f", ly) + "\" stroke=\"" + color + "\" stroke-width=\"2\"/>\n";
    s += "<text x=\"" + fmt("%.1f", L + pw + 42) + "\" y=\"" + fmt("%.1f", ly + 4) + "\">" + esc(curves[i].label) +
         "</text>\n";
  }
  if (o.marker) {
    double x = X(double(o.marker->frames)), y = Y(o.marker->miss_ratio);
    s += "<circle cx=\"" + fmt("%.1f", x) + "\" cy=\"" + fmt("%.1f", y) +
         "\" r=\"6\" fill=\"none\" stroke=\"black\" stroke-width=\"2\" data-marker=\"" + esc(o.marker->label) +
         "\" data-frames=\"" + std::to_string(o.marker->frames) + "\" data-miss-ratio=\"" +
         fmt("%.6f", o.marker->miss_ratio) + "\"><title>" + esc(o.marker->label) + ": " +
         esc(xlabel(double(o.marker->frames))) + " miss ratio " + fmt("%.4f", o.marker->miss_ratio) +
         "</title></circle>\n";
    s += "<text x=\"" + fmt("%.1f", x + 9) + "\" y=\"" + fmt("%.1f", y - 9) + "\">" + esc(o.marker->label) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

Status write_mrc_svg(const std::vector<MissRatioCurve>& curves, const PlotOptions& options,
                     const std::string& path) {
  std::string svg = render_mrc_svg(curves, options);
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Error{path + ": cannot create"};
  bool ok = std::fwrite(svg.data(), 1, svg.size(), f) == svg.size();
  ok &= std::fclose(f) == 0;
  if (!ok) return Error{path + ": write failed"};
  return {};
}

}  // namespace pagescope::sim
