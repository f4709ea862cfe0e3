// The `pagescope lab` subcommand alone, built from app/cmd_lab.cpp: the
// teardown and bad-input tests run it as a child process and signal it, and
// must not depend on every other part of pagescope linking.
//
// With PS_LAB_STANDIN_CAPTURE=FILE in its environment the driver also answers
// `record` (the lab asks /proc/self/exe for it) as a stand-in recorder: it
// copies FILE to the -o path, joins the --cgroup and execs the workload. The
// capture-check tests use it to hand the lab a capture that lacks a source.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "app/command.h"

namespace {

int stand_in_record(const char* capture, int argc, char** argv) {
  // argv: driver record (--help | --cgroup DIR -o OUT [flags...] -- CMD...)
  if (argc >= 3 && std::strcmp(argv[2], "--help") == 0) {
    std::puts("  -o FILE\n  --cgroup DIR  run the command in this cgroup");
    return 0;
  }
  std::string cgroup, out;
  int cmd = -1;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--cgroup") == 0 && i + 1 < argc) cgroup = argv[++i];
    else if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
    else if (std::strcmp(argv[i], "--") == 0) {
      cmd = i + 1;
      break;
    }
  }
  if (cgroup.empty() || out.empty() || cmd < 0 || cmd >= argc) return 2;
  {
    std::ifstream in(capture, std::ios::binary);
    std::ofstream o(out, std::ios::binary | std::ios::trunc);
    o << in.rdbuf();
    if (!in || !o) return 1;
  }
  int fd = ::open((cgroup + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::write(fd, "0", 1) != 1) return 1;
  ::close(fd);
  ::execv(argv[cmd], argv + cmd);
  return 127;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pagescope::app;
  if (const char* capture = std::getenv("PS_LAB_STANDIN_CAPTURE"); capture && argc >= 2 &&
      std::strcmp(argv[1], "record") == 0)
    return stand_in_record(capture, argc, argv);
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
