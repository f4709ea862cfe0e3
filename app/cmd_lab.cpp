// `pagescope lab`: run a bundled workload under a memory limit with zram swap,
// recorded when possible, and print what the kernel counted. The work is in
// lab/ (pagescope::lab); this file is only flags and output.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "app/command.h"
#include "inspector/capture/output_file.h"
#include "lab/interrupt_flag.h"
#include "lab/lab_runner.h"
#include "lab/leftovers.h"
#include "lab/session_lock.h"
#include "lab/summary.h"

namespace pagescope::app {
namespace {

struct LabFlags {
  lab::LabOptions options;
  int zram_device = -1;
  bool json = false;
  bool csv = false;
  bool cleanup = false;
  std::string access_interval;  // passed on to record
  bool sample_contents = false;
};

int run_cleanup(const LabFlags& f) {
  if (::geteuid() != 0) {
    std::fprintf(stderr, "pagescope lab: error: --cleanup needs root\n");
    return kExitPermission;
  }
  auto lock = lab::SessionLock::acquire(f.options.state_dir);
  if (!lock) {
    std::fprintf(stderr, "pagescope lab: error: %s\n", lock.error().message.c_str());
    return kExitFailure;
  }
  auto removed = lab::clean_leftovers(f.options.state_dir);
  if (!removed) {
    std::fprintf(stderr, "pagescope lab: error: %s\n", removed.error().message.c_str());
    return kExitFailure;
  }
  if (removed->empty()) std::printf("nothing to clean up\n");
  for (const auto& l : *removed) std::printf("removed %s\n", l.what.c_str());
  return kExitOk;
}

int run_lab(LabFlags& f) {
  if (f.cleanup) return run_cleanup(f);
  if (f.zram_device >= 0) f.options.zram_device = f.zram_device;
  if ((!f.access_interval.empty() || f.sample_contents) && f.options.capture_path.empty()) {
    std::fprintf(stderr, "pagescope lab: error: --access-interval and --sample-contents need -o "
                 "(they are sampled by the recorder)\n");
    return kExitUsage;
  }
  if (!f.access_interval.empty()) {
    f.options.record_args.insert(f.options.record_args.end(), {"--access-interval", f.access_interval});
  }
  if (f.sample_contents) f.options.record_args.push_back("--sample-contents");
  // -o is written by `pagescope record` once the cgroup, zram and workload
  // are up: check it first, by the recorder's own rules (a new file can be
  // made beside it; not a symlink, not a device), so a bad path is exit 2
  // before any setup instead of an error after the run.
  if (!f.options.capture_path.empty()) {
    auto out = capture::OutputFile::create(f.options.capture_path);
    if (!out) {
      std::fprintf(stderr, "pagescope lab: error: -o: %s\n", out.error().message.c_str());
      return kExitUsage;
    }
    out->discard();
  }
  lab::InterruptFlag interrupt;
  lab::LabRunner::ProgressFn progress;
  bool tty = ::isatty(STDERR_FILENO);
  if (tty) {
    progress = [](const lab::LabProgress& p) {
      std::fprintf(stderr, "\r%5.1f / %g s   swap-outs %10llu   swap-ins %10llu   (Ctrl-C stops and cleans up)",
                   p.elapsed_s, p.seconds, static_cast<unsigned long long>(p.swapped_out),
                   static_cast<unsigned long long>(p.swapped_in));
    };
  }
  lab::LabRunner runner(f.options, &interrupt, progress);
  lab::LabRun result = runner.run();
  if (tty) std::fputs("\r\033[K", stderr);  // the progress line goes away
  for (const auto& note : result.notes) std::fprintf(stderr, "pagescope lab: %s\n", note.c_str());
  if (result.report) {
    std::string out = f.json  ? lab::format_json(*result.report)
                      : f.csv ? lab::format_csv(*result.report)
                              : lab::format_table(*result.report);
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
    const lab::LabReport& report = *result.report;
    if (f.csv) {
      // CSV has one metric per line and no room for them: they go to stderr.
      for (const auto& n : report.capture_notes) std::fprintf(stderr, "pagescope lab: capture lacks: %s\n", n.c_str());
      if (report.check) std::fputs(lab::format_check(*report.check).c_str(), stderr);
    }
    // Loud, one line each, whatever the output format.
    if (report.check)
      for (const auto& w : report.check->warnings()) std::fprintf(stderr, "pagescope lab: WARNING: %s\n", w.c_str());
  }
  if (!result.status) {
    std::fprintf(stderr, "pagescope lab: error: %s\n", result.status.message().c_str());
    return exit_code(result.status.kind());
  }
  return kExitOk;
}

}  // namespace

void add_lab_command(CLI::App& root, CommandRun& run) {
  auto flags = std::make_shared<LabFlags>();
  lab::LabOptions& o = flags->options;
  CLI::App* cmd = root.add_subcommand(
      "lab", "Run a bundled workload under a memory cgroup limit with zram swap, record it, print the kernel's counts");
  cmd->add_option("--limit", o.limit, "memory cgroup limit (e.g. 64M)")->capture_default_str();
  cmd->add_option("--swap", o.swap, "swap device: zram:COMPRESSOR:SIZE")->capture_default_str();
  cmd->add_option("--workload", o.workload, "seq, uniform, zipf, phases or loop")->capture_default_str();
  cmd->add_option("--size", o.size, "workload memory (default: 4x the limit; limit + 1/8 for loop)");
  cmd->add_option("--seconds", o.seconds, "how long the workload runs")->capture_default_str();
  cmd->add_option("-o,--output", o.capture_path, "capture file (needs `pagescope record --cgroup`)");
  cmd->add_option("--seed", o.seed, "workload random seed")->capture_default_str();
  cmd->add_option("--alpha", o.alpha, "zipf exponent")->capture_default_str();
  cmd->add_option("--write-pct", o.write_pct, "percent of accesses that write (dirty pages)")->capture_default_str();
  cmd->add_option("--content", o.content, "page content: zero, random or text")->capture_default_str();
  cmd->add_option("--workload-bin", o.workload_bin, "the ps-pressure program (default: ../workloads/ps-pressure)");
  cmd->add_option("--access-interval", flags->access_interval,
                  "record page-granular accessed/dirty bits this often (e.g. 500ms; see record)");
  cmd->add_flag("--sample-contents", flags->sample_contents,
                "record how well sampled resident pages compress (see record)");
  cmd->add_option("--zram-device", flags->zram_device, "use /dev/zramN (must be unused) instead of a free one");
  auto* json = cmd->add_flag("--json", flags->json, "print the summary as JSON");
  cmd->add_flag("--csv", flags->csv, "print the summary as CSV")->excludes(json);
  cmd->add_flag("--cleanup", flags->cleanup, "only remove what a killed lab run left behind");
  cmd->callback([flags, &run]() { run = [flags]() { return run_lab(*flags); }; });
}

}  // namespace pagescope::app
