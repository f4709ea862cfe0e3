// `pagescope top`: the live view. With root and BPF, from the tracer (faults
// with addresses, swap, reclaim stalls, TLB flushes per process); otherwise
// from /proc, saying why on the status line.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "app/command.h"
#include "tui/live_driver.h"
#include "tui/proc_source.h"
#include "tui/run.h"
#ifdef PAGESCOPE_WITH_BPF
#include "tui/bpf_source.h"
#endif

namespace pagescope::app {
namespace {

struct TopArgs {
  double interval_s = 1.0;
  std::string sort = "minflt";
  std::string filter;
  double duration_s = 0;
  std::string source = "auto";
  bool wss = false;
  std::string record_dir = ".";
};

// Column names accepted by --sort: the headers, lower-case.
bool parse_sort(const std::string& name, tui::Column& out) {
  for (int i = 0; i < int(tui::Column::Count); ++i) {
    std::string h(tui::column_info(tui::Column(i)).header);
    for (char& c : h) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (h == name || (h == "command" && name == "comm")) {
      out = tui::Column(i);
      return true;
    }
  }
  return false;
}

}  // namespace

void add_top_command(CLI::App& root, CommandRun& run) {
  auto args = std::make_shared<TopArgs>();
  CLI::App* cmd = root.add_subcommand(
      "top", "Live view: memory, reclaim, swap, TLB and per-process faults (interactive; "
             "use `pagescope inspect` for text output)");
  cmd->add_option("-d,--interval", args->interval_s, "refresh interval in seconds (0.25 to 10)")
      ->check(CLI::Range(0.25, 10.0));
  cmd->add_option("-s,--sort", args->sort,
                  "sort column: pid, minflt, majflt, swin, swout, rss, wss, stallms, tlb, command");
  cmd->add_option("-f,--filter", args->filter, "show only processes whose name contains TEXT (or this pid)");
  cmd->add_option("--duration", args->duration_s, "quit by itself after this many seconds (benchmarks)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--record-dir", args->record_dir, "where `r` writes its capture files (default: the current directory)")
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("--wss", args->wss,
                "BPF source: the process on the detail screen also gets its working set (pages "
                "accessed per second, per VMA) from clear_refs + a page-table walk; this slows "
                "that process (see README)");
  cmd->add_option("--source", args->source,
                  "where the numbers come from: auto (BPF when root and available, else /proc), bpf, proc")
      ->check(CLI::IsMember({"auto", "bpf", "proc"}));
  cmd->callback([args, &run] {
    run = [args]() -> int {
      tui::ExplorerOptions opts;
      opts.interval_ms = int(args->interval_s * 1000);
      opts.filter = args->filter;
      opts.run_for_ms = int(args->duration_s * 1000);
      opts.record_dir = args->record_dir;
      char exe[4096];
      ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
      opts.record_exe = n > 0 ? std::string(exe, size_t(n)) : "pagescope";
      if (!parse_sort(args->sort, opts.sort)) {
        std::fprintf(stderr, "pagescope top: unknown sort column \"%s\" (pid, minflt, majflt, swin, swout, rss, "
                             "wss, stallms, tlb, command)\n", args->sort.c_str());
        return kExitUsage;
      }
      std::unique_ptr<tui::Source> source;
      if (args->source != "proc") {
#ifdef PAGESCOPE_WITH_BPF
        if (geteuid() != 0 && args->source == "auto") {
          opts.note = "source /proc: run as root for per-process TLB, stalls, swap and fault heat (BPF)";
        } else if (auto bpf = tui::BpfSource::start(args->wss); bpf) {
          source = std::move(*bpf);
        } else if (args->source == "bpf") {
          std::fprintf(stderr, "pagescope top: --source bpf: %s\n", bpf.error().message.c_str());
          return exit_code(bpf.error().kind);
        } else {
          opts.note = "source /proc (no BPF: " + bpf.error().message + ")";
        }
#else
        if (args->source == "bpf") {
          std::fprintf(stderr, "pagescope top: --source bpf: this build has no BPF support (WITH_BPF=OFF)\n");
          return kExitUnsupported;
        }
        opts.note = "source /proc (this build has no BPF support)";
#endif
      }
      if (!source) source = std::make_unique<tui::ProcSource>();
      // The driver outlives the loop's terminal: a recording still running
      // when top ends says where it went on the restored terminal.
      tui::LiveDriver driver(*source, opts);
      auto end = tui::run_explorer(driver, opts);
      if (!end) {
        std::fprintf(stderr, "pagescope top: %s\n", end.error().message.c_str());
        return kExitUsage;
      }
      return *end == tui::RunEnd::Interrupted ? kExitInterrupted : kExitOk;
    };
  });
}

}  // namespace pagescope::app
