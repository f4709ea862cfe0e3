// `pagescope export FILE --format chrome-json|perfetto|csv -o OUT`: a capture
// in a form other tools open (chrome://tracing, ui.perfetto.dev and
// trace_processor, spreadsheets, pandas). Each event source the capture
// lacked gets a note on stderr; the formats carry the source table
// (chrome-json metadata, csv sources.csv) or mark the gap (perfetto: an
// instant at time zero on the "pagescope" track).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/command.h"
#include "app/output_check.h"
#include "inspector/capture/reader.h"
#include "inspector/model/exporter.h"
#include "inspector/model/interval_grid.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/space_tracker.h"
#include "inspector/model/time_order.h"

namespace pagescope::app {

namespace {

using namespace pagescope::model;

struct ExportOptions {
  std::string file;
  std::string format;
  std::string output;
  uint32_t pid = 0;
};

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "pagescope export: %s\n", message.c_str());
  return code;
}

// Which records an export keeps (--pid: the process, its fork, every LOST)
// and where a kept fault landed, read through the visitor so a short fork or
// fault is never read past its end.
class ExportPick : public RecordVisitor<ExportPick> {
 public:
  ExportPick(uint32_t pid, const SpaceTracker& tracker) : pid_(pid), tracker_(tracker) {}
  // Before `tracker` applies `h`.
  void pick(const ps_header& h) {
    fc = {};
    wanted = pid_ == 0 || h.pid == pid_ || h.kind == PS_EV_LOST;
    visit(h);
  }
  void on_fork(const ps_fork& f) { wanted = wanted || f.child_pid == pid_; }
  // The OOM killer runs in another task; its victim is the process's business.
  void on_oom_victim(const ps_oom_victim& o) { wanted = wanted || o.victim_pid == pid_; }
  void on_fault(const ps_fault& f) {
    if (!wanted) return;
    if (const ProcessSpace* ps = tracker_.find(f.hdr.pid)) fc.vma = ps->space.find(f.address);
  }

  bool wanted = false;
  FaultContext fc;

 private:
  uint32_t pid_;
  const SpaceTracker& tracker_;
};

uint64_t mapped_bytes(const SpaceTracker& tracker, uint32_t pid) {
  const ProcessSpace* ps = tracker.find(pid);
  if (!ps) return 0;
  uint64_t total = 0;
  for (const auto& [start, v] : ps->space.pieces()) total += v.size();
  return total;
}

int run_export(const ExportOptions& o) {
  std::unique_ptr<Exporter> exporter = make_exporter(o.format);
  if (!exporter) {
    std::string names;
    for (const auto& n : exporter_names()) names += (names.empty() ? "" : ", ") + n;
    return fail("unknown format \"" + o.format + "\" (known: " + names + ")", kExitUsage);
  }
  if (std::string bad = output_problem(o.output); !bad.empty()) return fail(bad, kExitUsage);
  auto reader = capture::CaptureReader::open(o.file);
  if (!reader) {
    const std::string& m = reader.error().message;
    return fail(m.find(o.file) == std::string::npos ? o.file + ": " + m : m, kExitUsage);
  }
  // Time zero, as every view of the capture counts it (CaptureQuery,
  // model/interval_grid.h): the header's start, or the first record in time
  // order when that is older. The exporter opens at that first record (at the
  // end for a capture without one), so finding it costs no pass.
  const SourceNotes notes(reader->host().sources);
  const uint64_t header_start = reader->host().start_ns;
  bool opened = false;
  Status open_status;
  auto open_at = [&](uint64_t first_ts) {
    opened = true;
    open_status = exporter->open(o.output, capture_time_zero(header_start, first_ts), notes);
  };

  SpaceTracker tracker;
  // Changes are handed on after the record that made them is applied, so
  // "mapped bytes" is the layout after the change (a snapshot reports its
  // lineages before it replaces the layout).
  struct Change {
    uint32_t pid, mapping;
    MappingChange c;
  };
  std::vector<Change> changes;
  tracker.set_change_observer([&](uint32_t pid, uint32_t mapping, const MappingChange& c) {
    if (o.pid == 0 || pid == o.pid) changes.push_back({pid, mapping, c});
  });
  uint64_t exported = 0;
  ExportPick pick(o.pid, tracker);
  TimeOrderer ordered([&](const ps_header& h) {
    if (!opened) open_at(h.ts_ns);
    if (!open_status) return;
    pick.pick(h);
    if (pick.wanted) {
      exporter->record(h, pick.fc);
      ++exported;
    }
    tracker.apply(h);
    // One sum per process and record: a snapshot of 200k lines is 200k
    // changes with one layout after them (summing per change was quadratic).
    uint32_t summed_pid = 0;
    uint64_t summed = 0;
    for (const Change& ch : changes) {
      if (ch.pid != summed_pid || &ch == &changes.front()) {
        summed_pid = ch.pid;
        summed = mapped_bytes(tracker, ch.pid);
      }
      exporter->vma_change(ch.pid, ch.mapping, ch.c, summed);
    }
    changes.clear();
  });
  Status st = reader->for_each([&](const ps_header& h) {
    ordered.push(h);
    return bool(open_status);
  });
  ordered.flush();
  if (!opened) open_at(0);
  // An output that cannot be created; a read error is reported after what could be read.
  if (!open_status) return fail(open_status.message(), kExitUsage);
  if (!st) return fail(o.file + ": " + st.message(), kExitUsage);
  Status done = exporter->finish();
  if (!done) return fail(o.output + ": " + done.message(), kExitFailure);
  const auto& report = reader->report();
  std::fprintf(stderr, "pagescope export: %llu records to %s (%s)%s\n",
               static_cast<unsigned long long>(exported), o.output.c_str(), o.format.c_str(),
               report.complete ? "" : "; the capture was incomplete, exported what was readable");
  // Every record kind is exported, so every unavailable source matters.
  notes.print(stderr, "export");
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write a capture as a chrome://tracing JSON trace, a Perfetto protobuf trace or CSV files");
  cmd->add_option("file", opts->file, "capture file written by `pagescope record`")->required();
  cmd->add_option("--format", opts->format,
                  "chrome-json (one .json file), perfetto (one .pftrace file) or csv (a directory)")
      ->required();
  cmd->add_option("-o,--output", opts->output,
                  "output file (chrome-json, perfetto; - for stdout) or directory (csv)")
      ->required();
  cmd->add_option("--pid", opts->pid, "only this process");
  cmd->callback([opts, &run] { run = [opts] { return run_export(*opts); }; });
}

}  // namespace pagescope::app
