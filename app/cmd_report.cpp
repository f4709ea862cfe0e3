// pagescope report: a capture as one self-contained HTML page (inline SVG, no
// scripts, nothing fetched) to send to someone who will not run the TUI.
// The page is built in report/; this file reads the options and writes it.
#include <cstdio>
#include <memory>
#include <string>

#include "app/cli_options.h"
#include "app/command.h"
#include "app/output_check.h"
#include "common/units.h"
#include "inspector/model/capture_replay.h"
#include "report/capture_report.h"
#include "simulator/policies/registry.h"

namespace pagescope::app {

namespace {

struct ReportCliOptions {
  std::string file;
  std::string out;
  size_t top = 4;
  std::string policies = report::kDefaultPolicies;
  std::string interval = "1s";
  int points = 24;
  unsigned threads = 0;
};

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "pagescope report: %s\n", message.c_str());
  return code;
}

int run_report(const ReportCliOptions& o) {
  // Everything that can be wrong with the command line is said before any work.
  if (std::string bad = output_problem(o.out); !bad.empty()) return fail(bad, kExitUsage);
  auto policies = sim::policies::parse_policy_list(o.policies);
  if (!policies) return fail("--policy: " + policies.error().message, kExitUsage);
  auto interval = parse_duration_ns(o.interval);
  if (!interval) return fail("--interval: " + interval.error().message, kExitUsage);
  if (*interval < 1'000'000) return fail("--interval " + o.interval + ": shorter than the shortest row, 1ms", kExitUsage);
  if (o.points < 2) return fail("--points must be at least 2", kExitUsage);
  if (auto info = model::read_capture_info(o.file); !info) return fail(info.error().message, kExitUsage);

  report::ReportOptions ro;
  ro.path = o.file;
  ro.top_processes = o.top;
  ro.policies = *policies;
  ro.interval_ns = *interval;
  ro.curve_points = o.points;
  ro.threads = o.threads;
  ProgressLine progress("report");
  report::ReportHooks hooks;
  hooks.step = [&progress](const std::string& what) {
    progress.set_what("report: " + what);
    if (auto show = progress.callback()) show(0, 1);
  };
  hooks.run = progress.callback();
  auto rep = report::build_report(ro, hooks);
  progress.done();
  if (!rep) return fail(rep.error().message, exit_code(rep.error().kind));
  for (const auto& n : rep->notes) std::fprintf(stderr, "pagescope report: note: %s\n", n.c_str());

  std::FILE* f = o.out == "-" ? stdout : std::fopen(o.out.c_str(), "w");
  if (!f) return fail(o.out + ": cannot create", kExitFailure);
  bool ok = std::fwrite(rep->html.data(), 1, rep->html.size(), f) == rep->html.size();
  if (f != stdout) ok &= std::fclose(f) == 0;
  if (!ok) return fail(o.out + ": write failed", kExitFailure);
  if (o.out != "-")
    std::fprintf(stderr, "pagescope report: wrote %s (%s)\n", o.out.c_str(), format_bytes(rep->html.size()).c_str());
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& root, CommandRun& run) {
  auto o = std::make_shared<ReportCliOptions>();
  CLI::App* cmd = root.add_subcommand(
      "report", "one self-contained HTML page of a capture (summary, timeline, address heatmaps, working set "
                "against the memory limit, miss-ratio curves, replays with the recorded run), inline SVG, no network");
  cmd->add_option("file", o->file, "capture file written by `pagescope record`")->required();
  cmd->add_option("-o,--output", o->out, "the HTML file to write ('-': standard output)")->required();
  cmd->add_option("--top", o->top, "address heatmaps of this many processes, most faults first (default 4)");
  cmd->add_option("--policy,-p", o->policies,
                  std::string("policies of the curves and the replay table (default ") + report::kDefaultPolicies +
                      "): " + sim::policies::policy_names());
  cmd->add_option("--interval", o->interval, "timeline rows, heatmap columns and working-set windows (default 1s)");
  cmd->add_option("--points", o->points, "sizes on the miss-ratio curves (default 24)");
  cmd->add_option("--threads", o->threads, "threads for curve sweeps (default: all cores)");
  cmd->callback([o, &run] { run = [o] { return run_report(*o); }; });
}

}  // namespace pagescope::app
