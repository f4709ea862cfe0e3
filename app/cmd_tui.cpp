// `pagescope tui FILE`: the live view's screens over a capture, with a timeline.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "app/command.h"
#include "tui/capture_driver.h"
#include "tui/capture_replay.h"
#include "tui/run.h"

namespace pagescope::app {
namespace {
struct TuiArgs {
  std::string file;
  double interval_s = 1.0;
  std::string filter;
  double duration_s = 0;
};
}  // namespace

void add_tui_command(CLI::App& root, CommandRun& run) {
  auto args = std::make_shared<TuiArgs>();
  CLI::App* cmd = root.add_subcommand(
      "tui", "Explore a capture interactively: process table, detail and heatmap per interval, with a timeline");
  cmd->add_option("file", args->file, "capture file (.psc)")->required();
  cmd->add_option("-d,--interval", args->interval_s, "length of one frame in seconds (0.1 to 60)")
      ->check(CLI::Range(0.1, 60.0));
  cmd->add_option("-f,--filter", args->filter, "show only processes whose name contains TEXT (or this pid)");
  cmd->add_option("--duration", args->duration_s, "quit by itself after this many seconds (tests)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &run] {
    run = [args]() -> int {
      // Reading a long capture takes seconds: say how far it got (terminal only).
      const bool show_progress = isatty(STDERR_FILENO);
      auto last = std::chrono::steady_clock::now();
      auto progress = [&](uint64_t records, uint64_t covered_ns) {
        auto now = std::chrono::steady_clock::now();
        if (!show_progress || now - last < std::chrono::milliseconds(250)) return;
        last = now;
        std::fprintf(stderr, "\rpagescope tui: reading %s: %.1fM records, %.0f s of capture ", args->file.c_str(),
                     double(records) / 1e6, double(covered_ns) / 1e9);
      };
      auto replay = tui::CaptureReplay::open(args->file, uint64_t(args->interval_s * 1e9), progress);
      if (show_progress) std::fputs("\r\033[K", stderr);
      if (!replay) {
        std::fprintf(stderr, "pagescope tui: %s\n", replay.error().message.c_str());
        return kExitUsage;
      }
      for (const auto& p : replay->problems()) std::fprintf(stderr, "pagescope tui: warning: %s\n", p.c_str());
      // Also on screen (the line above the timeline); here they outlive the screen.
      for (const auto& n : replay->traits().missing_notes) std::fprintf(stderr, "pagescope tui: note: %s\n", n.c_str());
      tui::ExplorerOptions opts;
      opts.interval_ms = int(args->interval_s * 1000);
      opts.filter = args->filter;
      opts.run_for_ms = int(args->duration_s * 1000);
      tui::CaptureDriver driver(*replay);
      auto end = tui::run_explorer(driver, opts);
      if (!end) {
        std::fprintf(stderr, "pagescope tui: %s\n", end.error().message.c_str());
        return kExitUsage;
      }
      return *end == tui::RunEnd::Interrupted ? kExitInterrupted : kExitOk;
    };
  });
}

}  // namespace pagescope::app
