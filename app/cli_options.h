// Command-line pieces shared by the simulator's subcommands (replay, mrc,
// convert). CLI11 code, so it lives with the commands: the simulator library
// does not depend on CLI11.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/table.h"

#include "simulator/engine.h"
#include "simulator/trace_file.h"

namespace pagescope::app {

inline void add_trace_options(CLI::App* cmd, sim::TraceFileOptions& o) {
  cmd->add_option("trace", o.path, "trace file (plain or .gz for text formats), or - for standard input")->required();
  cmd->add_option("--format,-f", o.format,
                  "trace format: " + sim::traces::format_names() + " (default: guessed from the name)");
  cmd->add_option("--page-size", o.page_size,
                  "bytes per page for address traces (4K default; 2M to ask what huge pages would do)");
  cmd->add_option("--csv-columns", o.source.csv_columns,
                  "csv: 0-based column map, e.g. addr=1,op=0 or page=0,op=2,pid=3");
  cmd->add_flag("--csv-header", o.source.csv_header, "csv: skip the first line");
  cmd->add_option("--pid", o.source.pid, "capture: only this process");
  cmd->add_option("--access-order", o.source.access_order,
                  "capture: where access-sampled pages go in their interval: spread (default), random, end, "
                  "none (faults only)");
}

// The table for programs (--json, --csv), or for people: `heading` prints the
// lines above it, then the aligned table. True when people got it.
inline bool print_table(const Table& table, bool json, bool csv, const std::function<void()>& heading) {
  if (json) {
    table.print_json(stdout);
    std::printf("\n");
  } else if (csv) {
    table.print_csv(stdout);
  } else {
    heading();
    table.print_aligned(stdout);
    return true;
  }
  return false;
}

// "\r<what> 42%" on stderr, only when stderr is a terminal.
class ProgressLine {
 public:
  explicit ProgressLine(std::string what) : what_(std::move(what)), tty_(isatty(2) == 1) {}
  ~ProgressLine() { done(); }
  sim::Progress callback() {
    if (!tty_) return {};
    return [this](uint64_t done, uint64_t total) {
      if (total == 0) {
        // A streamed trace of unknown length (a pipe): how far, not how much is left.
        std::fprintf(stderr, "\r%s %.1fM references", what_.c_str(), double(done) / 1e6);
        std::fflush(stderr);
        shown_ = true;
        return;
      }
      int pct = int(100.0 * double(done) / double(total));
      if (pct == last_) return;
      last_ = pct;
      std::fprintf(stderr, "\r%s %3d%%", what_.c_str(), pct);
      std::fflush(stderr);
      shown_ = true;
    };
  }
  void set_what(std::string what) { what_ = std::move(what); last_ = -1; }
  void done() {
    if (shown_) std::fprintf(stderr, "\r\033[K");
    shown_ = false;
  }

 private:
  std::string what_;
  bool tty_;
  bool shown_ = false;
  int last_ = -1;
};

}  // namespace pagescope::app
