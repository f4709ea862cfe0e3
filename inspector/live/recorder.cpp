#include "inspector/live/recorder.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <unordered_set>

#include "events.h"
#include "inspector/live/features.h"
#include "inspector/live/interval_sampler.h"
#include "inspector/live/proc_reader.h"
#include "inspector/live/source_probe.h"
#include "inspector/live/tracer.h"

namespace pagescope::live {
namespace {

// The command's child: waits until the tracer follows it, joins the cgroup,
// then execs. An exec failure is reported through a close-on-exec pipe.
struct ChildProcess {
  pid_t pid = -1;
  int release_fd = -1;  // write a byte to let the child exec
  int error_fd = -1;    // child writes errno here if exec fails
  int usage_fd = -1;    // child writes its fault counts just before exec
};

// What the child had counted just before exec: faults it took as a copy of
// the recorder, some before tracing began. wait4's count includes them.
struct PreExecFaults {
  uint64_t minor = 0;
  uint64_t major = 0;
};

Result<ChildProcess> spawn_held(const std::vector<std::string>& argv, const std::string& cgroup) {
  int release[2], error[2], usage[2];
  if (pipe2(release, O_CLOEXEC) != 0 || pipe2(error, O_CLOEXEC) != 0 ||
      pipe2(usage, O_CLOEXEC) != 0) {
    return Error{std::string("pipe: ") + strerror(errno)};
  }
  pid_t pid = fork();
  if (pid < 0) return Error{std::string("fork: ") + strerror(errno)};
  if (pid == 0) {
    close(release[1]);
    close(error[0]);
    close(usage[0]);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    char byte;
    if (read(release[0], &byte, 1) != 1) _exit(127);  // recorder gave up
    int err = 0;
    if (!cgroup.empty()) {
      int fd = open((cgroup + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
      std::string me = std::to_string(getpid());
      if (fd < 0 || write(fd, me.data(), me.size()) < 0) err = errno ? errno : EIO;
      if (fd >= 0) close(fd);
    }
    // Stop right after exec so the recorder can snapshot the fresh image
    // before it runs (a short command would otherwise be gone first).
    if (err == 0 && ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) err = errno;
    if (err == 0) {
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      PreExecFaults pre{static_cast<uint64_t>(ru.ru_minflt), static_cast<uint64_t>(ru.ru_majflt)};
      (void)!write(usage[1], &pre, sizeof(pre));
      execvp(args[0], args.data());
      err = errno;
    }
    (void)!write(error[1], &err, sizeof(err));
    _exit(127);
  }
  close(release[0]);
  close(error[1]);
  close(usage[1]);
  return ChildProcess{pid, release[1], error[0], usage[0]};
}

// Alive and not a zombie: an exited process whose parent has not reaped it
// still answers kill(pid, 0), but there is nothing left to trace.
bool process_exists(uint32_t pid) {
  std::string stat;
  if (!read_text_file("/proc/" + std::to_string(pid) + "/stat", stat)) return false;
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

capture::HostInfo host_info(const RecordOptions& options, const Features& features,
                            const std::vector<std::string>& attach_report,
                            const capture::SourceSet& sources) {
  capture::HostInfo host = capture::read_host_info();
  host.command_line = options.command_line;
  host.features = features.report();
  for (const auto& line : attach_report) host.features += "attached: " + line + "\n";
  host.sources = sources;
  return host;
}

}  // namespace

Result<RecordSummary> record(const RecordOptions& options, const std::atomic<bool>& stop) {
  int modes = !options.command.empty() + !options.pids.empty() + options.all;
  if (modes != 1) return Error{"give exactly one of: -- COMMAND, -p PID, --all", ErrorKind::kUsage};
  for (uint32_t pid : options.pids) {
    if (!process_exists(pid)) return Error{"no such process: " + std::to_string(pid), ErrorKind::kUsage};
  }
  if (!options.cgroup.empty() && access((options.cgroup + "/cgroup.procs").c_str(), W_OK) != 0) {
    return Error{"--cgroup " + options.cgroup + ": not a writable cgroup directory", ErrorKind::kUsage};
  }

  Features features = Features::probe();
  if (!features.bpf_allowed()) {
    return Error{"pagescope record needs root (or CAP_BPF and CAP_PERFMON): bpf() was refused",
                 ErrorKind::kPermission};
  }

  // The output is created before anything runs: "cannot write" must come
  // before a workload is started. It is reopened with the attach report below.
  {
    int fd = open(options.output.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Error{"cannot write " + options.output + ": " + strerror(errno), ErrorKind::kUsage};
    close(fd);
  }

  ChildProcess child;
  if (!options.command.empty()) {
    auto spawned = spawn_held(options.command, options.cgroup);
    if (!spawned) return spawned.error();
    child = *spawned;
  }
  auto abandon_child = [&] {
    if (child.pid > 0) {
      close(child.release_fd);  // the child reads EOF and exits 127
      close(child.error_fd);
      close(child.usage_fd);
      waitpid(child.pid, nullptr, 0);
    }
  };

  TracerOptions topts;
  topts.trace_all = options.all;
  topts.pids = options.pids;
  if (child.pid > 0) topts.pids.push_back(static_cast<uint32_t>(child.pid));
  topts.ring_bytes = options.ring_bytes;
  auto started = Tracer::start(topts, features);
  if (!started) {
    abandon_child();
    return started.error();
  }
  Tracer& tracer = **started;

  RecordSummary summary;
  summary.attach_report = tracer.attach_report();
  summary.sources = tracer.sources();
  add_proc_sources(summary.sources);
  auto samplers = make_samplers(options, summary.sources);
  // Never silent: one line per source that could not be had, with the reason.
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    auto s = static_cast<capture::Source>(i);
    if (summary.sources.state(s) != capture::SourceState::kUnavailable) continue;
    std::fprintf(stderr, "pagescope record: missing source %s: %s\n", capture::source_name(s),
                 summary.sources.missing_note(s)->c_str());
  }

  auto created = capture::CaptureWriter::create(
      options.output, host_info(options, features, tracer.attach_report(), summary.sources));
  if (!created) {
    abandon_child();
    return created.error();
  }
  capture::CaptureWriter& writer = *created;
  Status write_status;
  auto append = [&](const void* data, size_t size) {
    if (write_status) write_status = writer.append(data, size);
  };

  // Snapshots: every traced process at start, then each one first seen
  // (a fork child, or a process that exec'd: its layout is new).
  std::unordered_set<uint32_t> snapshotted;
  // Traced processes believed alive, for the periodic maps and smaps samples
  // (not used with --all: those samples are per traced process).
  std::unordered_set<uint32_t> live(options.pids.begin(), options.pids.end());
  uint32_t exec_snapshot_taken = 0;
  std::deque<uint32_t> to_snapshot;
  auto snapshot = [&](uint32_t pid) {
    auto maps = proc_file_record(pid, PS_PROC_MAPS, "/proc/" + std::to_string(pid) + "/maps");
    // Gone, or a zombie (its maps read empty): nothing to anchor.
    if (maps.size() <= sizeof(ps_proc_file)) return;
    append(maps.data(), maps.size());
    auto status = proc_file_record(pid, PS_PROC_STATUS, "/proc/" + std::to_string(pid) + "/status");
    if (!status.empty()) append(status.data(), status.size());
    ++summary.snapshots;
  };
  auto target = [&](uint32_t pid, uint32_t reason) {
    ps_target t{};
    t.hdr.kind = PS_EV_TARGET;
    t.hdr.size = sizeof(t);
    t.hdr.ts_ns = monotonic_ns();
    t.hdr.pid = t.hdr.tid = pid;
    t.reason = reason;
    append(&t, sizeof(t));
  };
  auto sample_system = [&] {
    uint64_t ts = monotonic_ns();
    std::string text;
    struct { uint32_t which; const char* path; } files[] = {
        {PS_PROC_VMSTAT, "/proc/vmstat"},
        {PS_PROC_PSI_MEMORY, "/proc/pressure/memory"},
        {PS_PROC_MEMINFO, "/proc/meminfo"}};
    for (const auto& f : files) {
      if (read_text_file(f.path, text)) {
        auto rec = proc_text_record(0, f.which, ts, text);
        append(rec.data(), rec.size());
      }
    }
    if (!options.cgroup.empty()) {
      std::string memcg = memcg_text(options.cgroup);
      if (!memcg.empty()) {
        auto rec = proc_text_record(0, PS_PROC_MEMCG, ts, memcg);
        append(rec.data(), rec.size());
      }
    }
  };
  uint64_t lost_reported = 0;
  auto report_lost = [&](bool always) {
    uint64_t total = tracer.lost_total();
    if (total == lost_reported && !always) return;
    ps_lost l{};
    l.hdr.kind = PS_EV_LOST;
    l.hdr.size = sizeof(l);
    l.hdr.ts_ns = monotonic_ns();
    l.lost = total - lost_reported;
    l.lost_total = total;
    append(&l, sizeof(l));
    lost_reported = total;
  };

  uint64_t start_ns = monotonic_ns();
  sample_system();
  if (options.all) {
    for (uint32_t pid : all_pids()) {
      if (pid == static_cast<uint32_t>(getpid())) continue;
      snapshotted.insert(pid);
      snapshot(pid);
    }
  }
  for (uint32_t pid : options.pids) {
    target(pid, PS_TARGET_ATTACH);
    snapshotted.insert(pid);
    snapshot(pid);
  }
  std::fprintf(stderr, "pagescope record: tracing %s; Ctrl-C to stop\n",
               options.all ? "every process" : child.pid > 0 ? options.command[0].c_str()
                                                              : "the given processes");
  if (child.pid > 0) live.insert(static_cast<uint32_t>(child.pid));
  if (child.pid > 0) {
    target(static_cast<uint32_t>(child.pid), PS_TARGET_COMMAND);
    char go = 1;
    if (write(child.release_fd, &go, 1) != 1) {
      abandon_child();
      return Error{"cannot start the command: " + std::string(strerror(errno))};
    }
    close(child.release_fd);
    int err = 0;
    ssize_t n = read(child.error_fd, &err, sizeof(err));  // EOF when exec succeeded
    close(child.error_fd);
    PreExecFaults pre;
    if (read(child.usage_fd, &pre, sizeof(pre)) == sizeof(pre)) {
      summary.fault_check.pre_exec_minor = pre.minor;
      summary.fault_check.pre_exec_major = pre.major;
    }
    close(child.usage_fd);
    if (n == sizeof(err)) {
      waitpid(child.pid, nullptr, 0);
      writer.close();
      unlink(options.output.c_str());
      std::string what = options.cgroup.empty() ? "cannot run '" + options.command[0] + "'"
                                                : "cannot run '" + options.command[0] +
                                                      "' (or join --cgroup " + options.cgroup + ")";
      return Error{what + ": " + strerror(err)};
    }
    // The exec succeeded and the child is stopped at its first instruction.
    int st = 0;
    if (waitpid(child.pid, &st, 0) == child.pid && WIFSTOPPED(st)) {
      snapshot(static_cast<uint32_t>(child.pid));
      snapshotted.insert(static_cast<uint32_t>(child.pid));
      exec_snapshot_taken = static_cast<uint32_t>(child.pid);
      ptrace(PTRACE_DETACH, child.pid, nullptr, nullptr);
    }
  }

  // The command tree's accounted faults from its exec on, for the rusage check.
  bool command_exec_seen = false;
  auto on_record = [&](const void* data, size_t size) {
    append(data, size);
    const auto* h = static_cast<const ps_header*>(data);
    if (h->kind == PS_EV_FAULT && size >= sizeof(ps_fault) && command_exec_seen) {
      uint32_t flags = static_cast<const ps_fault*>(data)->flags;
      if (flags & PS_FAULT_ACCOUNTED) {
        ++((flags & PS_FAULT_MAJOR) ? summary.fault_check.captured_major
                                     : summary.fault_check.captured_minor);
      }
    } else if (h->kind == PS_EV_EXEC && child.pid > 0 && h->pid == static_cast<uint32_t>(child.pid)) {
      command_exec_seen = true;
    }
    uint32_t seen = 0;
    if (h->kind == PS_EV_FORK) {
      const auto* f = static_cast<const ps_fork*>(data);
      if (!(f->flags & PS_FORK_THREAD)) seen = f->child_pid;
    } else if (h->kind == PS_EV_EXEC) {
      if (h->pid == exec_snapshot_taken) {
        exec_snapshot_taken = 0;  // the command's own exec: snapshotted while stopped
      } else {
        seen = h->pid;
        snapshotted.erase(seen);  // a new address space: snapshot again
      }
    }
    if (seen && snapshotted.insert(seen).second) to_snapshot.push_back(seen);
    if (seen) live.insert(seen);
    if (h->kind == PS_EV_EXIT &&
        (static_cast<const ps_exit*>(data)->flags & PS_EXIT_GROUP_DEAD)) {
      live.erase(h->pid);
    }
  };

  const AppendRecord append_record = append;
  for (auto& sampler : samplers) sampler->begin(live, monotonic_ns(), append_record);
  uint64_t last_flush = start_ns, last_sample = start_ns, budget_window = start_ns;
  uint64_t last_maps = start_ns;
  size_t snapshots_in_window = 0;
  bool command_done = false;
  for (;;) {
    auto polled = tracer.poll(50, on_record);
    if (!polled) {
      write_status = Error{polled.error().message};
      break;
    }
    uint64_t now = monotonic_ns();
    if (now - budget_window >= 1000000000ull) {
      budget_window = now;
      snapshots_in_window = 0;
    }
    while (!to_snapshot.empty()) {
      if (snapshots_in_window >= options.max_snapshots_per_s) {
        summary.snapshots_skipped += to_snapshot.size();
        to_snapshot.clear();
        break;
      }
      snapshot(to_snapshot.front());
      to_snapshot.pop_front();
      ++snapshots_in_window;
    }
    if (now - last_sample >= static_cast<uint64_t>(options.sample_ms) * 1000000ull) {
      last_sample = now;
      sample_system();
      report_lost(false);
    }
    if (options.maps_interval_ms > 0 &&
        now - last_maps >= static_cast<uint64_t>(options.maps_interval_ms) * 1000000ull) {
      last_maps = now;
      for (uint32_t pid : live) snapshot(pid);
    }
    for (auto& sampler : samplers) sampler->poll(live, now, append_record);
    if (now - last_flush >= static_cast<uint64_t>(options.flush_ms) * 1000000ull) {
      last_flush = now;
      if (write_status) write_status = writer.flush();
    }
    if (!write_status) break;

    if (child.pid > 0 && !command_done) {
      int status = 0;
      rusage ru{};
      if (wait4(child.pid, &status, WNOHANG, &ru) == child.pid) {
        command_done = true;
        summary.command_status = status;
        summary.fault_check.kernel_minor = static_cast<uint64_t>(ru.ru_minflt);
        summary.fault_check.kernel_major = static_cast<uint64_t>(ru.ru_majflt);
        summary.fault_check.available = tracer.faults_accounted();
        if (!summary.fault_check.available) {
          summary.fault_check.why_not = *summary.sources.missing_note(capture::Source::kFaultKinds);
        }
      }
    }
    bool done = stop.load() || command_done ||
                (options.duration_s > 0 && (now - start_ns) >= options.duration_s * 1e9);
    if (!done && !options.pids.empty()) {
      done = true;
      for (uint32_t pid : options.pids) done = done && !process_exists(pid);
    }
    if (done) break;
  }

  // The command's last records may still be queued: drain until empty.
  for (int i = 0; i < 100; ++i) {
    auto polled = tracer.poll(0, on_record);
    if (!polled || *polled == 0) break;
  }
  if (child.pid > 0 && !command_done) {
    // Interrupted: the command got the same SIGINT from the terminal; give it a
    // moment, then reap it so it does not outlive the recording as a zombie.
    for (int i = 0; i < 20 && waitpid(child.pid, &summary.command_status, WNOHANG) == 0; ++i) {
      usleep(50000);
    }
    summary.fault_check.why_not = "the recording stopped before the command ended";
  }
  for (auto& sampler : samplers) {
    sampler->end(live, monotonic_ns(), append_record);
    summary.sampler_reports.push_back(sampler->report());
  }
  sample_system();
  report_lost(true);
  summary.lost = lost_reported;
  summary.seconds = static_cast<double>(monotonic_ns() - start_ns) / 1e9;
  Status closed = writer.close();
  summary.writer = writer.stats();
  if (!write_status) return Error{"writing " + options.output + ": " + write_status.message()};
  if (!closed) return Error{"closing " + options.output + ": " + closed.message()};
  return summary;
}

}  // namespace pagescope::live
