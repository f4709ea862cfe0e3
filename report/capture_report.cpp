#include "report/capture_report.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <optional>

#include "common/table.h"
#include "common/units.h"
#include "inspector/model/capture_query.h"
#include "inspector/model/process_table.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/system_wss_table.h"
#include "report/address_heatmap.h"
#include "report/html_page.h"
#include "report/line_chart.h"
#include "simulator/experiment.h"
#include "simulator/mrc.h"
#include "simulator/svg_plot.h"
#include "simulator/trace_file.h"
#include "tui/capture_replay.h"
#include "tui/replay_screen.h"

namespace pagescope::report {

namespace {

using capture::Source;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string caption(const std::string& text) { return "<p class=\"caption\">" + html_escape(text) + "</p>\n"; }

// What the page says where a chart's source was off: inspect's notes for
// those sources, or a plain statement when the capture does not say why.
std::string missing(const model::SourceNotes& notes, std::initializer_list<Source> sources, const std::string& what,
                    std::vector<std::string>& page_notes) {
  std::string out;
  std::string names;
  for (Source s : sources) names += (names.empty() ? "" : ",") + std::string(capture::source_name(s));
  auto lines = notes.notes_about(sources);
  if (lines.empty()) lines.push_back(what + ": not measured in this capture");
  for (const auto& l : lines) {
    out += missing_note(names, what + ": " + l);
    page_notes.push_back(what + ": " + l);
  }
  return out;
}

// One chart of the timeline: its columns that were measured as series, and a
// note for each that was not.
struct TimelineChart {
  const char* id;
  const char* title;
  const char* unit;
  std::vector<const char*> columns;
  std::initializer_list<Source> sources;  // what inspect marks those columns by (TimelineBuilder::table)
};

std::string timeline_section(const Table& table, const model::SourceNotes& notes, uint64_t interval_ns,
                             std::vector<std::string>& page_notes) {
  static const std::vector<TimelineChart> charts = {
      {"timeline-faults", "page faults per interval", "faults", {"MINFLT", "MAJFLT"}, {Source::kFaultKinds}},
      {"timeline-reclaim", "reclaim and swap per interval", "pages",
       {"SWAPOUT", "FILEWB", "SCANNED", "RECLAIMED"}, {Source::kReclaimWrites, Source::kLruShrink}},
      {"timeline-stalls", "reclaim stalls per interval", "ms", {"DIRECT_STALL_MS", "MEMCG_STALL_MS"}, {Source::kReclaim}},
      {"timeline-psi", "memory pressure (PSI, system-wide) per interval", "ms stalled",
       {"PSI_SOME_MS", "PSI_FULL_MS"}, {Source::kSystemCounters}},
      {"timeline-tlb", "TLB flushes per interval", "flushes",
       {"TLB_SWITCH", "TLB_REMOTE", "TLB_LOCAL", "TLB_LOCAL_MM", "TLB_IPI"}, {Source::kTlbFlushes}},
  };
  std::string body = caption("Source: the capture's records cut into " + format_seconds(interval_ns) +
                             " s rows, the rows of `pagescope inspect FILE --timeline` (x: start of the row, "
                             "seconds from the start of recording).");
  if (table.rows() == 0) return body + missing_note("records", "the capture holds no records to cut into rows");
  for (const auto& c : charts) {
    std::vector<ChartSeries> series;
    std::vector<std::string> off;
    for (const char* col : c.columns) {
      if (!table.measured(col)) {
        off.push_back(col);
        continue;
      }
      series.push_back(series_from_table(table, "TIME", col));
    }
    body += "<h3>" + html_escape(c.title) + "</h3>\n";
    if (!series.empty()) body += line_chart_svg({c.id, c.title, "seconds", c.unit}, series);
    if (!off.empty()) {
      std::string cols;
      for (const auto& o : off) cols += (cols.empty() ? "" : ", ") + o;
      body += missing(notes, c.sources, cols, page_notes);
    }
  }
  return body;
}

std::string summary_section(const std::string& path, const model::CaptureRun& run, const model::CaptureTotals& t,
                            uint64_t zero, const model::SourceNotes& notes, const model::ProcessTable& procs,
                            const std::vector<std::string>& problems) {
  std::string s = "<dl class=\"summary\">\n";
  auto row = [&](const std::string& k, const std::string& v) {
    s += "<dt>" + html_escape(k) + "</dt><dd data-key=\"" + html_escape(k) + "\">" + html_escape(v) + "</dd>\n";
  };
  row("capture", path + " (format " + std::to_string(run.format_major) + "." + std::to_string(run.format_minor) + ")");
  row("host", run.host.hostname + ", kernel " + run.host.kernel_release + ", " + std::to_string(run.host.cpu_count) +
                  " CPUs, page " + std::to_string(run.host.page_size) + " B");
  if (!run.host.command_line.empty()) row("command", run.host.command_line);
  row("duration", format_seconds(std::max(t.last_ts_ns, zero) - zero) + " s");
  row("records", std::to_string(t.records));
  row("lost events", std::to_string(t.lost_events) +
                         (t.lost_events ? " (the kernel dropped records: counts are lower bounds)" : ""));
  const auto& r = run.report;
  row("file", r.complete && r.chunks_corrupt == 0 && r.bytes_unreadable == 0
                  ? "complete (" + std::to_string(r.chunks_ok) + " chunks)"
                  : std::string(r.complete ? "recovered" : "incomplete (recorder did not close it)") + ": " +
                        std::to_string(r.chunks_corrupt) + " corrupt chunks skipped, " +
                        std::to_string(r.bytes_unreadable) + " bytes unreadable");
  s += "</dl>\n";
  for (const auto& p : problems) s += missing_note("file", p);
  // Which sources were on: `inspect --sources`'s table.
  const Table st = notes.table();
  s += "<h3>event sources</h3>\n";
  if (notes.unknown()) s += "<p>The capture does not say which sources were on (written before format 1.3).</p>\n";
  s += "<table class=\"sources\"><tr><th class=\"l\">source</th><th class=\"l\">state</th><th class=\"l\">detail</th></tr>\n";
  for (size_t i = 0; i < st.rows(); ++i) {
    s += "<tr data-source=\"" + html_escape(st.at(i, 0).shown()) + "\" data-state=\"" + html_escape(st.at(i, 1).shown()) +
         "\">";
    for (size_t c = 0; c < 3 && c < st.column_names().size(); ++c) s += "<td class=\"l\">" + html_escape(st.at(i, c).shown()) + "</td>";
    s += "</tr>\n";
  }
  s += "</table>\n";
  // The processes, most faults first (inspect's per-process summary, shortened).
  std::vector<const model::ProcessInfo*> ps;
  for (const auto& p : procs.processes()) ps.push_back(&p);
  std::stable_sort(ps.begin(), ps.end(), [](auto* a, auto* b) { return a->faults.total > b->faults.total; });
  const bool majors = notes.measured(Source::kFaultKinds);
  const bool faults = notes.measured(Source::kFaults);
  s += "<h3>processes (" + std::to_string(ps.size()) + ", most faults first)</h3>\n";
  s += "<table class=\"processes\"><tr><th>pid</th><th class=\"l\">comm</th><th>start s</th><th>end s</th>"
       "<th>faults</th><th>major</th></tr>\n";
  for (size_t i = 0; i < ps.size() && i < 20; ++i) {
    const auto& p = *ps[i];
    auto rel = [&](uint64_t ts) { return ts >= zero ? format_seconds(ts - zero) : "0.000"; };
    s += "<tr data-pid=\"" + std::to_string(p.pid) + "\"><td>" + std::to_string(p.pid) + "</td><td class=\"l\">" +
         html_escape(p.comm.empty() ? "?" : p.comm) + "</td><td>" + rel(p.first_ts_ns) + "</td><td>" +
         rel(p.last_ts_ns) + "</td><td>" + (faults ? std::to_string(p.faults.total) : "-") + "</td><td>" +
         (majors ? std::to_string(p.faults.major) : "-") + "</td></tr>\n";
  }
  s += "</table>\n";
  if (ps.size() > 20) s += caption(std::to_string(ps.size() - 20) + " more in `pagescope inspect FILE`.");
  return s;
}

std::string wss_section(const Table& table, const model::SourceNotes& notes, uint64_t tau_ns,
                        std::vector<std::string>& page_notes) {
  std::string body = caption(
      "Source: `pagescope inspect FILE --wss --tau " + format_seconds(tau_ns) +
      "s`: W(t, tau), the distinct pages referenced per window, summed over processes (from faults: a lower "
      "bound; with record --access-interval, also the pages whose accessed bit was set), against the memory "
      "cgroup's usage and limit from the capture's /proc samples.");
  std::vector<ChartSeries> series;
  if (table.measured("BYTES")) {
    series.push_back(series_from_table(table, "T", "BYTES", "working set"));
  } else {
    body += missing(notes, {Source::kFaults, Source::kAccessBits}, "working set", page_notes);
  }
  if (!table.measured("MEMCG_LIMIT")) {
    body += missing(notes, {Source::kSystemCounters}, "memory cgroup usage and limit", page_notes);
  } else {
    ChartSeries usage = series_from_table(table, "T", "MEMCG_USAGE", "memcg usage");
    ChartSeries limit = series_from_table(table, "T", "MEMCG_LIMIT", "memcg limit");
    limit.dashed = true;
    if (usage.points.empty()) {
      body += missing_note("memcg", "no memory cgroup samples in the capture: the run's memory limit is unknown");
      page_notes.push_back("no memory cgroup samples: memory limit unknown");
    } else {
      series.push_back(std::move(usage));
    }
    if (limit.points.empty() && !series.empty() && series.size() > 1) {
      body += missing_note("memcg", "the memory cgroup had no limit (memory.max: max)");
    }
    if (!limit.points.empty()) series.push_back(std::move(limit));
  }
  if (!series.empty()) {
    body += line_chart_svg({"wss", "working set against the memory limit", "seconds", "bytes", true}, series);
  }
  return body;
}

}  // namespace

Result<Report> build_report(const ReportOptions& o, const ReportHooks& hooks) {
  auto step = [&](const std::string& what) {
    if (hooks.step) hooks.step(what);
  };
  Report out;
  // One pass for the summary, the timeline and the working set, the query inspect makes.
  step("reading the capture");
  model::QuerySpec spec;
  spec.wss_taus = {o.interval_ns};
  spec.timeline_interval_ns = o.interval_ns;
  auto q = model::CaptureQuery::run(o.path, std::move(spec));
  if (!q) return Error{q.error().message, ErrorKind::kUsage};
  const model::CaptureRun& run = q->capture();
  model::SourceNotes notes(run.host.sources);
  const uint64_t page_size = run.host.page_size ? run.host.page_size : 4096;
  const model::ProcessTable& procs = q->processes();
  const model::CaptureTotals& totals = q->totals();
  const uint64_t t0 = q->time_zero();

  HtmlPage page("pagescope report: " + o.path);
  page.add_section("summary", "summary",
                   summary_section(o.path, run, totals, t0, notes, procs, run.report.problems));
  page.add_section("timeline", "timeline", timeline_section(q->timeline()->table(notes), notes, o.interval_ns, out.notes));
  page.add_section("working-set", "working set and memory limit",
                   wss_section(model::system_wss_table(*q->wss(), q->memory(), totals.last_ts_ns, t0, page_size, notes),
                               notes, o.interval_ns, out.notes));

  // The TUI's view of the capture: its frames give the recorded run, its
  // detail columns the heatmaps.
  step("address-space heatmaps");
  auto cap = tui::CaptureReplay::open(o.path, o.interval_ns);
  std::optional<tui::RealPoint> real;
  std::string heat = caption(
      "Source: the address heatmap of `pagescope tui FILE`'s process screen, over the whole run: rows are slices of "
      "the process's mapped address space (highest addresses on top; grey rows are squeezed gaps between mappings), "
      "columns are intervals, a cell's colour is the references it saw (faults, plus pages whose accessed bit was "
      "set where the capture sampled them), log-scaled; hover a cell for its number.");
  if (!cap) {
    heat += missing_note("capture", cap.error().message);
    out.notes.push_back(cap.error().message);
  } else {
    real = tui::real_point(*cap);
    if (!notes.measured(Source::kFaults) && !notes.measured(Source::kAccessBits)) {
      heat += missing(notes, {Source::kFaults, Source::kAccessBits}, "address heatmap", out.notes);
    } else {
      std::vector<const model::ProcessInfo*> ps;
      for (const auto& p : procs.processes())
        if (p.faults.total > 0) ps.push_back(&p);
      std::stable_sort(ps.begin(), ps.end(), [](auto* a, auto* b) { return a->faults.total > b->faults.total; });
      if (ps.size() > o.top_processes) ps.resize(o.top_processes);
      if (ps.empty()) heat += missing_note("faults", "no process took a fault in this capture");
      for (const auto* p : ps) {
        step("heatmap of pid " + std::to_string(p->pid));
        AddressHeatmap m = address_heatmap(cap->detail(int32_t(p->pid)), o.heatmap_rows, o.heatmap_columns, t0,
                                           o.interval_ns);
        m.pid = int32_t(p->pid);
        m.comm = p->comm;
        heat += "<h3 data-pid=\"" + std::to_string(p->pid) + "\">pid " + std::to_string(p->pid) + " (" +
                html_escape(p->comm.empty() ? "?" : p->comm) + "), " + std::to_string(p->faults.total) + " faults</h3>\n";
        if (m.rows() == 0) {
          heat += missing_note("maps_snapshots", "no address space known for this process (no maps snapshot and no "
                                                 "mapping recorded)");
          continue;
        }
        heat += heatmap_svg(m);
        heat += caption(std::to_string(m.columns()) + " columns of " + format_seconds(m.interval_ns) + " s, " +
                        std::to_string(m.rows()) + " address rows; " + fmt("%.0f", m.total) +
                        " references in mapped memory.");
      }
    }
  }
  page.add_section("heatmap", "address space over time", heat);

  // What if: the experiment runner, as `mrc` and `replay` call it.
  step("loading the reference string");
  std::string mrc_body, table_body;
  sim::TraceFileOptions topt;
  topt.path = o.path;
  topt.format = "capture";
  auto trace = sim::load_trace_file(topt);
  if (trace)
    for (const auto& c : trace->caveats) out.notes.push_back(c);
  const std::string replay_note =
      "Source: the capture's faults (and accessed bits, when recorded) as a reference string, replayed by the "
      "experiment runner of `pagescope mrc` and `pagescope replay`.";
  if (!trace || trace->size() == 0) {
    const std::string why = !trace ? trace.error().message : o.path + ": no references in the capture";
    auto lines = notes.notes_about({Source::kFaults, Source::kAccessBits});
    mrc_body = caption(replay_note) + missing_note("faults", why);
    for (const auto& l : lines) mrc_body += missing_note("faults", l);
    table_body = mrc_body;
    out.notes.push_back(why);
  } else {
    std::vector<const sim::policies::PolicyInfo*> policies = o.policies;
    if (policies.empty()) policies = sim::policies::parse_policy_list(kDefaultPolicies).value();
    sim::ExperimentPlan plan;
    plan.policies = policies;
    plan.page_size = page_size;
    plan.curve_sizes = sim::default_sizes(trace->distinct_pages(), o.curve_points);
    plan.curve_threads = o.threads;
    // The table's sizes: around the recorded footprint (the memory the run
    // had), else around the pages it touched.
    const uint64_t footprint = real && real->memory_bytes >= page_size ? real->memory_bytes / page_size
                                                                       : trace->distinct_pages();
    for (double f : {0.25, 0.5, 1.0, 2.0}) {
      const uint64_t frames = std::clamp<uint64_t>(uint64_t(std::llround(double(footprint) * f)), 1, UINT32_MAX);
      if (std::find(plan.frames.begin(), plan.frames.end(), frames) == plan.frames.end()) plan.frames.push_back(frames);
    }
    if (real) plan.real = sim::RealRun{real->memory_bytes, real->major_faults};
    sim::ExperimentHooks eh;
    eh.step = hooks.step;
    eh.run = hooks.run;
    eh.warn = [&](const std::string& w) { out.notes.push_back(w); };
    auto res = sim::run_experiment(*trace, plan, eh);
    if (!res) return Error{res.error().message, ErrorKind::kFailure};
    const bool have_real = real && res->real_miss_ratio;
    std::string policy_names;
    for (const auto* p : policies) policy_names += (policy_names.empty() ? "" : ",") + std::string(p->name);
    // The curves, with the real run marked.
    sim::PlotOptions plot;
    plot.title = "miss ratio by memory size";
    plot.page_size = page_size;
    if (have_real)
      plot.marker = sim::PlotMarker{real->memory_bytes / page_size, *res->real_miss_ratio,
                                    "recorded (" + real->memory_source + ")"};
    std::string svg = sim::render_mrc_svg(res->curves, plot);
    svg.insert(4, " class=\"chart\" data-chart=\"mrc\"");  // after "<svg"
    mrc_body = caption(replay_note + " `pagescope mrc FILE --policy " + policy_names + " --points " +
                       std::to_string(o.curve_points) + "` gives the same curves; " +
                       std::to_string(trace->size()) + " references, " + std::to_string(trace->distinct_pages()) +
                       " distinct pages.") +
               svg;
    if (!have_real) mrc_body += missing_note("recorded", "the capture knows neither a memory limit nor RSS: no recorded run to mark");
    // The replay table, with the recorded row (`replay FILE.psc`'s).
    std::string t = "<table class=\"replay\"><tr><th class=\"l\">policy</th><th>frames</th><th>memory</th>"
                    "<th>references</th><th>faults</th><th>hit ratio</th><th>evictions</th>"
                    "<th>major faults</th><th>minor faults</th></tr>\n";
    for (const auto& cell : res->cells) {
      const auto& r = cell.sim;
      t += "<tr data-policy=\"" + html_escape(cell.policy->name) + "\" data-frames=\"" + std::to_string(cell.frames) +
           "\" data-faults=\"" + std::to_string(r.faults) + "\"><td class=\"l\">" + html_escape(cell.policy->name) +
           "</td><td>" + std::to_string(cell.frames) + "</td><td>" + format_bytes(cell.frames * page_size) +
           "</td><td>" + std::to_string(r.references) + "</td><td>" + std::to_string(r.faults) + "</td><td>" +
           fmt("%.4f", r.hit_ratio()) + "</td><td>" + std::to_string(r.evictions) + "</td><td>-</td><td>-</td></tr>\n";
    }
    std::string memory_line;
    if (have_real) {
      const double miss = *res->real_miss_ratio;
      const uint64_t faults = uint64_t(std::llround(miss * double(trace->size())));
      t += "<tr class=\"recorded\" data-policy=\"recorded\" data-frames=\"" +
           std::to_string(real->memory_bytes / page_size) + "\" data-faults=\"" + std::to_string(faults) +
           "\"><td class=\"l\">recorded</td><td>" + std::to_string(real->memory_bytes / page_size) + "</td><td>" +
           format_bytes(real->memory_bytes) + "</td><td>" + std::to_string(trace->size()) + "</td><td>" +
           std::to_string(faults) + "</td><td>" + fmt("%.4f", 1.0 - miss) + "</td><td>-</td><td>" +
           std::to_string(real->major_faults) + "</td><td>" + std::to_string(real->minor_faults) + "</td></tr>\n";
      memory_line = "The recorded run: " + real->memory_source + " " + format_bytes(real->memory_bytes) + ", " +
                    std::to_string(real->major_faults) + " major and " + std::to_string(real->minor_faults) +
                    " minor faults; its row counts majors plus first touches, as the simulator counts faults. ";
    }
    t += "</table>\n";
    std::string mem_list;
    for (uint64_t f : plan.frames) mem_list += (mem_list.empty() ? "" : ",") + std::to_string(f);
    table_body = caption(memory_line + "`pagescope replay FILE --policy " + policy_names + " --frames " + mem_list +
                         "` gives the same table (sizes: a quarter to twice the recorded footprint).") +
                 t;
  }
  page.add_section("mrc", "miss-ratio curves", mrc_body);
  page.add_section("replay", "replays, with the recorded run", table_body);
  if (!out.notes.empty()) {
    std::string n = "<ul>\n";
    for (const auto& l : out.notes) n += "<li>" + html_escape(l) + "</li>\n";
    page.add_section("notes", "notes", n + "</ul>\n");
  }
  out.html = page.render();
  return out;
}

}  // namespace pagescope::report
