// Command-line pieces shared by the simulator's subcommands (replay, mrc,
// convert). CLI11 code, so it lives with the commands: the simulator library
// does not depend on CLI11.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/table.h"

#include "simulator/engine.h"
#include "simulator/experiment.h"
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

// --part K/N of replay and mrc: the option, and the columns a part's rows
// carry so that `pagescope merge` can join the parts. Named --part, not the
// issue's --shard: mrc already has --shards (SHARDS sampling), one letter away.
inline CLI::Option* add_part_option(CLI::App* cmd, std::string& part) {
  return cmd->add_option("--part", part,
                         "K/N: compute only part K (1..N) of the sweep's points, round-robin, and add the columns "
                         "'pagescope merge' joins the parts with (a sweep over N jobs or hosts; not --shards)");
}

// The trace options that change what is read from the file (for plan_identity).
inline std::string trace_options_text(const sim::TraceFileOptions& o) {
  return "format " + o.format + "\ncsv-columns " + o.source.csv_columns + "\ncsv-header " +
         std::to_string(o.source.csv_header) + "\npid " + (o.source.pid ? std::to_string(*o.source.pid) : "-") +
         "\naccess-order " + o.source.access_order;
}

class PartColumns {
 public:
  // Empty `text`: no --part, no columns. Else the part, and the identities of
  // the trace and the plan (usage errors: a bad K/N, standard input).
  static Result<PartColumns> make(const std::string& text, const std::string& trace_path,
                                  const sim::ExperimentPlan& plan, const std::string& extra) {
    PartColumns c;
    if (text.empty()) return c;
    auto part = sim::parse_part(text);
    if (!part) return part.error();
    auto trace = sim::trace_identity(trace_path);
    if (!trace) return trace.error();
    c.on_ = true;
    c.part_ = *part;
    c.trace_ = *trace;
    c.plan_ = sim::plan_identity(plan, extra);
    return c;
  }
  bool on() const { return on_; }
  sim::Part part() const { return part_; }
  void add_columns(Table& t) const {
    if (!on_) return;
    t.add_column("part", Table::Align::kLeft);
    t.add_column("point", Table::Align::kRight);
    t.add_column("points", Table::Align::kRight);
    t.add_column("trace", Table::Align::kLeft);
    t.add_column("plan", Table::Align::kLeft);
  }
  // A row's columns: `point` its 0-based index among the sweep's `points`
  // (printed from 1), or none for a row that is not a point (replay's recorded run).
  void add_cells(std::vector<Cell>& row, std::optional<size_t> point, size_t points) const {
    if (!on_) return;
    row.push_back(Cell::text(std::to_string(part_.index) + "/" + std::to_string(part_.count)));
    row.push_back(point ? Cell::count(*point + 1) : Cell::missing());
    row.push_back(Cell::count(points));
    row.push_back(Cell::text(trace_));
    row.push_back(Cell::text(plan_));
  }
  // One line on stderr when this part has none of the sweep's points.
  void note_empty(const char* command, size_t rows, size_t points) const {
    if (on_ && rows == 0)
      std::fprintf(stderr, "pagescope %s: part %u/%u holds none of the sweep's %zu points: empty result\n", command,
                   part_.index, part_.count, points);
  }

 private:
  bool on_ = false;
  sim::Part part_;
  std::string trace_, plan_;
};

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
