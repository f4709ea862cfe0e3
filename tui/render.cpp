#include "tui/render.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "tui/mrc_plot.h"
#include "tui/sparkline.h"

namespace pagescope::tui {
namespace {

constexpr char kLevelGlyphs[] = " _.-=+*#";
constexpr size_t kSparkSeconds = 60;

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

// h:mm:ss.d: tenths matter for short captures and sub-second intervals.
std::string clock_text(uint64_t ns) {
  uint64_t tenths = ns / 100000000ull;
  uint64_t s = tenths / 10;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu:%02llu:%02llu.%llu", (unsigned long long)(s / 3600),
                (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60), (unsigned long long)(tenths % 10));
  return buf;
}

std::string pad_left(std::string s, int width) {
  if (int(s.size()) >= width) return s.substr(0, size_t(std::max(width, 0)));
  return std::string(size_t(width) - s.size(), ' ') + s;
}

// The metric over the frames of the last minute ending at the cursor.
std::vector<double> history(const Timeline& t, const std::function<double(const SystemRates&)>& metric) {
  std::vector<double> v;
  if (t.empty()) return v;
  const Frame& cur = t.at(t.cursor());
  for (size_t i = 0; i <= t.cursor(); ++i) {
    const Frame& f = t.at(i);
    if (f.ts_ns + kSparkSeconds * 1000000000ull < cur.ts_ns) continue;
    v.push_back(metric(f.system));
  }
  return v;
}

// scale_floor: the value drawn full height at least (memory against its
// total, not against its own maximum, which would make a flat line look full).
void draw_spark(Canvas& c, int row, int col, int width, const std::vector<double>& values, double scale_floor) {
  if (width <= 0) return;
  auto levels = sparkline_levels(downsample_max(values, size_t(width)), size_t(width), 8, scale_floor);
  for (int i = 0; i < width; ++i) {
    int l = levels[size_t(i)];
    char g = l < 0 ? ' ' : kLevelGlyphs[l];
    c.put(row, col + i, std::string_view(&g, 1), l <= 0 ? Style::Dim : heat_style(l));
  }
}

// One header metric: "label value [sparkline]" in a half-width slot.
void draw_metric(Canvas& c, int row, int col, int width, const std::string& label, const std::string& value,
                 Style value_style, const std::vector<double>& series, double scale_floor = 0) {
  int x = c.put(row, col, label, Style::Label);
  x = c.put(row, x + 1, value, value_style);
  int spark = col + width - x - 2;
  if (spark >= 4) draw_spark(c, row, x + 1, spark, series, scale_floor);
}

void draw_title(Explorer& ex, Canvas& c, const std::string& what) {
  const Timeline& t = ex.timeline();
  std::string mode;
  switch (t.mode()) {
    case Timeline::Mode::Follow: mode = "LIVE"; break;
    case Timeline::Mode::Paused: mode = "PAUSED"; break;
    case Timeline::Mode::Playing: mode = "PLAY " + std::to_string(t.speed()) + "x"; break;
  }
  std::string left = "pagescope " + what + "  source " + ex.traits().name;
  if (!t.replay()) left += "  every " + fmt("%.2gs", ex.interval_ms() / 1000.0);

  c.fill(0, 0, c.cols(), ' ', Style::Title);
  c.put(0, 0, left, Style::Title);
  // Recording: the path is on the status line when it starts and ends.
  if (!ex.recording().empty()) mode += " REC";
  std::string right = "[" + mode + "]  ?:help q:quit";
  c.put(0, c.cols() - int(right.size()), right, Style::Title);
}

void draw_header(Explorer& ex, Canvas& c, const Frame& f) {
  const Timeline& t = ex.timeline();
  const SystemRates& s = f.system;
  // A capture without /proc counters: every value here would be a made-up 0.
  const bool measured = ex.traits().system_measured;
  auto v = [&](std::string text) { return measured ? text : std::string("-"); };
  const int half = c.cols() / 2;
  const int right = half;
  const int w = c.cols() - half;

  double mem_pct = s.mem_total_kb ? 100.0 * double(s.mem_used_kb) / double(s.mem_total_kb) : 0;
  draw_metric(c, 1, 0, half, "Mem", v(format_kb(s.mem_used_kb) + "/" + format_kb(s.mem_total_kb) + fmt(" %.0f%%", mem_pct)),
              Style::Normal, history(t, [](const SystemRates& r) { return double(r.mem_used_kb); }), double(s.mem_total_kb));
  draw_metric(c, 1, right, w, "Swap", v(format_kb(s.swap_used_kb) + "/" + format_kb(s.swap_total_kb)), Style::Normal,
              history(t, [](const SystemRates& r) { return double(r.swap_used_kb); }), double(s.swap_total_kb));

  std::string psi = s.psi_available ? fmt("some %.2f", s.psi_some_avg10) + fmt(" full %.2f", s.psi_full_avg10) : "n/a";
  draw_metric(c, 2, 0, half, "PSI10", v(psi), s.psi_some_avg10 > 0 ? Style::Warn : Style::Normal,
              history(t, [](const SystemRates& r) { return r.psi_some_avg10; }), 10.0);
  draw_metric(c, 2, right, w, "kswapd", v(std::string(s.kswapd_active ? "ON " : "off") + " scan " +
              format_rate(s.pgscan_kswapd_s + s.pgscan_direct_s) + " rcl " + format_rate(s.pgsteal_s)),
              s.kswapd_active ? Style::Warn : Style::Normal,
              history(t, [](const SystemRates& r) { return r.pgscan_kswapd_s + r.pgscan_direct_s; }));

  draw_metric(c, 3, 0, half, "Stalls", v(format_rate(s.allocstall_s) + " direct/s"), s.allocstall_s > 0 ? Style::Warn : Style::Normal,
              history(t, [](const SystemRates& r) { return r.allocstall_s; }));
  draw_metric(c, 3, right, w, "Swap/s", v("in " + format_rate(s.swapin_s) + " out " + format_rate(s.swapout_s)), Style::Normal,
              history(t, [](const SystemRates& r) { return r.swapin_s + r.swapout_s; }));

  draw_metric(c, 4, 0, half, "Flt/s", v(format_rate(s.faults_s) + " maj " + format_rate(s.majfaults_s)), Style::Normal,
              history(t, [](const SystemRates& r) { return r.faults_s; }));
  std::string tlb;
  for (const auto& r : s.tlb) tlb += (tlb.empty() ? "" : " ") + r.reason + " " + format_rate(r.per_s);
  if (tlb.empty()) tlb = "n/a";
  draw_metric(c, 4, right, w, "TLB/s", tlb, Style::Normal,
              history(t, [](const SystemRates& r) { return r.tlb_total_s(); }));
}

// Column x positions for the table at this width; COMMAND takes the rest.
struct Layout {
  int x[size_t(Column::Count)];
  int comm_width;
};
Layout table_layout(int cols) {
  Layout l{};
  int x = 0;
  for (int i = 0; i < int(Column::Count); ++i) {
    l.x[i] = x;
    x += column_info(Column(i)).width + 1;
  }
  l.comm_width = std::max(0, cols - l.x[int(Column::Comm)]);
  return l;
}

void draw_table(Explorer& ex, Canvas& c, const Frame& f, int top, int bottom) {
  Layout l = table_layout(c.cols());
  ProcessTableView& table = ex.table();
  const bool picking = ex.input() == Explorer::Input::SortPick;
  c.fill(top, 0, c.cols(), ' ', Style::ColumnHead);
  for (int i = 0; i < int(Column::Count); ++i) {
    Column col = Column(i);
    const ColumnInfo& info = column_info(col);
    bool sorted = col == table.sort_column();
    bool picked = picking && col == ex.sort_pick();
    const std::string marker = sorted ? (table.descending() ? "v" : "^") : "";
    Style st = picked ? Style::Selected : sorted ? Style::SortedHead : Style::ColumnHead;
    if (col == Column::Comm) {
      c.put(top, l.x[i], std::string(info.header) + marker, st);
    } else {
      // The marker goes in the gap after the column, so a heading as wide as
      // its column keeps every letter (MAJFLT once showed as "AJFLTv").
      c.put(top, l.x[i], pad_left(std::string(info.header), info.width), st);
      if (sorted) c.put(top, l.x[i] + info.width, marker, st);
    }
  }
  auto order = table.arrange(f);
  const int rows = bottom - top - 1;
  if (rows <= 0) return;
  size_t sel = table.selected_row(f, order);
  if (sel < ex.table_scroll) ex.table_scroll = sel;
  if (sel >= ex.table_scroll + size_t(rows)) ex.table_scroll = sel - size_t(rows) + 1;
  if (ex.table_scroll + size_t(rows) > order.size()) ex.table_scroll = order.size() > size_t(rows) ? order.size() - size_t(rows) : 0;
  for (int r = 0; r < rows; ++r) {
    size_t idx = ex.table_scroll + size_t(r);
    if (idx >= order.size()) break;
    const ProcessRow& row = f.processes[order[idx]];
    const bool selected = idx == sel;
    const int y = top + 1 + r;
    if (selected) c.fill(y, 0, c.cols(), ' ', Style::Selected);
    for (int i = 0; i < int(Column::Count); ++i) {
      Column col = Column(i);
      std::string text = format_cell(row, col, ex.traits());
      Style st = selected ? Style::Selected : text == "-" ? Style::Dim : Style::Normal;
      if (col == Column::Comm) c.put(y, l.x[i], text.substr(0, size_t(l.comm_width)), st);
      else c.put(y, l.x[i], pad_left(text, column_info(col).width), st);
    }
  }
  if (order.empty()) {
    c.put(top + 1, 1, table.filter().empty() ? "no processes" : "no process matches \"" + table.filter() + "\"", Style::Dim);
  }
}

const ProcessRow* selected_row(Explorer& ex, const Frame& f) {
  for (const ProcessRow& r : f.processes) {
    if (r.pid == ex.table().selected_pid()) return &r;
  }
  return nullptr;
}

void draw_detail(Explorer& ex, Canvas& c, const Frame& f, int top, int bottom) {
  const ProcessDetail* d = ex.detail();
  const ProcessRow* row = selected_row(ex, f);
  std::string who = "pid " + std::to_string(ex.table().selected_pid());
  if (row) who += " " + row->comm + "  RSS " + format_cell(*row, Column::Rss, ex.traits()) +
                  (row->wss_kb ? "  WSS " + format_kb(*row->wss_kb) : "") + "  minflt/s " +
                  format_cell(*row, Column::MinFlt, ex.traits()) + "  majflt/s " +
                  format_cell(*row, Column::MajFlt, ex.traits());
  else who += " (not running at this time)";
  c.put(top, 0, who, Style::Label);
  if (!d || d->vmas().empty()) {
    c.put(top + 2, 1, "no address space to show (exited, kernel thread, or not permitted)", Style::Dim);
    return;
  }
  const bool proxy = !ex.traits().per_fault_addresses;
  const std::string heat_unit = proxy                             ? "RSS growth kB/s (proxy, no BPF)"
                                : ex.traits().heat_has_access_bits ? "faults + accessed pages /s"
                                                                   : "faults/s";
  const uint64_t ts = f.ts_ns;

  // The VMA bar.
  c.put(top + 1, 0, "VMA map to scale, gaps squeezed '/'  heat: " + heat_unit, Style::Dim);
  auto cells = d->bar(size_t(c.cols()), ts);
  for (int i = 0; i < c.cols(); ++i) {
    const BarCell& cell = cells[size_t(i)];
    char g = cell.is_break ? '/' : cell.kind;
    c.put(top + 2, i, std::string_view(&g, 1), cell.is_break ? Style::Dim : heat_style(cell.level));
  }
  c.put(top + 3, 0, "H heap  S stack  X code  F file  A anon  K [vdso]..   heat _.-=+*#", Style::Dim);

  // The VMA list (left) and the heatmap (right).
  const int list_top = top + 4;
  const int rows = bottom - list_top;
  if (rows < 2) return;
  // The list keeps room for a path; the heatmap gets the rest, up to 60 samples.
  // With live WSS (top --wss) the list gains a WSS column after RSS.
  const bool wss = ex.traits().per_process_wss;
  const int list_width = std::max(wss ? 61 : 54, c.cols() - 13 - 60 - 1);
  const int heat_width = c.cols() - list_width - 1;
  c.fill(list_top, 0, list_width, ' ', Style::ColumnHead);
  c.put(list_top, 0, wss ? "     ADDRESS   SIZE PERM    RSS    WSS  HEAT PATH" : "     ADDRESS   SIZE PERM    RSS  HEAT PATH",
        Style::ColumnHead);
  auto heat = d->vma_heat(ts);
  const auto& vmas = d->vmas();
  size_t max_scroll = vmas.size() > size_t(rows - 1) ? vmas.size() - size_t(rows - 1) : 0;
  ex.vma_scroll = std::min(ex.vma_scroll, max_scroll);
  double max_heat = heat.empty() ? 0 : *std::max_element(heat.begin(), heat.end());
  for (int r = 0; r + 1 < rows; ++r) {
    size_t i = ex.vma_scroll + size_t(r);
    if (i >= vmas.size()) break;
    const VmaRow& row = vmas[i];
    const model::Vma& v = row.vma;
    const std::string perms = model::perms_string(v);
    char buf[112];
    const std::string rss = row.rss_kb ? format_kb(*row.rss_kb) : "-";
    if (wss) {
      std::snprintf(buf, sizeof buf, "%12llx %6s %4s %6s %6s %5s ", (unsigned long long)v.start,
                    format_kb(v.size() / 1024).c_str(), perms.c_str(), rss.c_str(),
                    row.wss_kb ? format_kb(*row.wss_kb).c_str() : "-", format_rate(heat[i]).c_str());
    } else {
      std::snprintf(buf, sizeof buf, "%12llx %6s %4s %6s %5s ", (unsigned long long)v.start,
                    format_kb(v.size() / 1024).c_str(), perms.c_str(), rss.c_str(),
                    format_rate(heat[i]).c_str());
    }
    std::string line = buf + v.path;
    c.put(list_top + 1 + r, 0, line.substr(0, size_t(std::max(list_width, 0))),
          heat[i] > 0 ? heat_style(level_of(heat[i], max_heat, 8)) : Style::Normal);
  }

  // Heatmap: address buckets (rows, low addresses on top) x time (columns).
  const int hx = list_width + 1;
  const int label = 13;
  const int cols = heat_width - label;
  if (cols < 4) return;
  c.put(list_top, hx, pad_left("address", label - 1) + " heat over last " + std::to_string(cols) + " samples",
        Style::ColumnHead);
  HeatGrid g = d->heatmap(size_t(rows - 1), size_t(cols), ts);
  for (size_t r = 0; r < g.rows; ++r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%12llx ", (unsigned long long)g.row_address[r]);
    c.put(list_top + 1 + int(r), hx, buf, Style::Dim);
    for (size_t col = 0; col < g.cols; ++col) {
      int l = g.at(r, col);
      char ch = l < 0 ? ' ' : kLevelGlyphs[l];
      c.put(list_top + 1 + int(r), hx + label + int(col), std::string_view(&ch, 1), l <= 0 ? Style::Dim : heat_style(l));
    }
  }
}

// The event sources the capture lacked, on one line: what "-" means here.
void draw_missing(Explorer& ex, Canvas& c, int row) {
  std::string text = "MISSING ";
  const auto& notes = ex.traits().missing_notes;
  for (size_t i = 0; i < notes.size(); ++i) text += (i ? "; " : "") + notes[i];
  if (int(text.size()) > c.cols()) {
    const std::string more = "... (? lists all)";
    text = text.substr(0, size_t(std::max(0, c.cols() - int(more.size())))) + more;
  }
  c.fill(row, 0, c.cols(), ' ', Style::Warn);
  c.put(row, 0, text, Style::Warn);
}

void draw_timeline(Explorer& ex, Canvas& c, int row) {
  const Timeline& t = ex.timeline();
  if (t.empty()) return;
  const uint64_t first = t.first_ts(), last = t.last_ts();
  const uint64_t cur = t.at(t.cursor()).ts_ns;
  std::string pos = " " + clock_text(cur - first) + " / " + clock_text(last - first) + " ";
  int bar = c.cols() - int(pos.size()) - 2;
  c.put(row, 0, "[", Style::Dim);
  if (bar > 0) {
    c.fill(row, 1, bar, '-', Style::Dim);
    int x = last > first ? int(double(cur - first) / double(last - first) * (bar - 1)) : bar - 1;
    c.put(row, 1 + x, "*", Style::Selected);
  }
  c.put(row, 1 + std::max(bar, 0), "]", Style::Dim);
  c.put(row, 2 + std::max(bar, 0), pos, Style::Label);
}

void draw_status(Explorer& ex, Canvas& c, int row) {
  switch (ex.input()) {
    case Explorer::Input::Filter:
      c.put(row, c.put(row, 0, "Filter (name or pid, Enter done, Esc clear): ", Style::Input), ex.input_text() + "_", Style::Input);
      return;
    case Explorer::Input::GoTo:
      c.put(row, c.put(row, 0, "Go to time from start (s, m:ss, h:mm:ss): ", Style::Input), ex.input_text() + "_", Style::Input);
      return;
    case Explorer::Input::SortPick:
      c.put(row, 0, "Sort by: <-/-> choose, Enter sort, Esc cancel", Style::Input);
      return;
    case Explorer::Input::None: break;
  }
  if (!ex.message().empty()) {
    c.put(row, 0, ex.message(), Style::Warn);
    return;
  }
  if (ex.view() == Explorer::View::Replay) {
    const char* h = "";
    switch (ex.replay_screen().state()) {
      case ReplayScreen::State::Setup: h = "type to edit  Up/Down field  Enter run  Esc back"; break;
      case ReplayScreen::State::Running: h = "Esc cancel"; break;
      case ReplayScreen::State::Done: h = "Up/Down scroll table  e/Esc change and rerun  q quit"; break;
    }
    c.put(row, 0, h, Style::Dim);
    return;
  }
  std::string hints = ex.view() == Explorer::View::Table
                          ? (ex.timeline().replay() ? "Enter detail  / filter  F6 <> sort  space pause  <- -> step  R replay  ? help"
                                                    : "Enter detail  / filter  F6 <> sort  space pause  <- -> step  r record  ? help")
                          : "Esc back  Up/Down scroll  space pause  <- -> step  Home/End  g go to  ? help";
  if (!ex.table().filter().empty()) hints = "filter \"" + ex.table().filter() + "\"  " + hints;
  c.put(row, 0, hints, Style::Dim);
}

std::string bytes_text(uint64_t b) { return format_kb(b / 1024); }

void draw_replay_setup(const ReplayScreen& rs, Canvas& c, int top, int bottom) {
  c.put(top, 0, "Replay this capture under other policies, memory sizes and tiers", Style::Label);
  const char* names[] = {"Policies", "Memory  ", "Tiers   "};
  for (int i = 0; i < ReplayScreen::kFields; ++i) {
    const bool sel = int(rs.field()) == i;
    const int y = top + 2 + i;
    int x = c.put(y, 0, sel ? "> " : "  ", sel ? Style::Input : Style::Normal);
    x = c.put(y, x, std::string(names[i]) + " ", Style::Label);
    c.put(y, x, rs.text(ReplayScreen::Field(i)) + (sel ? "_" : ""), sel ? Style::Input : Style::Normal);
  }
  int y = top + 6;
  for (const std::string& h : rs.hints) {
    if (y >= bottom) break;
    c.put(y++, 2, h, Style::Dim);
  }
  if (!rs.message().empty() && y + 1 < bottom) c.put(y + 1, 0, rs.message(), Style::Warn);
}

void draw_replay_running(const ReplayScreen& rs, Canvas& c, int top) {
  c.put(top, 0, "Replaying in the background (Esc cancels)", Style::Label);
  const int width = std::max(10, c.cols() - 10);
  const int filled = int(rs.fraction() * width);
  c.put(top + 2, 0, "[", Style::Dim);
  c.fill(top + 2, 1, filled, '#', Style::Heat4);
  c.fill(top + 2, 1 + filled, width - filled, '.', Style::Dim);
  c.put(top + 2, 1 + width, "]" + fmt(" %3.0f%%", rs.fraction() * 100), Style::Label);
  c.put(top + 3, 1, rs.progress_text(), Style::Normal);
}

void draw_replay_done(ReplayScreen& rs, Canvas& c, int top, int bottom) {
  const ReplayResults& r = rs.results();
  std::string head = fmt("%.0f refs, ", double(r.references)) + fmt("%.0f pages", double(r.distinct_pages));
  if (r.real) head += "; real run: " + r.real->memory_source + " " + bytes_text(r.real->memory_bytes) + fmt(", %.0f major faults", double(r.real->major_faults));
  c.put(top, 0, head, Style::Label);
  // What the trace could not deliver (lost events, sources the capture lacked), on one line.
  int y0 = top + 1;
  if (!r.caveats.empty()) {
    std::string caveat = "caveat: " + r.caveats[0];
    if (r.caveats.size() > 1) caveat += " (+" + std::to_string(r.caveats.size() - 1) + " more: pagescope replay FILE lists them)";
    c.put(y0++, 0, caveat.substr(0, size_t(c.cols())), Style::Warn);
  }
  // The table: at most a third of the space; Up/Down scroll it.
  const bool tiers = std::any_of(r.rows.begin(), r.rows.end(), [](const ReplayRow& row) { return !row.tier.empty(); });
  const int avail = bottom - y0;
  const int table_rows = std::max(1, std::min<int>(int(r.rows.size()), avail / 3));
  c.fill(y0, 0, c.cols(), ' ', Style::ColumnHead);
  c.put(y0, 0, tiers ? "POLICY   TIER           MEMORY      FAULTS  MISS%      POOL      SWAP"
                     : "POLICY   MEMORY      FAULTS  MISS%  vs REAL", Style::ColumnHead);
  size_t max_scroll = r.rows.size() > size_t(table_rows) ? r.rows.size() - size_t(table_rows) : 0;
  rs.row_scroll = std::min(rs.row_scroll, max_scroll);
  for (int i = 0; i < table_rows; ++i) {
    size_t idx = rs.row_scroll + size_t(i);
    if (idx >= r.rows.size()) break;
    const ReplayRow& row = r.rows[idx];
    char buf[160];
    if (tiers) {
      std::snprintf(buf, sizeof buf, "%-8s %-13s %7s %11llu %5.1f%% %9s %9s", row.policy.c_str(), row.tier.c_str(),
                    bytes_text(row.memory_bytes).c_str(), (unsigned long long)row.faults, 100 * row.miss_ratio(),
                    row.pool_faults ? std::to_string(*row.pool_faults).c_str() : "-",
                    row.swap_faults ? std::to_string(*row.swap_faults).c_str() : "-");
    } else {
      std::string vs = "-";
      if (r.real && r.real->miss_ratio > 0) vs = fmt("%+.0f%%", 100 * (row.miss_ratio() / r.real->miss_ratio - 1));
      std::snprintf(buf, sizeof buf, "%-8s %6s %11llu %5.1f%% %8s", row.policy.c_str(),
                    bytes_text(row.memory_bytes).c_str(), (unsigned long long)row.faults, 100 * row.miss_ratio(), vs.c_str());
    }
    c.put(y0 + 1 + i, 0, buf, Style::Normal);
  }
  if (max_scroll > 0) c.put(y0, c.cols() - 12, fmt("%.0f rows", double(r.rows.size())), Style::ColumnHead);

  // The curves: y labels on the left, memory under the plot, legend last.
  const int py = y0 + 1 + table_rows + 1;
  const int legend_row = bottom - 1;
  const int axis_row = bottom - 2;
  const int plot_rows = axis_row - py;
  const int label = 7;
  const int plot_cols = c.cols() - label - 1;
  if (plot_rows < 3 || plot_cols < 10) return;
  MrcPlot p = plot_curves(r.curves, r.real, plot_rows, plot_cols);
  c.put(py - 1, 0, "miss ratio by memory (log scale)", Style::Dim);
  for (int y = 0; y < plot_rows; ++y) {
    std::string lab = (y == 0 || y == plot_rows - 1 || y == plot_rows / 2)
                          ? fmt("%5.3f", p.y_max * double(plot_rows - 1 - y) / double(plot_rows - 1))
                          : "";
    c.put(py + y, 0, pad_left(lab, label - 1) + "|", Style::Dim);
    for (int x = 0; x < plot_cols; ++x) {
      char g = p.grid[size_t(y)][size_t(x)];
      if (g == ' ') continue;
      int who = p.curve_of[size_t(y) * size_t(plot_cols) + size_t(x)];
      c.put(py + y, label + x, std::string_view(&g, 1), who == -2 ? Style::Selected : heat_style(2 + who % 6));
    }
  }
  c.put(axis_row, label - 1, "+", Style::Dim);
  c.fill(axis_row, label, plot_cols, '-', Style::Dim);
  if (p.x_max > 0) {
    std::string lo = bytes_text(p.x_min), hi = bytes_text(p.x_max);
    c.put(axis_row, label, lo, Style::Dim);
    c.put(axis_row, label + plot_cols - int(hi.size()), hi, Style::Dim);
  }
  int x = 0;
  for (size_t i = 0; i < r.curves.size(); ++i) {
    char g = curve_glyph(i);
    x = c.put(legend_row, x, std::string(1, g) + " " + r.curves[i].label + "  ", heat_style(2 + int(i) % 6));
  }
  if (r.real) c.put(legend_row, x, "R real run", Style::Selected);
}

void draw_replay(Explorer& ex, Canvas& c, int top, int bottom) {
  ReplayScreen& rs = ex.replay_screen();
  switch (rs.state()) {
    case ReplayScreen::State::Setup: draw_replay_setup(rs, c, top, bottom); break;
    case ReplayScreen::State::Running: draw_replay_running(rs, c, top); break;
    case ReplayScreen::State::Done: draw_replay_done(rs, c, top, bottom); break;
  }
}

const char* const kHelp[] = {
    "pagescope: keys",
    "",
    "  q F10        quit                     ? F1      this help",
    "  Up Down      select a process         Enter     its detail screen (Esc back)",
    "  PgUp PgDn    move by 10               /         filter by name or pid",
    "  F6           choose the sort column   < >       previous / next sort column",
    "  P M F        sort by pid, RSS, faults I         invert the sort order",
    "  space        pause / resume           + -       slower / faster refresh",
    "  <- ->        step one frame back/on   Home End  first / newest frame",
    "  g            go to a time             1 0       play at 1x / 10x",
    "  R            replay screen (captures) r         record to a file (top)",
    "",
    "Rates are per second over one refresh. \"-\" = this source cannot see it",
    "(TLB and stalls per process need the BPF source: run as root; WSS needs",
    "top --wss (the detail screen's process) or a capture recorded with",
    "--access-interval). SWIN/SWOUT: swap-entry changes (BPF) or VmSwap.",
    "",
    "Press any key to close.",
};

// The keys, then (for a capture that lacked event sources) why columns show "-".
void draw_help(Explorer& ex, Canvas& c) {
  const int w = std::min(c.cols(), 80);
  std::vector<std::string> lines(std::begin(kHelp), std::end(kHelp) - 1);
  const auto& notes = ex.traits().missing_notes;
  if (!notes.empty()) {
    lines.push_back("This capture lacks event sources; their columns show \"-\":");
    // Each note wrapped at spaces to the box, continued lines indented.
    const size_t width = size_t(std::max(w - 6, 10));
    for (const std::string& n : notes) {
      std::string line = "  ";
      size_t at = 0;
      while (at < n.size()) {
        size_t end = n.find(' ', at);
        std::string word = n.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? n.size() : end + 1;
        if (line.size() > 4 && line.size() + word.size() > width) {
          lines.push_back(line);
          line = "    ";
        }
        line += word + " ";
      }
      lines.push_back(line);
    }
    lines.push_back("");
  }
  lines.push_back(kHelp[std::size(kHelp) - 1]);
  const int h = int(lines.size()) + 2;
  const int top = std::max(0, (c.rows() - h) / 2);
  const int left = std::max(0, (c.cols() - w) / 2);
  for (int r = 0; r < h; ++r) c.fill(top + r, left, w, ' ', Style::Normal);
  for (int r = 0; r < h - 2; ++r) {
    c.put(top + 1 + r, left + 1, lines[size_t(r)].substr(0, size_t(std::max(0, w - 2))),
          r == 0 ? Style::Title : Style::Normal);
  }
}

}  // namespace

void render(Explorer& ex, Canvas& c) {
  if (c.rows() < 3 || c.cols() < 20) {
    c.put(0, 0, "terminal too small", Style::Warn);
    return;
  }
  const bool detail = ex.view() == Explorer::View::Detail;
  draw_title(ex, c, ex.view() == Explorer::View::Replay ? "tui replay" : ex.timeline().replay() ? "tui" : "top");
  const Frame* f = ex.timeline().current();
  const int status_row = c.rows() - 1;
  const int timeline_row = c.rows() - 2;
  // Missing event sources take the line above the timeline, on every screen but the replay's.
  const bool missing = !ex.traits().missing_notes.empty() && ex.view() != Explorer::View::Replay &&
                       c.rows() >= 8;
  const int bottom = missing ? timeline_row - 1 : timeline_row;
  if (ex.view() == Explorer::View::Replay) {
    draw_replay(ex, c, 1, timeline_row);
  } else if (!f) {
    c.put(2, 1, "collecting the first sample...", Style::Dim);
  } else if (detail) {
    draw_detail(ex, c, *f, 1, bottom);
  } else {
    draw_header(ex, c, *f);
    draw_table(ex, c, *f, 5, bottom);
  }
  if (missing) draw_missing(ex, c, bottom);
  draw_timeline(ex, c, timeline_row);
  draw_status(ex, c, status_row);
  if (ex.help_shown()) draw_help(ex, c);
}

}  // namespace pagescope::tui
