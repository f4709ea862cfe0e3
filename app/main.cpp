// pagescope: watch Linux virtual memory at work, and ask "what if" afterwards.
#include <cstdio>
#include <exception>

#include "app/command.h"

int main(int argc, char** argv) {
  using namespace pagescope::app;
  CLI::App root{"pagescope: record page faults, memory syscalls and reclaim with eBPF; "
                "inspect captures; replay them under other policies and memory sizes"};
  root.set_version_flag("--version", "pagescope " PAGESCOPE_VERSION);
  root.require_subcommand(0, 1);
  CommandRun run;
  // One line per subcommand.
  add_record_command(root, run);
  add_lab_command(root, run);
  add_top_command(root, run);
  add_tui_command(root, run);
  add_inspect_command(root, run);
  add_export_command(root, run);
  add_replay_command(root, run);
  add_mrc_command(root, run);
  add_convert_command(root, run);

  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!run) {
    std::fputs(root.help().c_str(), stdout);
    return kExitUsage;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pagescope: error: %s\n", e.what());
    return kExitFailure;
  }
}
