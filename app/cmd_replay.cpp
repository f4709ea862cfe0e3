// pagescope replay: how many faults would this reference trace take under
// other replacement policies and memory sizes? With --tier: what would a
// compressed tier (zswap, zram) under that memory save, and what would it cost?
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "app/command.h"
#include "app/cli_options.h"
#include "common/table.h"
#include "common/units.h"
#include "compressors/compressor.h"
#include "simulator/experiment.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/sweep.h"
#include "simulator/trace_stream.h"
#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"
#include "tui/capture_replay.h"
#include "tui/replay_screen.h"

namespace pagescope::app {

namespace {

struct ReplayOptions {
  sim::TraceFileOptions trace;
  std::string policies = "lru";
  std::string frames, memory;
  uint64_t seed = 1;
  bool json = false, csv = false;
  std::string tiers;  // empty: no tier columns, the plain replay
  sim::tiers::CompressibilityModel model;
  bool ratio_given = false;
  bool zero_given = false;
  std::string swap_latency = "100us";
  std::string target_fault_rate;  // sweep mode: smallest memory per (policy, tier) meeting it
  std::string part;               // --part K/N
};

// "1%", "0.5%", "0.01": a fraction of references.
Result<double> parse_rate(const std::string& text) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v)) return Error{"not a rate: '" + text + "' (e.g. 1% or 0.01)"};
  std::string rest(end);
  if (rest == "%") v /= 100;
  else if (!rest.empty()) return Error{"not a rate: '" + text + "' (e.g. 1% or 0.01)"};
  if (v < 0 || v >= 1) return Error{"rate '" + text + "' must be at least 0 and below 100%"};
  return v;
}

Cell seconds(double s) { return Cell::real(s, 6); }
Cell ratio(double r) { return Cell::real(r, 4); }
Cell cnt(uint64_t v) { return Cell::count(v); }
// A size in bytes: "64M" for people and CSV, a number of bytes in --tier's
// JSON (issue 18.5), where a program reads it.
template <typename Options>
Cell size_cell(const Options& o, uint64_t bytes) { return o.json ? Cell::count(bytes) : Cell::bytes(bytes); }

// Where each compressor's sizes and costs came from, one line each.
void print_sources(const ReplayOptions& o, const std::map<std::string, sim::SizeSource>& src) {
  for (const auto& [name, s] : src) {
    const auto& k = s.cal;
    if (s.cal_from_capture)
      std::printf("%s: recording host's calibration from the capture (%llu sampled pages): %.0f ns compress, "
                  "%.0f ns decompress per 4K page\n",
                  name.c_str(), (unsigned long long)s.calibration_pages, k.text.compress_ns, k.text.decompress_ns);
    else
      std::printf("%s on this host: %.0f ns compress, %.0f ns decompress per 4K page (text-like sample, %.2fx)\n",
                  name.c_str(), k.text.compress_ns, k.text.decompress_ns, k.text_ratio());
    if (s.samples)
      std::printf("%s: page sizes from the capture's %llu content samples: %llu pages their own sample, %llu the "
                  "nearest sampled page of their VMA, %llu modelled (ratio %.2f, %.0f%% same-filled: the sampled "
                  "mean%s)\n",
                  name.c_str(), (unsigned long long)s.samples, (unsigned long long)s.origins.own,
                  (unsigned long long)s.origins.nearest, (unsigned long long)s.origins.modelled, s.ratio,
                  100 * s.zero_fraction, o.ratio_given || o.zero_given ? ", except as given" : "");
    else
      std::printf("%s: page sizes modelled (no content samples) at ratio %.2f, %.0f%% zero, %.0f%% incompressible\n",
                  name.c_str(), s.ratio, 100 * s.zero_fraction, 100 * o.model.incompressible_fraction);
  }
}

// Progress on the terminal from the runner's hooks.
sim::ExperimentHooks progress_hooks(ProgressLine& progress) {
  sim::ExperimentHooks h;
  h.step = [&progress](const std::string& what) { progress.set_what(what); };
  h.run = progress.callback();
  h.warn = [](const std::string& w) { std::fprintf(stderr, "pagescope replay: warning: %s\n", w.c_str()); };
  return h;
}

// Sweep mode: per (policy, tier), the smallest memory whose slow faults
// (swap reads and lost pages) per reference stay at or below the target.
void print_sweep(const ReplayOptions& o, const sim::Trace& trace, const sim::ExperimentPlan& plan,
                 sim::ExperimentResults& res, const PartColumns& pc) {
  namespace tiers = sim::tiers;
  const uint64_t page_size = plan.page_size;
  auto& src = res.sources;
  Table table({"policy<", "tier<", "sizes<", "memory", "frames", "slow_faults", "slow_fault_rate", "pool_faults",
               "cold_faults", "pool_final", "memory_saved", "replays", "ratio"});
  pc.add_columns(table);
  uint64_t none_frames = 0;  // the policy's memory without a tier, once its none cell is seen
  bool have_none = false;
  const sim::policies::PolicyInfo* policy = nullptr;
  for (const auto& cell : res.cells) {
    if (cell.policy != policy) have_none = false;
    policy = cell.policy;
    const auto& t = plan.tiers[size_t(cell.tier)];
    const auto& r = *cell.run;
    const bool none = t.kind == tiers::TierKind::kNone;
    if (none) {
      none_frames = cell.frames;
      have_none = true;
    }
    const double bytes_per_model_byte = page_size > 1 ? double(page_size) / 4096.0 : 1.0;
    Cell saved = Cell::missing();
    if (have_none && !none) {
      const uint64_t diff = (none_frames >= cell.frames ? none_frames - cell.frames : cell.frames - none_frames) *
                            page_size;
      // JSON: a signed number of bytes (negative: the tier needs more memory).
      saved = o.json ? Cell::integer(none_frames < cell.frames ? -int64_t(diff) : int64_t(diff))
                     : Cell::bytes(diff, none_frames < cell.frames);
    }
    if (!cell.in_part) continue;  // computed for the memory_saved of this part's cells only
    std::vector<Cell> row = {Cell::text(cell.policy->name), Cell::text(t.text),
                             none ? Cell::missing() : Cell::text(src[t.compressor].label()),
                             size_cell(o, uint64_t(cell.frames) * page_size), cnt(cell.frames),
                             cnt(tiers::slow_faults(r)), ratio(tiers::slow_fault_rate(r)), cnt(r.tier.pool_loads),
                             cnt(r.sim.cold_faults),
                             size_cell(o, uint64_t(double(r.final_pool_bytes) * bytes_per_model_byte)), saved,
                             cnt(cell.replays), none ? Cell::missing() : Cell::real(src[t.compressor].ratio, 2)};
    pc.add_cells(row, cell.point, res.points);
    table.add_row(std::move(row));
  }
  pc.note_empty("replay", table.rows(), res.points);
  print_table(table, o.json, o.csv, [&] {
    std::printf("%s: %zu references, %u distinct pages (%s each); smallest memory with slow faults (swap reads + "
                "lost pages) <= %s of references\n",
                o.trace.path.c_str(), trace.size(), trace.distinct_pages(), format_bytes(page_size).c_str(),
                o.target_fault_rate.c_str());
    print_sources(o, src);
  });
}

// Every (policy, memory, tier) against the same policy and memory with no tier.
int run_tiered(const ReplayOptions& o, const sim::Trace& trace, sim::ExperimentPlan plan, const PartColumns& pc) {
  namespace tiers = sim::tiers;
  auto specs = tiers::parse_tier_list(o.tiers);
  if (!specs) {
    std::fprintf(stderr, "pagescope replay: %s\n", specs.error().message.c_str());
    return kExitUsage;
  }
  if (auto st = tiers::check_model(o.model); !st) {
    std::fprintf(stderr, "pagescope replay: %s\n", st.message().c_str());
    return kExitUsage;
  }
  auto swap_ns = parse_duration_ns(o.swap_latency);
  if (!swap_ns) {
    std::fprintf(stderr, "pagescope replay: --swap-latency: %s\n", swap_ns.error().message.c_str());
    return kExitUsage;
  }
  if (o.trace.per_process) {
    std::fprintf(stderr, "pagescope replay: --tier does not support --per-process\n");
    return kExitUsage;
  }
  if (!o.target_fault_rate.empty()) {
    auto r = parse_rate(o.target_fault_rate);
    if (!r) {
      std::fprintf(stderr, "pagescope replay: --target-fault-rate: %s\n", r.error().message.c_str());
      return kExitUsage;
    }
    plan.target_fault_rate = *r;
  }
  plan.tiers = std::move(specs).value();
  plan.model = o.model;
  plan.ratio_given = o.ratio_given;
  plan.zero_given = o.zero_given;
  plan.swap_read_ns = double(*swap_ns);
  // A capture recorded with --sample-contents sizes its pages from the samples.
  const std::string format = o.trace.format.empty() ? sim::traces::guess_format(o.trace.path) : o.trace.format;
  if (format == "capture") plan.contents_path = o.trace.path;

  ProgressLine progress(plan.target_fault_rate >= 0 ? "sweep" : "replay");
  auto res = sim::run_experiment(trace, plan, progress_hooks(progress));
  progress.done();
  if (!res) {
    std::fprintf(stderr, "pagescope replay: %s\n", res.error().message.c_str());
    return res.error().kind == ErrorKind::kUsage ? kExitUsage : kExitFailure;
  }
  if (plan.target_fault_rate >= 0) {
    print_sweep(o, trace, plan, *res, pc);
    return kExitOk;
  }
  auto& src = res->sources;
  const uint64_t page_size = plan.page_size;
  // ratio last: the columns before it keep the places they had.
  Table table({"policy<", "tier<", "sizes<", "memory", "ram_hits", "pool_faults", "swap_faults", "cold_faults",
               "failed_swapouts", "lost_faults", "rejects", "writebacks", "swap_outs", "pool_peak", "pool_final",
               "saved_peak", "compress_s", "decompress_s", "stall_s", "stall_saved_s", "swap_reads_avoided",
               "ratio"});
  pc.add_columns(table);
  const double bytes_per_model_byte = page_size > 1 ? double(page_size) / 4096.0 : 1.0;
  auto bytes = [&](uint64_t model_bytes) { return size_cell(o, uint64_t(double(model_bytes) * bytes_per_model_byte)); };
  for (const auto& cell : res->cells) {
    const auto& t = plan.tiers[size_t(cell.tier)];
    const auto& r = *cell.run;
    const auto& s = r.tier;
    const auto& cost = cell.cost;
    const bool none = t.kind == tiers::TierKind::kNone;
    std::vector<Cell> row = {Cell::text(cell.policy->name), Cell::text(t.text),
                             none ? Cell::missing() : Cell::text(src[t.compressor].label()),
                             size_cell(o, cell.frames * page_size), cnt(r.sim.references - r.sim.faults),
                             cnt(s.pool_loads), cnt(s.swap_loads), cnt(r.sim.cold_faults), cnt(s.failed_swapouts),
                             cnt(s.lost_loads),
                             cnt(s.rejects), cnt(s.writebacks), cnt(s.swap_outs), bytes(s.peak_pool_bytes),
                             bytes(r.final_pool_bytes), bytes(s.peak_saved_bytes), seconds(cost.compress_s),
                             seconds(cost.decompress_s), seconds(cost.stall_s), seconds(cell.stall_saved_s),
                             cnt(cell.swap_reads_avoided),
                             none ? Cell::missing() : Cell::real(src[t.compressor].ratio, 2)};
    pc.add_cells(row, cell.point, res->points);
    table.add_row(std::move(row));
  }
  pc.note_empty("replay", table.rows(), res->points);
  print_table(table, o.json, o.csv, [&] {
    std::printf("%s: %zu references, %u distinct pages (%s each); swap read %s\n", o.trace.path.c_str(), trace.size(),
                trace.distinct_pages(), format_bytes(page_size).c_str(), o.swap_latency.c_str());
    print_sources(o, src);
  });
  return kExitOk;
}

// The plain replays' table: one row per (policy, memory).
// What a capture says its run really took, computed as the TUI's replay
// screen does (tui::real_point over the capture's frames): only for a whole
// capture (not --pid: the totals are of every process).
std::optional<tui::RealPoint> recorded_run(const ReplayOptions& o) {
  const std::string format = o.trace.format.empty() ? sim::traces::guess_format(o.trace.path) : o.trace.format;
  const auto* f = sim::traces::find_format(format);
  if (!f || std::string(f->name) != "capture" || o.trace.source.pid || o.trace.path == "-") return std::nullopt;
  auto cap = tui::CaptureReplay::open(o.trace.path, 1'000'000'000);
  if (!cap) return std::nullopt;  // the replay itself names the problem
  return tui::real_point(*cap);
}

// With a recorded run (a capture), one more row, "recorded", and two more
// columns: its memory (the limit it ran under, else its peak RSS), its faults
// as the simulator counts them (major faults plus first touches, so the row
// compares with the simulated ones), and its major and minor faults.
// With --part, the recorded row is part 1's (it is no point of the sweep).
int print_replays(const ReplayOptions& o, const sim::ExperimentResults& res, uint64_t page_size, uint64_t references,
                  uint32_t pages, bool any_write, const std::optional<tui::RealPoint>& real, const PartColumns& pc) {
  std::vector<std::string> cols = {"policy<", "frames", "memory", "references", "faults", "hit_ratio", "evictions",
                                   "dirty_writebacks"};
  if (real) cols.insert(cols.end(), {"major_faults", "minor_faults"});
  Table table(cols);
  pc.add_columns(table);
  for (const auto& cell : res.cells) {
    const auto& r = cell.sim;
    std::vector<Cell> row = {Cell::text(cell.policy->name), cnt(cell.frames), Cell::bytes(cell.frames * page_size),
                             cnt(r.references), cnt(r.faults), ratio(r.hit_ratio()), cnt(r.evictions),
                             cnt(r.dirty_writebacks)};
    if (real) row.insert(row.end(), {Cell::missing(), Cell::missing()});
    pc.add_cells(row, cell.point, res.points);
    table.add_row(std::move(row));
  }
  pc.note_empty("replay", table.rows(), res.points);
  if (real && res.real_miss_ratio && pc.part().index == 1) {
    // The experiment runner's count of the real run (plan.real), as the TUI shows it.
    const double miss = *res.real_miss_ratio;
    std::vector<Cell> row = {Cell::text("recorded"), cnt(real->memory_bytes / page_size),
                             Cell::bytes(real->memory_bytes), cnt(references),
                             cnt(uint64_t(std::llround(miss * double(references)))), ratio(1.0 - miss),
                             Cell::missing(), Cell::missing(), cnt(real->major_faults), cnt(real->minor_faults)};
    pc.add_cells(row, std::nullopt, res.points);
    table.add_row(std::move(row));
  }
  print_table(table, o.json, o.csv, [&] {
    if (real)
      std::printf("recorded run: %s %s, %llu major faults, %llu minor faults (row 'recorded': majors + first "
                  "touches)\n",
                  real->memory_source.c_str(), format_bytes(real->memory_bytes).c_str(),
                  (unsigned long long)real->major_faults, (unsigned long long)real->minor_faults);
    std::printf("%s: %llu references, %u distinct pages (%s each)%s%s\n",
                sim::traces::input_name(o.trace.path).c_str(), (unsigned long long)references, pages,
                format_bytes(page_size).c_str(), any_write ? "" : ", no writes in the trace",
                o.trace.per_process ? (", per-process pools for " + std::to_string(res.processes) + " processes").c_str() : "");
  });
  return kExitOk;
}

// Plain replays of policies that do not look ahead: the trace is streamed,
// read once whatever the number of policies and sizes, in memory bounded by
// its distinct pages (a pipe works: "-").
int run_streamed(const ReplayOptions& o, const sim::ExperimentPlan& plan, const std::optional<tui::RealPoint>& real,
                 const PartColumns& pc) {
  auto stream = sim::open_trace_stream(o.trace);
  if (!stream) {
    std::fprintf(stderr, "pagescope replay: %s\n", stream.error().message.c_str());
    return kExitUsage;
  }
  ProgressLine progress("replay");
  auto res = sim::stream_experiment(**stream, plan, progress_hooks(progress));
  progress.done();
  const auto& tot = (*stream)->totals();
  for (const auto& c : tot.caveats) std::fprintf(stderr, "pagescope replay: warning: %s\n", c.c_str());
  if (!res) {
    std::fprintf(stderr, "pagescope replay: %s\n", res.error().message.c_str());
    return kExitUsage;  // a bad trace, as when loaded
  }
  if (tot.references == 0) {
    std::fprintf(stderr, "pagescope replay: %s: no references in the trace\n", o.trace.path.c_str());
    return kExitUsage;
  }
  return print_replays(o, *res, plan.page_size, tot.references, tot.pages, tot.any_write, real, pc);
}

int run_replay(const ReplayOptions& o) {
  auto policies = sim::policies::parse_policy_list(o.policies);
  if (!policies) {
    std::fprintf(stderr, "pagescope replay: %s\n", policies.error().message.c_str());
    return kExitUsage;
  }
  const bool sweep = !o.target_fault_rate.empty();
  if (sweep && o.tiers.empty()) {
    std::fprintf(stderr, "pagescope replay: --target-fault-rate needs --tier (e.g. --tier none,zswap:lz4)\n");
    return kExitUsage;
  }
  if (sweep && !(o.frames.empty() && o.memory.empty())) {
    std::fprintf(stderr, "pagescope replay: --target-fault-rate searches the memory size; drop --frames/--memory\n");
    return kExitUsage;
  }
  if (!sweep && o.frames.empty() == o.memory.empty()) {
    std::fprintf(stderr, "pagescope replay: give exactly one of --frames or --memory\n");
    return kExitUsage;
  }
  auto page_size = parse_byte_size(o.trace.page_size);
  if (!page_size || *page_size == 0) {
    std::fprintf(stderr, "pagescope replay: --page-size: not a positive size: '%s'\n", o.trace.page_size.c_str());
    return kExitUsage;
  }
  auto sizes = sweep ? Result<std::vector<uint64_t>>(std::vector<uint64_t>{1})
                     : o.memory.empty() ? parse_count_list(o.frames) : parse_byte_size_list(o.memory);
  if (!sizes) {
    std::fprintf(stderr, "pagescope replay: %s: %s\n", o.frames.empty() ? "--memory" : "--frames",
                 sizes.error().message.c_str());
    return kExitUsage;
  }
  std::vector<uint64_t> frames;
  for (uint64_t s : *sizes) {
    uint64_t f = o.memory.empty() ? s : s / *page_size;
    if (f == 0 || f > UINT32_MAX) {
      std::fprintf(stderr, "pagescope replay: %s gives %llu frames; need 1..%u\n",
                   o.memory.empty() ? "--frames" : "--memory", static_cast<unsigned long long>(f), UINT32_MAX);
      return kExitUsage;
    }
    frames.push_back(f);
  }

  sim::ExperimentPlan plan;
  plan.policies = *policies;
  plan.frames = frames;
  plan.page_size = *page_size;
  plan.seed = o.seed;
  plan.per_process = o.trace.per_process;
  const auto real = recorded_run(o);
  if (real && !o.trace.per_process) plan.real = sim::RealRun{real->memory_bytes, real->major_faults};
  // The tiers and the target rate join the plan in run_tiered: name them here.
  auto pc = PartColumns::make(o.part, o.trace.path, plan,
                              "replay\n" + trace_options_text(o.trace) + "\ntier " + o.tiers + "\ntarget " +
                                  o.target_fault_rate + "\nswap-latency " + o.swap_latency + "\nmodel " +
                                  std::to_string(o.model.ratio) + " " + std::to_string(o.model.zero_fraction) + " " +
                                  std::to_string(o.model.incompressible_fraction) + " " +
                                  std::to_string(o.ratio_given) + std::to_string(o.zero_given));
  if (!pc) {
    std::fprintf(stderr, "pagescope replay: %s\n", pc.error().message.c_str());
    return kExitUsage;
  }
  plan.part = pc->part();
  if (o.tiers.empty() && sim::why_not_streamed(plan).empty()) return run_streamed(o, plan, real, *pc);

  // Tiers, per-process pools and policies that look ahead need the whole
  // trace: read it once into memory (docs/simulator.md "Streaming").
  auto trace = sim::load_trace_file(o.trace);
  if (trace)
    for (const auto& c : trace->caveats) std::fprintf(stderr, "pagescope %s: warning: %s\n", "replay", c.c_str());
  if (!trace) {
    std::fprintf(stderr, "pagescope replay: %s\n", trace.error().message.c_str());
    return kExitUsage;
  }
  if (!o.tiers.empty()) return run_tiered(o, *trace, std::move(plan), *pc);
  ProgressLine progress("replay");
  auto res = sim::run_experiment(*trace, plan, progress_hooks(progress));
  progress.done();
  if (!res) {
    std::fprintf(stderr, "pagescope replay: %s\n", res.error().message.c_str());
    return kExitFailure;
  }
  return print_replays(o, *res, *page_size, trace->size(), trace->distinct_pages(), trace->has_writes(), real, *pc);
}

}  // namespace

void add_replay_command(CLI::App& root, CommandRun& run) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* cmd = root.add_subcommand(
      "replay", "replay a reference trace under replacement policies and memory sizes; count faults");
  add_trace_options(cmd, o->trace);
  cmd->add_option("--policy,-p", o->policies,
                  "comma-separated policies, or 'all': " + sim::policies::policy_names() +
                      ". The trace is streamed in bounded memory and read once for all of them, except that opt "
                      "and linux (which look ahead), --tier and --per-process read the whole trace into memory first");
  cmd->add_option("--frames", o->frames, "comma-separated frame counts, e.g. 3,4");
  cmd->add_option("--memory,-m", o->memory, "comma-separated memory sizes, e.g. 32M,64M (frames = memory / page size)");
  cmd->add_option("--seed", o->seed, "seed for randomized policies");
  cmd->add_flag("--per-process", o->trace.per_process,
                "give every process its own pool of the given size (traces with pids)");
  cmd->add_option("--tier", o->tiers,
                  "comma-separated compressed tiers to compare: none, zswap[:COMPRESSOR[:PCT%]], "
                  "zram[:COMPRESSOR[:SIZE[:uncharged]]]; COMPRESSOR: " + compressors::compressor_names());
  cmd->add_option("--compress-ratio", o->model.ratio,
                  "--tier: mean compression ratio of a page (default: the compressor's ratio on a text-like page)")
      ->each([o](const std::string&) { o->ratio_given = true; });
  cmd->add_option("--zero-fraction", o->model.zero_fraction, "--tier: fraction of pages that are zero/same-filled")
      ->each([o](const std::string&) { o->zero_given = true; });
  cmd->add_option("--target-fault-rate", o->target_fault_rate,
                  "--tier sweep: per policy and tier, the smallest memory whose swap reads + lost pages per "
                  "reference stay at or below this (e.g. 1%); replaces --memory/--frames");
  cmd->add_option("--incompressible-fraction", o->model.incompressible_fraction,
                  "--tier: fraction of pages that do not compress");
  cmd->add_option("--swap-latency", o->swap_latency, "--tier: time to read one page from swap (default 100us)");
  add_part_option(cmd, o->part);
  auto* json = cmd->add_flag("--json", o->json, "JSON output");
  cmd->add_flag("--csv", o->csv, "CSV output")->excludes(json);
  cmd->callback([o, &run] { run = [o] { return run_replay(*o); }; });
}

}  // namespace pagescope::app
