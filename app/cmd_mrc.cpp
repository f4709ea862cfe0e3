// pagescope mrc: miss ratio as a function of memory size, for LRU exactly in
// one pass, optionally estimated by SHARDS sampling, and for any other policy
// by a sweep over sizes on all cores.
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/command.h"
#include "app/output_check.h"
#include "app/cli_options.h"
#include "common/table.h"
#include "common/units.h"
#include "simulator/experiment.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/svg_plot.h"
#include "simulator/trace_stream.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::app {

namespace {

struct MrcOptions {
  sim::TraceFileOptions trace;
  std::string policies = "lru";
  std::string memory, frames;
  int points = 40;
  double shards_rate = 0;
  uint64_t shards_size = 0;
  std::string svg, mark;
  unsigned threads = 0;
  uint64_t seed = 1;
  bool json = false, csv = false;
  std::string part;  // --part K/N
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "pagescope mrc: %s\n", msg.c_str());
  return kExitUsage;
}

int run_mrc(const MrcOptions& o) {
  auto policies = sim::policies::parse_policy_list(o.policies);
  if (!policies) return fail(policies.error().message);
  auto page_size = parse_byte_size(o.trace.page_size);
  if (!page_size || *page_size == 0) return fail("--page-size: not a positive size: '" + o.trace.page_size + "'");
  if (!o.memory.empty() && !o.frames.empty()) return fail("give at most one of --frames or --memory");
  if (o.points < 2) return fail("--points must be at least 2");
  // Written so NaN fails too (every comparison with it is false; issue 17.16).
  if (!(o.shards_rate >= 0 && o.shards_rate <= 1))
    return fail("--shards: rate must be a number in (0, 1], got " + std::to_string(o.shards_rate));
  if (!o.svg.empty()) {
    if (std::string bad = output_problem(o.svg); !bad.empty()) return fail(bad);
  }
  std::optional<sim::PlotMarker> marker;
  if (!o.mark.empty()) {
    // SIZE:RATIO[:label], SIZE in bytes (with suffix) like --memory.
    size_t c1 = o.mark.find(':');
    if (c1 == std::string::npos) return fail("--mark: expected SIZE:MISS_RATIO[:label], e.g. 64M:0.12");
    size_t c2 = o.mark.find(':', c1 + 1);
    auto bytes = parse_byte_size(o.mark.substr(0, c1));
    char* end = nullptr;
    std::string r = o.mark.substr(c1 + 1, c2 == std::string::npos ? std::string::npos : c2 - c1 - 1);
    double mr = std::strtod(r.c_str(), &end);
    if (!bytes || r.empty() || *end != '\0' || mr < 0 || mr > 1)
      return fail("--mark: expected SIZE:MISS_RATIO[:label] with 0 <= ratio <= 1, got '" + o.mark + "'");
    marker = sim::PlotMarker{*bytes / *page_size, mr,
                             c2 == std::string::npos ? std::string("measured") : o.mark.substr(c2 + 1)};
  }

  std::vector<uint64_t> sizes;
  if (!o.memory.empty() || !o.frames.empty()) {
    auto list = o.memory.empty() ? parse_count_list(o.frames) : parse_byte_size_list(o.memory);
    if (!list) return fail(list.error().message);
    for (uint64_t s : *list) {
      uint64_t f = o.memory.empty() ? s : s / *page_size;
      if (f == 0 || f > UINT32_MAX) return fail("size " + std::to_string(s) + " gives " + std::to_string(f) + " frames; need 1..4294967295");
      sizes.push_back(f);
    }
  }

  ProgressLine progress("mrc");
  // The curves of the policies: the experiment runner (exact in one pass for
  // stack algorithms it has stack distances for, one replay per size for the
  // rest). Streamed, reading the trace once for every curve, unless a policy
  // looks ahead, SHARDS is asked for, or the default sizes (up to the
  // distinct pages) are needed before a policy's replays: then loaded.
  sim::ExperimentPlan plan;
  plan.policies = *policies;
  plan.page_size = *page_size;
  plan.seed = o.seed;
  plan.curve_sizes = sizes;
  plan.curve_points = sizes.empty() ? o.points : 0;
  plan.curve_threads = o.threads;
  auto pc = PartColumns::make(o.part, o.trace.path, plan,
                              "mrc\n" + trace_options_text(o.trace) + "\nshards " + std::to_string(o.shards_rate) +
                                  " " + std::to_string(o.shards_size));
  if (!pc) return fail(pc.error().message);
  if (pc->on() && !o.svg.empty()) return fail("--part: --svg draws every point; draw it from an unsplit run");
  plan.part = pc->part();
  sim::ExperimentHooks hooks;
  hooks.step = [&progress](const std::string& what) { progress.set_what(what); };
  hooks.run = progress.callback();
  const bool shards = o.shards_rate > 0 || o.shards_size > 0;
  std::optional<sim::Trace> trace;
  uint64_t references = 0;
  uint32_t pages = 0;
  Result<sim::ExperimentResults> res = Error{""};
  if (!shards && sim::why_not_streamed(plan).empty()) {
    auto stream = sim::open_trace_stream(o.trace);
    if (!stream) return fail(stream.error().message);
    res = sim::stream_experiment(**stream, plan, hooks);
    const auto& tot = (*stream)->totals();
    for (const auto& c : tot.caveats) std::fprintf(stderr, "pagescope mrc: warning: %s\n", c.c_str());
    if (res && tot.references == 0) return fail(o.trace.path + ": no references in the trace");
    references = tot.references;
    pages = tot.pages;
  } else {
    auto loaded = sim::load_trace_file(o.trace);
    if (loaded)
      for (const auto& c : loaded->caveats) std::fprintf(stderr, "pagescope %s: warning: %s\n", "mrc", c.c_str());
    if (!loaded) return fail(loaded.error().message);
    trace = std::move(loaded).value();
    // The default sizes are part of the run, not of the plan's identity.
    if (plan.curve_sizes.empty()) plan.curve_sizes = sim::default_sizes(trace->distinct_pages(), o.points);
    res = sim::run_experiment(*trace, plan, hooks);
    references = trace->size();
    pages = trace->distinct_pages();
  }
  if (!res) return fail(res.error().message);
  sizes = res->curve_sizes;
  std::vector<sim::MissRatioCurve> curves = std::move(res->curves);
  std::vector<std::string> notes;
  if (shards) {
    sim::ShardsConfig cfg;
    cfg.rate = o.shards_rate > 0 ? o.shards_rate : 0.01;
    cfg.max_samples = o.shards_size;
    cfg.seed = o.seed;
    auto s = sim::shards(*trace, cfg);
    char label[64];
    std::snprintf(label, sizeof label, "lru shards %.3g%%", 100 * s.final_rate);
    curves.push_back(sim::curve_from(s, sizes, label));
    char note[256];
    std::snprintf(note, sizeof note,
                  "SHARDS %s: %llu of %zu references sampled (rate %.4g), %llu pages; "
                  "estimate, not exact (see docs/simulator.md for its measured error)",
                  cfg.max_samples ? "fixed-size" : "fixed-rate", static_cast<unsigned long long>(s.sampled_refs),
                  trace->size(), s.final_rate, static_cast<unsigned long long>(s.sampled_pages));
    notes.push_back(note);
  }
  progress.done();

  Table table({"frames", "memory"});
  for (const auto& c : curves) table.add_column(c.label, Table::Align::kRight);
  pc->add_columns(table);
  for (size_t i = 0; i < sizes.size(); ++i) {
    std::vector<Cell> row = {Cell::count(sizes[i]), Cell::bytes(sizes[i] * *page_size)};
    for (const auto& c : curves) row.push_back(Cell::real(c.points[i].miss_ratio, 4));
    pc->add_cells(row, res->curve_points[i], res->points);
    table.add_row(std::move(row));
  }
  pc->note_empty("mrc", table.rows(), res->points);
  const bool for_people = print_table(table, o.json, o.csv, [&] {
    std::printf("%s: %llu references, %u distinct pages (%s each); miss ratio by memory size\n",
                sim::traces::input_name(o.trace.path).c_str(), (unsigned long long)references, pages,
                format_bytes(*page_size).c_str());
  });
  if (for_people) {
    for (const auto& n : notes) std::printf("%s\n", n.c_str());
  }
  for (const auto& n : notes)
    if (o.json || o.csv) std::fprintf(stderr, "%s\n", n.c_str());
  if (!o.svg.empty()) {
    sim::PlotOptions plot;
    plot.title = "miss ratio: " + o.trace.path;
    plot.page_size = *page_size;
    plot.marker = marker;
    auto st = sim::write_mrc_svg(curves, plot, o.svg);
    if (!st) {
      std::fprintf(stderr, "pagescope mrc: %s\n", st.message().c_str());
      return kExitFailure;
    }
  }
  return kExitOk;
}

}  // namespace

void add_mrc_command(CLI::App& root, CommandRun& run) {
  auto o = std::make_shared<MrcOptions>();
  CLI::App* cmd = root.add_subcommand(
      "mrc", "miss-ratio curves: exact one-pass LRU, SHARDS sampling, sweeps for other policies");
  add_trace_options(cmd, o->trace);
  cmd->add_option("--policy,-p", o->policies,
                  "comma-separated policies (lru is exact in one pass; others are replayed once per size, all fed "
                  "from one streamed read of the trace). opt and linux (which look ahead), --shards, and swept "
                  "policies without --memory/--frames read the whole trace into memory first");
  cmd->add_option("--memory,-m", o->memory, "sizes to report, e.g. 16M,32M,64M (default: --points sizes, log-spaced)");
  cmd->add_option("--frames", o->frames, "sizes to report in frames");
  cmd->add_option("--points", o->points, "number of log-spaced sizes when none are given (default 40)");
  cmd->add_option("--shards", o->shards_rate, "add a SHARDS estimate of the LRU curve at this sampling rate, e.g. 0.01");
  cmd->add_option("--shards-size", o->shards_size, "SHARDS fixed-size: keep at most this many sampled pages");
  cmd->add_option("--svg", o->svg, "draw the curves into this SVG file");
  cmd->add_option("--mark", o->mark, "mark a measured point on the SVG: SIZE:MISS_RATIO[:label], e.g. 64M:0.12:real");
  cmd->add_option("--threads", o->threads, "threads for sweeps (default: all cores)");
  cmd->add_option("--seed", o->seed, "seed for randomized policies and the SHARDS hash");
  add_part_option(cmd, o->part);
  auto* json = cmd->add_flag("--json", o->json, "JSON output");
  cmd->add_flag("--csv", o->csv, "CSV output")->excludes(json);
  cmd->callback([o, &run] { run = [o] { return run_mrc(*o); }; });
}

}  // namespace pagescope::app
