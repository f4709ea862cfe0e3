#include "inspector/live/recorder.h"

#include <sys/resource.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>

#include "events.h"
#include "inspector/live/command_launcher.h"
#include "inspector/live/features.h"
#include "inspector/live/interval_sampler.h"
#include "inspector/live/proc_reader.h"
#include "inspector/live/process_snapshots.h"
#include "inspector/live/source_probe.h"
#include "inspector/live/tracer.h"

namespace pagescope::live {
namespace {

// Alive and not a zombie: an exited process whose parent has not reaped it
// still answers kill(pid, 0), but there is nothing left to trace.
// User + system CPU of this process's threads so far.
double own_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

bool process_exists(uint32_t pid) {
  std::string stat;
  if (!read_text_file("/proc/" + std::to_string(pid) + "/stat", stat)) return false;
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

Status check_options(const RecordOptions& options) {
  int modes = !options.command.empty() + !options.pids.empty() + options.all;
  if (modes != 1) return Error{"give exactly one of: -- COMMAND, -p PID, --all", ErrorKind::kUsage};
  for (uint32_t pid : options.pids) {
    if (!process_exists(pid)) return Error{"no such process: " + std::to_string(pid), ErrorKind::kUsage};
  }
  if (!options.cgroup.empty() && access((options.cgroup + "/cgroup.procs").c_str(), W_OK) != 0) {
    return Error{"--cgroup " + options.cgroup + ": not a writable cgroup directory", ErrorKind::kUsage};
  }
  return {};
}

capture::HostInfo host_info(const RecordOptions& options, const Features& features,
                            const Tracer& tracer, const capture::SourceSet& sources) {
  capture::HostInfo host = capture::read_host_info();
  host.command_line = options.command_line;
  host.features = features.report();
  for (const auto& line : tracer.attach_report()) host.features += "attached: " + line + "\n";
  host.sources = sources;
  return host;
}

// Never silent: one line per source that could not be had, with the reason.
void announce_missing_sources(const capture::SourceSet& sources) {
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    auto s = static_cast<capture::Source>(i);
    if (sources.state(s) != capture::SourceState::kUnavailable) continue;
    std::fprintf(stderr, "pagescope record: missing source %s: %s\n", capture::source_name(s),
                 sources.missing_note(s)->c_str());
  }
}

// One recording from the first snapshot to the closed file: the drain loop
// and what runs beside it (snapshots, system context, lost-event markers,
// samplers, flushes, the command's end).
class Recording {
 public:
  Recording(const RecordOptions& options, Tracer& tracer, capture::CaptureWriter& writer,
            std::string temp_path, std::vector<std::unique_ptr<IntervalSampler>> samplers,
            std::optional<CommandLauncher>& command, RecordSummary& summary)
      : options_(options),
        tracer_(tracer),
        writer_(writer),
        temp_path_(std::move(temp_path)),
        samplers_(std::move(samplers)),
        command_(command),
        summary_(summary),
        append_([this](const void* data, size_t size) { append(data, size); }),
        snapshots_(append_, options.max_snapshots_per_s) {}

  // Start-of-capture records, then the command released and snapshotted at exec.
  Status begin();
  // Drains until the command ends, the -p processes are gone, the duration
  // is up or `stop` is set; a write error ends it early.
  void drain(const std::atomic<bool>& stop);
  // Last records, samplers' ends, a final system sample and lost marker, close.
  Result<RecordSummary> finish();

 private:
  void append(const void* data, size_t size) {
    if (write_status_) write_status_ = writer_.append(data, size);
  }
  void on_record(const void* data, size_t size);
  void write_target(uint32_t pid, uint32_t reason);
  void sample_system();
  void write_lost_marker(bool always);
  bool every(uint64_t now, uint64_t& last, int interval_ms);
  void check_command_end();
  bool done(uint64_t now, const std::atomic<bool>& stop);

  const RecordOptions& options_;
  Tracer& tracer_;
  capture::CaptureWriter& writer_;
  const std::string temp_path_;  // where the capture is until finish() renames it
  std::vector<std::unique_ptr<IntervalSampler>> samplers_;
  std::optional<CommandLauncher>& command_;
  RecordSummary& summary_;
  const AppendRecord append_;
  ProcessSnapshots snapshots_;
  Status write_status_;
  uint64_t start_ns_ = 0;
  double start_cpu_ = 0;
  uint64_t lost_reported_ = 0;
  bool command_done_ = false;
  bool command_exec_seen_ = false;  // the fault check counts from the command's exec on
};

void Recording::write_target(uint32_t pid, uint32_t reason) {
  ps_target t{};
  t.hdr.kind = PS_EV_TARGET;
  t.hdr.size = sizeof(t);
  t.hdr.ts_ns = monotonic_ns();
  t.hdr.pid = t.hdr.tid = pid;
  t.reason = reason;
  append(&t, sizeof(t));
}

void Recording::sample_system() {
  uint64_t ts = monotonic_ns();
  std::string text;
  struct {
    uint32_t which;
    const char* path;
  } files[] = {{PS_PROC_VMSTAT, "/proc/vmstat"},
               {PS_PROC_PSI_MEMORY, "/proc/pressure/memory"},
               {PS_PROC_MEMINFO, "/proc/meminfo"},
               {PS_PROC_BUDDYINFO, "/proc/buddyinfo"},
               {PS_PROC_PAGETYPEINFO, "/proc/pagetypeinfo"},
               {PS_PROC_SLABINFO, "/proc/slabinfo"}};
  // The in-kernel per-order counters are read right after vmstat, before the
  // slower files (pagetypeinfo takes each zone's lock), so that their deltas
  // and pgalloc_*'s cover the same interval.
  ps_order_counts counts;
  bool have_counts = false;
  for (const auto& f : files) {
    if (read_text_file(f.path, text)) {
      auto rec = proc_text_record(0, f.which, ts, text);
      append(rec.data(), rec.size());
    }
    if (f.which == PS_PROC_VMSTAT) have_counts = tracer_.order_counts(counts);
  }
  if (have_counts) {
    counts.hdr.ts_ns = ts;
    counts.hdr.cpu = static_cast<uint16_t>(sched_getcpu() < 0 ? 0 : sched_getcpu());
    append(&counts, sizeof(counts));
  }
  if (!options_.cgroup.empty()) {
    std::string memcg = memcg_text(options_.cgroup);
    if (!memcg.empty()) {
      auto rec = proc_text_record(0, PS_PROC_MEMCG, ts, memcg);
      append(rec.data(), rec.size());
    }
  }
}

void Recording::write_lost_marker(bool always) {
  uint64_t total = tracer_.lost_total();
  if (total == lost_reported_ && !always) return;
  ps_lost l{};
  l.hdr.kind = PS_EV_LOST;
  l.hdr.size = sizeof(l);
  l.hdr.ts_ns = monotonic_ns();
  l.lost = total - lost_reported_;
  l.lost_total = total;
  append(&l, sizeof(l));
  lost_reported_ = total;
}

Status Recording::begin() {
  start_ns_ = monotonic_ns();
  start_cpu_ = own_cpu_seconds();
  sample_system();
  if (options_.all) {
    for (uint32_t pid : all_pids()) {
      if (pid != static_cast<uint32_t>(getpid())) snapshots_.take(pid, false);
    }
  }
  for (uint32_t pid : options_.pids) {
    write_target(pid, PS_TARGET_ATTACH);
    snapshots_.take(pid, true);
  }
  // The temporary name is said once: a SIGKILLed recorder leaves its prefix there.
  std::fprintf(stderr, "pagescope record: tracing %s into %s (written as %s until the end); "
               "Ctrl-C to stop\n",
               options_.all ? "every process" : command_ ? options_.command[0].c_str()
                                                         : "the given processes",
               options_.output.c_str(), temp_path_.c_str());
  if (command_) {
    auto pid = static_cast<uint32_t>(command_->pid());
    snapshots_.follow(pid);
    write_target(pid, PS_TARGET_COMMAND);
    auto stopped = command_->release();
    summary_.fault_check.pre_exec_minor = command_->pre_exec().minor;
    summary_.fault_check.pre_exec_major = command_->pre_exec().major;
    if (!stopped) {
      // Nothing of the command was recorded: remove only our temporary file;
      // a capture already at the output name stays (issue 17 item 10).
      writer_.discard();
      return Error{stopped.error().message};
    }
    if (*stopped) {
      snapshots_.take_at_exec(pid);
      command_->detach();
    }
  }
  for (auto& sampler : samplers_) sampler->begin(snapshots_.live(), monotonic_ns(), append_);
  return {};
}

void Recording::on_record(const void* data, size_t size) {
  append(data, size);
  const auto* h = static_cast<const ps_header*>(data);
  if (h->kind == PS_EV_FAULT && size >= sizeof(ps_fault) && command_exec_seen_) {
    uint32_t flags = static_cast<const ps_fault*>(data)->flags;
    if (flags & PS_FAULT_ACCOUNTED) {
      ++((flags & PS_FAULT_MAJOR) ? summary_.fault_check.captured_major
                                   : summary_.fault_check.captured_minor);
    }
  } else if (h->kind == PS_EV_EXEC && command_ && h->pid == static_cast<uint32_t>(command_->pid())) {
    command_exec_seen_ = true;
  }
  snapshots_.on_record(*h, data, size);
}

bool Recording::every(uint64_t now, uint64_t& last, int interval_ms) {
  if (interval_ms <= 0 || now - last < static_cast<uint64_t>(interval_ms) * 1000000ull) return false;
  last = now;
  return true;
}

void Recording::check_command_end() {
  if (!command_ || command_done_) return;
  auto exit = command_->try_reap();
  if (!exit) return;
  command_done_ = true;
  summary_.command_status = exit->status;
  auto& check = summary_.fault_check;
  check.kernel_minor = exit->minor_faults;
  check.kernel_major = exit->major_faults;
  check.available = tracer_.faults_accounted();
  if (!check.available) check.why_not = *summary_.sources.missing_note(capture::Source::kFaultKinds);
}

bool Recording::done(uint64_t now, const std::atomic<bool>& stop) {
  if (stop.load() || command_done_) return true;
  if (options_.duration_s > 0 && (now - start_ns_) >= options_.duration_s * 1e9) return true;
  // The file grows a sealed chunk at a time (at most chunk_bytes of records
  // before compression, or a flush_ms flush): it stops within one of the limit.
  if (options_.max_file_bytes && writer_.stats().file_bytes >= options_.max_file_bytes) {
    summary_.max_size_reached = true;
    return true;
  }
  if (options_.pids.empty()) return false;
  for (uint32_t pid : options_.pids) {
    if (process_exists(pid)) return false;
  }
  return true;
}

void Recording::drain(const std::atomic<bool>& stop) {
  auto on_record = [this](const void* data, size_t size) { this->on_record(data, size); };
  uint64_t last_flush = start_ns_, last_sample = start_ns_, last_maps = start_ns_;
  for (;;) {
    auto polled = tracer_.poll(50, on_record);
    if (!polled) {
      write_status_ = Error{polled.error().message};
      return;
    }
    uint64_t now = monotonic_ns();
    snapshots_.take_queued(now);
    if (every(now, last_sample, options_.sample_ms)) {
      sample_system();
      write_lost_marker(false);
    }
    if (every(now, last_maps, options_.maps_interval_ms)) snapshots_.take_live();
    for (auto& sampler : samplers_) sampler->poll(snapshots_.live(), now, append_);
    if (every(now, last_flush, options_.flush_ms) && write_status_) write_status_ = writer_.flush();
    if (!write_status_) return;
    check_command_end();
    if (done(now, stop)) return;
  }
}

Result<RecordSummary> Recording::finish() {
  // The command's last records may still be queued: drain until empty.
  auto on_record = [this](const void* data, size_t size) { this->on_record(data, size); };
  for (int i = 0; i < 100; ++i) {
    auto polled = tracer_.poll(0, on_record);
    if (!polled || *polled == 0) break;
  }
  if (command_ && !command_done_) {
    // Interrupted: reap the command so it does not outlive the recording as a zombie.
    if (auto status = command_->reap_after_interrupt()) summary_.command_status = *status;
    summary_.fault_check.why_not = "the recording stopped before the command ended";
  }
  for (auto& sampler : samplers_) {
    sampler->end(snapshots_.live(), monotonic_ns(), append_);
    summary_.sampler_reports.push_back(sampler->report());
  }
  sample_system();
  write_lost_marker(true);
  summary_.lost = lost_reported_;
  summary_.snapshots = snapshots_.taken();
  summary_.snapshots_skipped = snapshots_.skipped();
  summary_.seconds = static_cast<double>(monotonic_ns() - start_ns_) / 1e9;
  Status closed = writer_.close();
  summary_.cpu_seconds = own_cpu_seconds() - start_cpu_;
  summary_.writer = writer_.stats();
  if (!write_status_) return Error{"writing " + options_.output + ": " + write_status_.message()};
  if (!closed) return Error{"closing " + options_.output + ": " + closed.message()};
  return summary_;
}

}  // namespace

Result<RecordSummary> record(const RecordOptions& options, const std::atomic<bool>& stop) {
  if (Status ok = check_options(options); !ok) return Error{ok.message(), ErrorKind::kUsage};
  // The output first, before the probe loads anything: an unwritable,
  // symlinked or non-regular output is a usage error (exit 2) before any
  // work. It is a new temporary file beside the name, renamed over it by the
  // writer's close(); every return before that removes it (OutputFile's
  // destructor, or discard()) and leaves a file already at the name alone.
  auto output = capture::OutputFile::create(options.output);
  if (!output) return output.error();
  const std::string temp_path = output->temp_path();
  Features features = Features::probe();
  if (!features.bpf_allowed()) {
    return Error{"pagescope record needs root (or CAP_BPF and CAP_PERFMON): bpf() was refused",
                 ErrorKind::kPermission};
  }

  std::optional<CommandLauncher> command;
  if (!options.command.empty()) {
    auto spawned = CommandLauncher::spawn(options.command, options.cgroup);
    if (!spawned) return spawned.error();
    command.emplace(std::move(*spawned));
  }
  auto give_up = [&](Error e) -> Result<RecordSummary> {
    if (command) command->abandon();
    return e;
  };

  TracerOptions topts;
  topts.trace_all = options.all;
  topts.pids = options.pids;
  if (command) topts.pids.push_back(static_cast<uint32_t>(command->pid()));
  topts.ring_bytes = options.ring_bytes;
  auto started = Tracer::start(topts, features);
  if (!started) return give_up(started.error());
  Tracer& tracer = **started;

  RecordSummary summary;
  summary.attach_report = tracer.attach_report();
  summary.sources = tracer.sources();
  add_proc_sources(summary.sources);
  auto samplers = make_samplers(options, summary.sources);
  announce_missing_sources(summary.sources);

  auto writer = capture::CaptureWriter::create(std::move(*output),
                                               host_info(options, features, tracer, summary.sources));
  if (!writer) return give_up(writer.error());

  Recording recording(options, tracer, *writer, temp_path, std::move(samplers), command, summary);
  if (Status ok = recording.begin(); !ok) return Error{ok.message()};
  recording.drain(stop);
  return recording.finish();
}

}  // namespace pagescope::live
