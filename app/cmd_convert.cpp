// pagescope convert: rewrite a reference trace in another format (e.g. a
// Dinero or capture trace into libCacheSim's oracleGeneral).
#include <cstdio>
#include <memory>
#include <string>

#include "app/command.h"
#include "app/output_check.h"
#include "app/cli_options.h"
#include "simulator/traces/formats.h"

namespace pagescope::app {

namespace {

struct ConvertOptions {
  sim::TraceFileOptions trace;
  std::string to, output;
};

int run_convert(const ConvertOptions& o) {
  const auto* out = sim::traces::find_format(o.to);
  if (!out || !out->write) {
    std::fprintf(stderr, "pagescope convert: cannot write format '%s' (writable: %s)\n", o.to.c_str(),
                 sim::traces::format_names(true).c_str());
    return kExitUsage;
  }
  if (std::string bad = output_problem(o.output); !bad.empty()) {
    std::fprintf(stderr, "pagescope convert: %s\n", bad.c_str());
    return kExitUsage;
  }
  auto trace = sim::load_trace_file(o.trace);
  if (trace)
    for (const auto& c : trace->caveats) std::fprintf(stderr, "pagescope %s: warning: %s\n", "convert", c.c_str());
  if (!trace) {
    std::fprintf(stderr, "pagescope convert: %s\n", trace.error().message.c_str());
    return kExitUsage;
  }
  auto st = out->write(*trace, o.output);
  if (!st) {
    std::fprintf(stderr, "pagescope convert: %s\n", st.message().c_str());
    return kExitFailure;
  }
  std::fprintf(stderr, "%s: %zu references, %u distinct pages written as %s\n", o.output.c_str(), trace->size(),
               trace->distinct_pages(), out->name);
  return kExitOk;
}

}  // namespace

void add_convert_command(CLI::App& root, CommandRun& run) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* cmd = root.add_subcommand("convert", "rewrite a reference trace in another format");
  add_trace_options(cmd, o->trace);
  cmd->add_option("--to,-t", o->to, "output format: " + sim::traces::format_names(true))->required();
  cmd->add_option("--output,-o", o->output, "output file")->required();
  cmd->callback([o, &run] { run = [o] { return run_convert(*o); }; });
}

}  // namespace pagescope::app
