// The contract between main() and each subcommand: a subcommand file defines
// one add_*_command() that declares its options on a CLI11 subcommand and, when
// that subcommand is chosen, hands main a function to run.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "common/result.h"

namespace pagescope::app {

// Exit codes (documented in README.md, "Exit codes").
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,     // the work failed (I/O error, kernel refused, workload failed; also stdout
                        // that could not be written, e.g. a full disk: main.cpp's StdoutErrors)
  kExitUsage = 2,       // bad command line or bad input file
  kExitPermission = 3,  // needs root (or CAP_BPF + CAP_PERFMON)
  kExitUnsupported = 4, // the kernel lacks something required (BTF, ring buffer)
  kExitCaptureDisagrees = 5,  // the capture disagrees with the kernel's own counters (lab/capture_check.h)
  kExitInterrupted = 130,
};

// The one mapping from an Error's kind to the exit code a command returns.
inline int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return kExitUsage;
    case ErrorKind::kPermission: return kExitPermission;
    case ErrorKind::kUnsupported: return kExitUnsupported;
    case ErrorKind::kInterrupted: return kExitInterrupted;
    case ErrorKind::kCaptureDisagrees: return kExitCaptureDisagrees;
    case ErrorKind::kFailure: break;
  }
  return kExitFailure;
}

using CommandRun = std::function<int()>;

// Each returns nothing; when its subcommand is parsed it stores its runner in `run`.
void add_record_command(CLI::App& root, CommandRun& run);
void add_lab_command(CLI::App& root, CommandRun& run);
void add_top_command(CLI::App&, CommandRun&);
void add_tui_command(CLI::App&, CommandRun&);
void add_inspect_command(CLI::App&, CommandRun&);
void add_export_command(CLI::App&, CommandRun&);
void add_replay_command(CLI::App&, CommandRun&);
void add_mrc_command(CLI::App&, CommandRun&);
void add_merge_command(CLI::App&, CommandRun&);
void add_convert_command(CLI::App&, CommandRun&);
void add_report_command(CLI::App&, CommandRun&);

}  // namespace pagescope::app
