// The `pagescope lab` subcommand alone, built from app/cmd_lab.cpp: the
// teardown and bad-input tests run it as a child process and signal it, and
// must not depend on every other part of pagescope linking.
#include <cstdio>

#include "app/command.h"

int main(int argc, char** argv) {
  using namespace pagescope::app;
  CLI::App root{"pagescope lab test driver"};
  CommandRun run;
  add_lab_command(root, run);
  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  return run ? run() : kExitUsage;
}
