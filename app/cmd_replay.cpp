// pagescope replay: how many faults would this reference trace take under
// other replacement policies and memory sizes?
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/command.h"
#include "simulator/cli_options.h"
#include "simulator/engine.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/table.h"
#include "simulator/units.h"

namespace pagescope::app {

namespace {

struct ReplayOptions {
  sim::TraceFileOptions trace;
  std::string policies = "lru";
  std::string frames, memory;
  uint64_t seed = 1;
  bool json = false, csv = false;
};

std::string ratio(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", r);
  return buf;
}

int run_replay(const ReplayOptions& o) {
  auto policies = sim::policies::parse_policy_list(o.policies);
  if (!policies) {
    std::fprintf(stderr, "pagescope replay: %s\n", policies.error().message.c_str());
    return kExitUsage;
  }
  if (o.frames.empty() == o.memory.empty()) {
    std::fprintf(stderr, "pagescope replay: give exactly one of --frames or --memory\n");
    return kExitUsage;
  }
  auto page_size = sim::parse_byte_size(o.trace.page_size);
  if (!page_size || *page_size == 0) {
    std::fprintf(stderr, "pagescope replay: --page-size: not a positive size: '%s'\n", o.trace.page_size.c_str());
    return kExitUsage;
  }
  auto sizes = sim::parse_size_list(o.frames.empty() ? o.memory : o.frames, !o.memory.empty());
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

  auto trace = sim::load_trace_file(o.trace);
  if (trace)
    for (const auto& c : trace->caveats) std::fprintf(stderr, "pagescope %s: warning: %s\n", "replay", c.c_str());
  if (!trace) {
    std::fprintf(stderr, "pagescope replay: %s\n", trace.error().message.c_str());
    return kExitUsage;
  }
  // Per-process pool: each process gets the given memory on its own; the
  // counts are summed. Global pool: one memory for all.
  std::vector<uint32_t> pids;
  std::vector<sim::Trace> parts;
  if (o.trace.per_process) parts = sim::split_by_pid(*trace, &pids);

  sim::Table table;
  table.add_column("policy", false);
  table.add_column("frames", true);
  table.add_column("memory", false, true);
  table.add_column("references", true);
  table.add_column("faults", true);
  table.add_column("hit_ratio", true);
  table.add_column("evictions", true);
  table.add_column("dirty_writebacks", true);
  sim::ProgressLine progress("replay");
  for (const auto* p : *policies) {
    for (uint64_t f : frames) {
      progress.set_what("replay " + std::string(p->name) + " " + std::to_string(f) + " frames");
      sim::SimResult r;
      if (o.trace.per_process) {
        for (const auto& part : parts) r += sim::simulate(part, *p, uint32_t(f), o.seed);
      } else {
        r = sim::simulate(*trace, *p, uint32_t(f), o.seed, progress.callback());
      }
      table.add_row({p->name, std::to_string(f), sim::format_bytes(f * *page_size), std::to_string(r.references),
                     std::to_string(r.faults), ratio(r.hit_ratio()), std::to_string(r.evictions),
                     std::to_string(r.dirty_writebacks)});
    }
  }
  progress.done();
  if (o.json) {
    table.print_json(stdout);
  } else if (o.csv) {
    table.print_csv(stdout);
  } else {
    std::printf("%s: %zu references, %u distinct pages (%s each)%s%s\n", o.trace.path.c_str(), trace->size(),
                trace->distinct_pages(), sim::format_bytes(*page_size).c_str(),
                trace->has_writes() ? "" : ", no writes in the trace",
                o.trace.per_process ? (", per-process pools for " + std::to_string(parts.size()) + " processes").c_str() : "");
    table.print_aligned(stdout);
  }
  return kExitOk;
}

}  // namespace

void add_replay_command(CLI::App& root, CommandRun& run) {
  auto o = std::make_shared<ReplayOptions>();
  CLI::App* cmd = root.add_subcommand(
      "replay", "replay a reference trace under replacement policies and memory sizes; count faults");
  sim::add_trace_options(cmd, o->trace);
  cmd->add_option("--policy,-p", o->policies,
                  "comma-separated policies, or 'all': " + sim::policies::policy_names());
  cmd->add_option("--frames", o->frames, "comma-separated frame counts, e.g. 3,4");
  cmd->add_option("--memory,-m", o->memory, "comma-separated memory sizes, e.g. 32M,64M (frames = memory / page size)");
  cmd->add_option("--seed", o->seed, "seed for randomized policies");
  cmd->add_flag("--per-process", o->trace.per_process,
                "give every process its own pool of the given size (traces with pids)");
  cmd->add_flag("--json", o->json, "JSON output");
  cmd->add_flag("--csv", o->csv, "CSV output");
  cmd->callback([o, &run] { run = [o] { return run_replay(*o); }; });
}

}  // namespace pagescope::app
