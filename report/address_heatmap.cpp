#include "report/address_heatmap.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/table.h"
#include "report/html_page.h"
#include "tui/address_scale.h"

namespace pagescope::report {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// Every range any VMA of the process covered at any time, as sorted,
// non-overlapping rows: the axis AddressScale squeezes.
std::vector<tui::VmaRow> covered(const std::vector<std::pair<uint64_t, tui::ReplayDetail>>& detail) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto& [ts, d] : detail)
    for (const auto& v : d.vmas) ranges.emplace_back(v.vma.start, v.vma.end);
  std::sort(ranges.begin(), ranges.end());
  std::vector<tui::VmaRow> out;
  for (const auto& [lo, hi] : ranges) {
    if (!out.empty() && lo <= out.back().vma.end) {
      out.back().vma.end = std::max(out.back().vma.end, hi);
      continue;
    }
    tui::VmaRow row;
    row.vma.start = lo;
    row.vma.end = hi;
    out.push_back(row);
  }
  return out;
}

}  // namespace

AddressHeatmap address_heatmap(const std::vector<std::pair<uint64_t, tui::ReplayDetail>>& detail, size_t rows,
                               size_t max_columns, uint64_t zero_ns, uint64_t interval_ns) {
  AddressHeatmap m;
  const tui::AddressScale scale(covered(detail), rows);
  if (scale.empty() || detail.empty() || rows == 0) return m;
  const size_t group = max_columns ? (detail.size() + max_columns - 1) / max_columns : 1;
  const size_t cols = (detail.size() + group - 1) / group;
  m.interval_ns = interval_ns * group;
  for (size_t r = 0; r < rows; ++r) {
    m.row_address.push_back(scale.address_at(double(r)));
    m.row_break.push_back(scale.is_break(r));
  }
  m.cells.assign(rows * cols, 0.0);
  const double secs = double(interval_ns) / 1e9;
  for (size_t i = 0; i < detail.size(); ++i) {
    const size_t c = i / group;
    if (i % group == 0) {
      const uint64_t end = detail[i].first;
      const uint64_t start = end >= interval_ns ? end - interval_ns : 0;
      m.column_start_s.push_back(start >= zero_ns ? double(start - zero_ns) / 1e9 : 0.0);
    }
    // Spans are per second; a cell holds the interval's references.
    const std::vector<double> b = scale.bucket(detail[i].second.spans);
    for (size_t r = 0; r < rows && r < b.size(); ++r) m.cells[r * cols + c] += b[r] * secs;
  }
  for (double& v : m.cells) {
    v = std::round(v * 1000) / 1000;  // bucket() spreads by overlap: keep the page's shares, not float noise
    m.total += v;
    m.max = std::max(m.max, v);
  }
  return m;
}

std::string heatmap_svg(const AddressHeatmap& m) {
  const double L = 120, T = 24, B = 30, R = 20;
  const double cw = std::clamp(960.0 / double(std::max<size_t>(1, m.columns())), 2.0, 24.0);
  const double rh = 6;
  const double W = L + cw * double(m.columns()) + R, H = T + rh * double(m.rows()) + B;
  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" data-chart=\"heatmap-" +
       std::to_string(m.pid) + "\" data-pid=\"" + std::to_string(m.pid) + "\" data-rows=\"" +
       std::to_string(m.rows()) + "\" data-columns=\"" + std::to_string(m.columns()) + "\" data-total=\"" +
       fmt("%.3f", m.total) + "\" width=\"" + fmt("%.0f", W) + "\" height=\"" + fmt("%.0f", H) +
       "\" font-family=\"sans-serif\" font-size=\"10\">\n";
  o += "<title>address space of pid " + std::to_string(m.pid) + " (" + html_escape(m.comm) + ") over time</title>\n";
  o += "<rect x=\"" + fmt("%.0f", L) + "\" y=\"" + fmt("%.0f", T) + "\" width=\"" + fmt("%.0f", cw * double(m.columns())) +
       "\" height=\"" + fmt("%.0f", rh * double(m.rows())) + "\" fill=\"#f7f7f7\" stroke=\"#444\"/>\n";
  // Highest addresses on top, as an address-space picture is usually drawn.
  auto row_y = [&](size_t r) { return T + rh * double(m.rows() - 1 - r); };
  for (size_t r = 0; r < m.rows(); ++r) {
    if (m.row_break[r])
      o += "<rect x=\"" + fmt("%.0f", L) + "\" y=\"" + fmt("%.1f", row_y(r)) + "\" width=\"" +
           fmt("%.0f", cw * double(m.columns())) + "\" height=\"" + fmt("%.0f", rh) + "\" fill=\"#ddd\"/>\n";
    if (r % 8 == 0)
      o += "<text x=\"" + fmt("%.0f", L - 4) + "\" y=\"" + fmt("%.1f", row_y(r) + rh) + "\" text-anchor=\"end\">" +
           format_hex(m.row_address[r]) + "</text>\n";
  }
  for (size_t c = 0; c < m.columns(); ++c) {
    for (size_t r = 0; r < m.rows(); ++r) {
      const double v = m.at(r, c);
      if (v <= 0) continue;
      // Log shading: one hot page must not hide the rest.
      const double level = m.max > 0 ? std::log1p(v) / std::log1p(m.max) : 0;
      const int red = 255, gb = int(std::lround(230 * (1 - level)));
      char color[16];
      std::snprintf(color, sizeof color, "#%02x%02x%02x", red, gb, gb / 2);
      o += "<rect x=\"" + fmt("%.1f", L + cw * double(c)) + "\" y=\"" + fmt("%.1f", row_y(r)) + "\" width=\"" +
           fmt("%.1f", cw) + "\" height=\"" + fmt("%.0f", rh) + "\" fill=\"" + color + "\" data-t=\"" +
           fmt("%g", m.column_start_s[c]) + "\" data-address=\"0x" + format_hex(m.row_address[r]) +
           "\" data-refs=\"" + fmt("%g", v) + "\"><title>" + fmt("%g", m.column_start_s[c]) + " s, from 0x" +
           format_hex(m.row_address[r]) + ": " + fmt("%g", v) + " references</title></rect>\n";
    }
  }
  const size_t label_every = std::max<size_t>(1, size_t(std::ceil(60.0 / cw)));
  for (size_t c = 0; c < m.columns(); c += label_every)
    o += "<text x=\"" + fmt("%.1f", L + cw * double(c)) + "\" y=\"" + fmt("%.0f", H - 12) + "\">" +
         fmt("%g", m.column_start_s[c]) + " s</text>\n";
  o += "</svg>\n";
  return o;
}

}  // namespace pagescope::report
