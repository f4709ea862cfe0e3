// `pagescope record`: trace a command, some processes, or the whole system
// into a capture file.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "app/command.h"
#include "common/event_names.h"
#include "common/table.h"
#include "common/units.h"
#include "events.h"

#ifdef PAGESCOPE_WITH_BPF
#include "inspector/live/recorder.h"
#include "inspector/live/source_probe.h"
#endif

namespace pagescope::app {
namespace {

struct RecordArgs {
  std::string output = "pagescope.psc";
  std::vector<uint32_t> pids;
  bool all = false;
  std::string duration;
  std::string max_size;
  std::string cgroup;
  size_t ring_mib = 64;
  std::string maps_interval;
  std::string wss_interval;
  std::string access_interval;
  bool sample_contents = false;
  std::optional<int> contents_rate;  // unset: the sampler's own bound
  bool verbose = false;
  bool probe = false;
  bool json = false;
  bool csv = false;
  std::vector<std::string> command;
  std::string invocation;
};

// The largest ring buffer the kernel accepts: max_entries is a u32 power of two.
constexpr size_t kMaxRingMib = 2048;

// Numbers that mean nothing whatever the host: refused in every build, before
// any question of BPF support or privilege.
bool numbers_valid(const RecordArgs& args) {
  // The kernel takes a ring buffer whose size is a power of two and a
  // multiple of the page size, in a 32-bit max_entries (kernel/bpf/ringbuf.c,
  // ringbuf_map_alloc): 1 MiB to 2 GiB. Anything else would only fail once
  // the programs load, with the kernel's bare EINVAL.
  if (args.ring_mib == 0 || (args.ring_mib & (args.ring_mib - 1)) != 0 || args.ring_mib > kMaxRingMib) {
    std::fprintf(stderr, "pagescope record: bad --ring-size %zu: the ring buffer is a power of two "
                 "of MiB from 1 to %zu (the kernel's limit)\n", args.ring_mib, kMaxRingMib);
    return false;
  }
  if (!args.max_size.empty()) {
    auto bytes = parse_byte_size(args.max_size);
    if (!bytes || *bytes == 0) {
      std::fprintf(stderr, "pagescope record: --max-size: %s\n",
                   bytes ? ("bad size '" + args.max_size + "' (must be more than 0)").c_str()
                         : bytes.error().message.c_str());
      return false;
    }
  }
  if (args.contents_rate && *args.contents_rate <= 0) {
    std::fprintf(stderr, "pagescope record: --contents-rate must be a positive number of pages "
                 "per second, got %d\n", *args.contents_rate);
    return false;
  }
  return true;
}

#ifdef PAGESCOPE_WITH_BPF
// The one piece of process-wide state: a signal handler can only set a flag.
std::atomic<bool> g_stop_requested{false};
void on_stop_signal(int) { g_stop_requested.store(true); }

// The command's captured faults against the kernel's count for it. The
// kernel's count includes faults nothing can capture: those before exec (the
// child read them itself) and GUP faults (the kernel touching the process's
// memory for it, e.g. execve copying the arguments), which raise no event.
// execve copying argv and the environment takes a few GUP faults in every
// command (7 for a small one here); a warning needs more than that and 2%.
constexpr uint64_t kUnseenFaultsNoise = 64;

void print_fault_check(const live::FaultCheck& c) {
  if (!c.available) {
    if (!c.why_not.empty()) {
      std::fprintf(stderr, "pagescope record: faults not checked against the kernel: %s\n",
                   c.why_not.c_str());
    }
    return;
  }
  auto line = [](const char* what, uint64_t captured, uint64_t counted, uint64_t before_exec) {
    uint64_t after_exec = counted > before_exec ? counted - before_exec : 0;
    long long unseen = static_cast<long long>(after_exec) - static_cast<long long>(captured);
    std::fprintf(stderr, "  %-6s %10llu %10llu %12llu %10lld\n", what,
                 static_cast<unsigned long long>(captured), static_cast<unsigned long long>(counted),
                 static_cast<unsigned long long>(before_exec), unseen);
  };
  std::fprintf(stderr, "pagescope record: the command's faults, captured vs the kernel's count (wait4):\n");
  std::fprintf(stderr, "  %-6s %10s %10s %12s %10s\n", "fault", "captured", "kernel", "before exec",
               "not seen");
  line("minor", c.captured_minor, c.kernel_minor, c.pre_exec_minor);
  line("major", c.captured_major, c.kernel_major, c.pre_exec_major);
  uint64_t after_exec = c.kernel_minor + c.kernel_major - c.pre_exec_minor - c.pre_exec_major;
  uint64_t captured = c.captured_minor + c.captured_major;
  if (after_exec > captured) {
    uint64_t unseen = after_exec - captured;
    double pct = 100.0 * static_cast<double>(unseen) / static_cast<double>(after_exec);
    std::fprintf(stderr, "pagescope record: %s%llu faults (%.1f%%) the kernel counted after exec are "
                 "not in the capture: faults the kernel takes on the process's behalf (GUP: execve "
                 "copying its arguments, MAP_POPULATE, mlock, MADV_POPULATE_*) raise no event\n",
                 pct > 2.0 && unseen > kUnseenFaultsNoise ? "WARNING: " : "",
                 static_cast<unsigned long long>(unseen), pct);
  } else if (captured > after_exec) {
    std::fprintf(stderr, "pagescope record: %llu more faults captured than the kernel counted: the "
                 "faults of children the command did not wait for are not in wait4's count\n",
                 static_cast<unsigned long long>(captured - after_exec));
  }
}

void print_summary(const RecordArgs& args, const live::RecordSummary& s) {
  const auto& w = s.writer;
  std::fprintf(stderr, "pagescope record: %.2f s, %llu records, %llu lost, %.1f KiB in %s "
               "(%.2f bytes/record on disk, %.2f raw)\n",
               s.seconds, static_cast<unsigned long long>(w.records),
               static_cast<unsigned long long>(s.lost), static_cast<double>(w.file_bytes) / 1024,
               args.output.c_str(),
               w.records ? static_cast<double>(w.file_bytes) / static_cast<double>(w.records) : 0.0,
               w.records ? static_cast<double>(w.raw_bytes) / static_cast<double>(w.records) : 0.0);
  // Its own cost, so a user can weigh it (bench/record_overhead.sh splits it further).
  std::fprintf(stderr, "pagescope record: recorder CPU %.3f s (user + system, its own threads), %.0f ns per record\n",
               s.cpu_seconds, w.records ? s.cpu_seconds * 1e9 / static_cast<double>(w.records) : 0.0);
  std::fprintf(stderr, "  %-14s %12s\n", "kind", "records");
  for (int k = 0; k < 256; ++k) {
    if (!w.records_by_kind[k]) continue;
    const char* name = event_kind_name(k);
    std::fprintf(stderr, "  %-14s %12llu\n", name ? name : std::to_string(k).c_str(),
                 static_cast<unsigned long long>(w.records_by_kind[k]));
  }
  if (s.max_size_reached) {
    std::fprintf(stderr, "pagescope record: stopped at --max-size %s (the file holds %s)\n", args.max_size.c_str(),
                 format_bytes(w.file_bytes).c_str());
  }
  if (s.lost) {
    std::fprintf(stderr, "pagescope record: WARNING: %llu events were lost (ring buffer full); "
                 "try a larger --ring-size\n", static_cast<unsigned long long>(s.lost));
  }
  for (const auto& line : s.sampler_reports) {
    std::fprintf(stderr, "pagescope record: %s\n", line.c_str());
  }
  if (s.snapshots_skipped) {
    std::fprintf(stderr, "pagescope record: %llu new processes were not snapshotted (rate limit)\n",
                 static_cast<unsigned long long>(s.snapshots_skipped));
  }
  print_fault_check(s.fault_check);
  if (s.command_status >= 0) {
    if (WIFEXITED(s.command_status) && WEXITSTATUS(s.command_status) != 0) {
      std::fprintf(stderr, "pagescope record: the command exited with status %d\n",
                   WEXITSTATUS(s.command_status));
    } else if (WIFSIGNALED(s.command_status)) {
      std::fprintf(stderr, "pagescope record: the command was killed by signal %d\n",
                   WTERMSIG(s.command_status));
    }
  }
}

// `record --probe`: the capability table, one row per requirement and per
// source, then exit: 0 when recording works here, else the reason's code.
int run_probe(const RecordArgs& args) {
  if (geteuid() != 0) {
    std::fprintf(stderr, "pagescope record --probe: needs root (or CAP_BPF and CAP_PERFMON) to "
                 "load the programs it tries\n");
    return kExitPermission;
  }
  live::SourceProbe probe = live::probe_sources();
  Table table({"SOURCE<", "KIND<", "AVAILABLE<", "HOW OR WHY NOT<"});
  auto txt = [](std::string s) { return Cell::text(std::move(s)); };
  for (const auto& f : probe.requirements) {
    table.add_row({txt(f.name), txt("required"), txt(f.available ? "yes" : "no"), txt(f.detail)});
  }
  // Optional since the memory syscalls come from the syscalls:* events when
  // tracefs can be mounted (privately if the host has not), and from the raw
  // sys_enter/sys_exit otherwise: AVAILABLE says which path is in use.
  const auto& mm = probe.sources.status(capture::Source::kMmSyscalls);
  bool by_tracefs = mm.state == capture::SourceState::kOn && mm.detail.rfind("syscalls:", 0) == 0;
  table.add_row({txt("tracefs"), txt("optional"), txt(by_tracefs ? "yes" : "no"), txt(probe.tracefs)});
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    auto s = static_cast<capture::Source>(i);
    const auto& st = probe.sources.status(s);
    bool optional = s == capture::Source::kAccessBits || s == capture::Source::kPageContents;
    table.add_row({txt(capture::source_name(s)), txt(optional ? "optional" : "recorded"),
                   txt(st.state == capture::SourceState::kOn ? "yes" : "no"), txt(st.detail)});
  }
  if (args.json) {
    table.print_json(stdout);
    std::printf("\n");
  } else if (args.csv) {
    table.print_csv(stdout);
  } else {
    table.print_aligned(stdout);
    auto missing = probe.sources.unavailable_notes();
    std::printf("\n%s\n", !probe.can_record ? "pagescope cannot record on this host."
                          : missing.empty() ? "every source is available."
                                            : (std::to_string(missing.size()) +
                                               " sources unavailable; record names each one when it starts.")
                                                  .c_str());
  }
  return probe.can_record ? kExitOk : exit_code(probe.failure);
}

int run_record(const RecordArgs& args) {
  if (args.probe) return run_probe(args);
  if (!numbers_valid(args)) return kExitUsage;
  live::RecordOptions opts;
  opts.output = args.output;
  opts.command = args.command;
  opts.pids = args.pids;
  opts.all = args.all;
  opts.cgroup = args.cgroup;
  opts.command_line = args.invocation;
  opts.verbose = args.verbose;
  opts.ring_bytes = args.ring_mib << 20;
  if (!args.max_size.empty()) opts.max_file_bytes = parse_byte_size(args.max_size).value();
  if (!args.duration.empty()) {
    auto d = parse_duration_ns(args.duration);
    if (!d || *d == 0) {
      std::fprintf(stderr, "pagescope record: --duration: %s\n",
                   d ? ("bad duration '" + args.duration + "' (must be longer than 0)").c_str()
                     : d.error().message.c_str());
      return kExitUsage;
    }
    opts.duration_s = static_cast<double>(*d) / 1e9;
  }
  for (auto [flag, text, out] : {std::tuple{"--maps-interval", &args.maps_interval, &opts.maps_interval_ms},
                                 std::tuple{"--wss-interval", &args.wss_interval, &opts.wss_interval_ms},
                                 std::tuple{"--access-interval", &args.access_interval, &opts.access_interval_ms}}) {
    if (text->empty()) continue;
    auto d = parse_duration_ns(*text);
    if (!d) {
      std::fprintf(stderr, "pagescope record: %s: %s\n", flag, d.error().message.c_str());
      return kExitUsage;
    }
    if (*d < 10000000ull) {
      std::fprintf(stderr, "pagescope record: bad %s '%s' (at least 10ms)\n", flag, text->c_str());
      return kExitUsage;
    }
    *out = static_cast<int>(*d / 1000000ull);
  }
  if (opts.wss_interval_ms && opts.access_interval_ms) {
    std::fprintf(stderr, "pagescope record: --wss-interval and --access-interval both clear the "
                 "accessed bits, so each would see only what the other left; give one of them\n");
    return kExitUsage;
  }
  opts.sample_contents = args.sample_contents;
  opts.contents_pages_per_s = args.contents_rate.value_or(0);
  if (args.all && (opts.maps_interval_ms || opts.wss_interval_ms || opts.access_interval_ms ||
                   opts.sample_contents)) {
    std::fprintf(stderr, "pagescope record: --maps-interval, --wss-interval, --access-interval "
                 "and --sample-contents sample the traced processes; they cannot be used with "
                 "--all\n");
    return kExitUsage;
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "pagescope record: needs root (or CAP_BPF and CAP_PERFMON); "
                 "try: sudo pagescope record ...\n");
    return kExitPermission;
  }

  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A closed terminal stops the recording like Ctrl-C: the capture is closed
  // and renamed into place, and the command ended and reaped, instead of the
  // default death that leaves the capture under its temporary name.
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto result = live::record(opts, g_stop_requested);
  if (!result) {
    std::fprintf(stderr, "pagescope record: %s\n", result.error().message.c_str());
    return exit_code(result.error().kind);
  }
  if (args.verbose) {
    for (const auto& line : result->attach_report) std::fprintf(stderr, "  attached: %s\n", line.c_str());
  }
  print_summary(args, *result);
  return kExitOk;
}
#else
int run_record(const RecordArgs& args) {
  if (!numbers_valid(args)) return kExitUsage;
  std::fprintf(stderr, "pagescope record: this build has no BPF support (configure WITH_BPF=ON "
               "with clang, bpftool and libbpf installed: scripts/setup-deps.sh)\n");
  return kExitUnsupported;
}
#endif

}  // namespace

void add_record_command(CLI::App& root, CommandRun& run) {
  auto args = std::make_shared<RecordArgs>();
  CLI::App* sub = root.add_subcommand(
      "record", "Trace page faults, memory syscalls and process events into a capture file");
  sub->footer(
      "Examples:\n"
      "  sudo pagescope record -o run.psc -- ./my-program args   trace a command and its children\n"
      "  sudo pagescope record -o run.psc -p 1234 -d 10s         attach to a process and its future children\n"
      "  sudo pagescope record -o run.psc --all -d 5s            whole system\n"
      "  sudo pagescope record --probe                           what this host lets pagescope see\n"
      "Ctrl-C (or SIGTERM, SIGHUP) stops the recording; the capture is closed completely.");
  sub->add_option("-o,--output", args->output,
                  "Capture file to write (0600; written as .NAME.XXXXXX beside it and renamed at the "
                  "end; never a symlink or a device)")
      ->capture_default_str();
  sub->add_option("-p,--pid", args->pids,
                  "Trace these processes (all their threads) and their future children")
      ->delimiter(',');
  sub->add_flag("-a,--all", args->all, "Trace every process on the system except pagescope itself");
  sub->add_option("-d,--duration", args->duration,
                  "Stop after this long (e.g. 10s, 500ms); default: until the command or the "
                  "processes end, or Ctrl-C");
  sub->add_option("--max-size", args->max_size,
                  "Stop once the capture file reaches this size (e.g. 500M, 2G), as -d stops at a "
                  "time: the file is closed complete, a command still running is ended");
  sub->add_option("--cgroup", args->cgroup,
                  "Run the command inside this cgroup directory (v1 or v2), and sample its "
                  "memory statistics");
  sub->add_option("--ring-size", args->ring_mib, "Ring buffer size in MiB (a power of two, at most 2048)")
      ->capture_default_str();
  sub->add_option("--maps-interval", args->maps_interval,
                  "Also snapshot every traced process's /proc/PID/maps this often (e.g. 1s), "
                  "so long recordings can be checked and resynced");
  sub->add_option("--wss-interval", args->wss_interval,
                  "Sample working sets this often (e.g. 1s): read /proc/PID/smaps Referenced, then "
                  "clear the accessed bits (clear_refs). Costs a page-table walk per process per "
                  "interval and hides recency from reclaim (see README)");
  sub->add_option("--access-interval", args->access_interval,
                  "Sample page-granular accessed/dirty bits this often (e.g. 500ms): clear the "
                  "bits, then read every mapped page's page-table entry (root)");
  sub->add_flag("--sample-contents", args->sample_contents,
                "Sample resident pages and record how well they compress (lz4, zstd, lzo); contents "
                "are never stored (root)");
  sub->add_option("--contents-rate", args->contents_rate,
                  "Pages per second --sample-contents reads (default: the sampler's own bound)");
  sub->add_flag("-v,--verbose", args->verbose, "Print what was attached and how");
  sub->add_flag("--probe", args->probe,
                "Print which sources this host offers (one row each, with the reason for every "
                "missing one) and exit; records nothing");
  auto* json = sub->add_flag("--json", args->json, "With --probe: JSON output");
  sub->add_flag("--csv", args->csv, "With --probe: CSV output")->excludes(json);
  sub->add_option("command", args->command, "Command to run and trace (after --)");
  sub->callback([args, &run, sub] {
    // The whole invocation, flags included, as the kernel saw it.
    std::string cmdline;
    if (FILE* f = std::fopen("/proc/self/cmdline", "r")) {
      for (int c; (c = std::fgetc(f)) != EOF;) cmdline += c ? static_cast<char>(c) : ' ';
      std::fclose(f);
    }
    args->invocation = cmdline.empty() ? "pagescope record" : cmdline.substr(0, cmdline.size() - 1);
    run = [args] { return run_record(*args); };
  });
}

}  // namespace pagescope::app
