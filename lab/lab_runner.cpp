#include "lab/lab_runner.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "common/units.h"
#include "lab/interrupt_flag.h"
#include "lab/leftovers.h"
#include "lab/sys_file.h"
#include "lab/workload_launcher.h"

namespace pagescope::lab {
namespace {

std::uint64_t mem_total_bytes() {
  auto text = read_sys_file("/proc/meminfo");
  if (!text) return 0;
  auto kv = parse_key_values(*text);  // "MemTotal: 123 kB": the key keeps its colon
  return kv["MemTotal:"] * 1024;
}

// The value after "key": in ps-pressure's flat JSON line.
double json_number(const std::string& line, const char* key, bool* found) {
  std::string needle = std::string("\"") + key + "\":";
  auto at = line.find(needle);
  if (at == std::string::npos) {
    *found = false;
    return 0;
  }
  return std::strtod(line.c_str() + at + needle.size(), nullptr);
}

void parse_workload_report(const std::string& line, WorkloadOutcome& w) {
  bool found = true;
  w.accesses = static_cast<std::uint64_t>(json_number(line, "accesses", &found));
  w.writes = static_cast<std::uint64_t>(json_number(line, "writes", &found));
  w.majflt = static_cast<std::uint64_t>(json_number(line, "majflt", &found));
  w.minflt = static_cast<std::uint64_t>(json_number(line, "minflt", &found));
  w.utime_us = static_cast<std::uint64_t>(json_number(line, "utime_us", &found));
  w.stime_us = static_cast<std::uint64_t>(json_number(line, "stime_us", &found));
  w.maxrss_kb = static_cast<std::uint64_t>(json_number(line, "maxrss_kb", &found));
  w.elapsed_s = json_number(line, "elapsed_s", &found);
  w.reported = found;
}

std::string workload_binary(const LabOptions& o) {
  if (!o.workload_bin.empty()) return o.workload_bin;
  char buf[4096];
  ssize_t n = ::readlink(o.self_exe.c_str(), buf, sizeof buf - 1);
  if (n <= 0) return "ps-pressure";
  std::string self(buf, static_cast<std::size_t>(n));
  std::string dir = self.substr(0, self.rfind('/'));
  return dir + "/../workloads/ps-pressure";
}

}  // namespace

Result<SwapSpec> parse_swap_spec(const std::string& text) {
  // zram:ALGORITHM:SIZE
  auto first = text.find(':');
  auto second = first == std::string::npos ? std::string::npos : text.find(':', first + 1);
  if (first == std::string::npos || second == std::string::npos || text.substr(0, first) != "zram")
    return Error{"--swap: '" + text + "' is not zram:ALGORITHM:SIZE (example: zram:lz4:1G)"};
  SwapSpec spec;
  spec.algorithm = text.substr(first + 1, second - first - 1);
  if (spec.algorithm.empty()) return Error{"--swap: '" + text + "' names no compressor (example: zram:lz4:1G)"};
  auto size = parse_byte_size(text.substr(second + 1));
  if (!size) return Error{"--swap size: " + size.error().message};
  spec.size = *size;
  return spec;
}

bool LabRunner::interrupted() const { return interrupt_ && interrupt_->raised(); }

namespace {

// A request that passed validation, with every size resolved.
struct RunPlan {
  std::uint64_t limit = 0;
  std::uint64_t size = 0;
  SwapSpec swap;
  std::string workload_bin;
  MemoryHierarchy hierarchy;
};

// Everything that can be refused before the machine is touched.
Status plan_run(const LabOptions& o, RunPlan& plan) {
  auto limit = parse_byte_size(o.limit);
  if (!limit) return Error{"--limit: " + limit.error().message, ErrorKind::kUsage};
  auto swap = parse_swap_spec(o.swap);
  if (!swap) return Error{swap.error().message, ErrorKind::kUsage};
  bool known = false;
  for (const char* name : kWorkloadNames) known = known || o.workload == name;
  if (!known)
    return Error{"unknown workload '" + o.workload + "' (choose seq, uniform, zipf, phases or loop)",
                 ErrorKind::kUsage};
  std::uint64_t mem_total = mem_total_bytes();
  if (*limit < (4u << 20)) return Error{"--limit " + o.limit + " is below the 4M minimum", ErrorKind::kUsage};
  if (mem_total && *limit >= mem_total)
    return Error{"--limit " + o.limit + " is not below this machine's RAM (" + format_bytes(mem_total) +
                     "), so it would never cause pressure",
                 ErrorKind::kUsage};
  std::uint64_t size;
  if (o.size.empty()) {
    size = o.workload == "loop" ? *limit + *limit / 8 : 4 * *limit;
  } else {
    auto s = parse_byte_size(o.size);
    if (!s) return Error{"--size: " + s.error().message, ErrorKind::kUsage};
    size = *s;
  }
  if (size == 0) return Error{"--size must be greater than 0", ErrorKind::kUsage};
  if (size < 4096) return Error{"--size must be at least one page (4K)", ErrorKind::kUsage};
  // The zram device itself lives in RAM outside the cgroup; a working set
  // bigger than limit + swap would end in the OOM killer, not in swapping.
  if (size >= *limit + swap->size)
    return Error{"--size " + format_bytes(size) + " does not fit in --limit + swap (" +
                     format_bytes(*limit + swap->size) + "); make the swap bigger",
                 ErrorKind::kUsage};
  if (mem_total && swap->size > mem_total / 2)
    return Error{"--swap size " + format_bytes(swap->size) + " is more than half of RAM (" +
                     format_bytes(mem_total) + ")",
                 ErrorKind::kUsage};
  if (!(o.seconds > 0) || o.seconds > 3600) return Error{"--seconds must be between 0 and 3600", ErrorKind::kUsage};
  if (o.content != "zero" && o.content != "random" && o.content != "text")
    return Error{"--content '" + o.content + "' is not zero, random or text", ErrorKind::kUsage};
  if (o.write_pct < 0 || o.write_pct > 100) return Error{"--write-pct must be 0..100", ErrorKind::kUsage};
  if (!(o.alpha > 0)) return Error{"--alpha must be greater than 0", ErrorKind::kUsage};
  std::string bin = workload_binary(o);
  if (::access(bin.c_str(), X_OK) != 0)
    return Error{"workload program " + bin + " not found (build ps-pressure or pass --workload-bin)",
                 ErrorKind::kUsage};
  if (::geteuid() != 0)
    return Error{"the lab needs root: it configures zram swap and memory cgroups", ErrorKind::kPermission};
  if (Status s = zram_available(); !s) return Error{s.message(), ErrorKind::kUnsupported};
  auto hierarchy = find_memory_hierarchy();
  if (!hierarchy) return Error{hierarchy.error().message, ErrorKind::kUnsupported};
  plan = RunPlan{*limit, size, *swap, bin, *hierarchy};
  return Status::Ok();
}

std::vector<std::string> workload_argv(const LabOptions& o, const RunPlan& plan, const std::string& report_file) {
  char seconds[32];
  char alpha[32];
  std::snprintf(seconds, sizeof seconds, "%g", o.seconds);
  std::snprintf(alpha, sizeof alpha, "%g", o.alpha);
  return {plan.workload_bin, "--mode",  o.workload,   "--size",  std::to_string(plan.size),
          "--seconds",       seconds,   "--seed",     std::to_string(o.seed), "--alpha", alpha,
          "--write-pct",     std::to_string(o.write_pct), "--content", o.content, "--report-file", report_file};
}

// The kernel's figures the capture check compares with: the lab's own window
// around the recorder (it encloses the recording) and the workload's report.
KernelFigures kernel_figures_of(const LabReport& r) {
  KernelFigures k;
  k.pswpout = r.delta.vm("pswpout");
  k.swpout_zero = r.delta.vm("swpout_zero");
  k.thp_swpout = r.delta.vm("thp_swpout");
  k.allocstall = r.delta.vm_prefix_sum("allocstall_");
  k.rusage = r.outcome.reported;
  k.majflt = r.outcome.majflt;
  k.minflt = r.outcome.minflt;
  return k;
}

// Why a run that got as far as the workload counts as failed, if it does.
// `check_error` is set when the capture could not be read for the check.
Status judge_outcome(const LabReport& report, int interrupt_signal, const std::string& check_error) {
  const WorkloadOutcome& w = report.outcome;
  // The memcg OOM killer also fires with swap to spare, when limit reclaim
  // keeps finding nothing it can take (every anon page active and referenced).
  bool swap_full = report.zram.orig_data_size > report.swap.size / 10 * 9;
  std::string oom = !report.cgroup.oom_kills ? ""
                    : swap_full              ? " by the OOM killer: the cgroup ran out of memory and swap"
                                             : " by the memcg OOM killer, with swap to spare (reclaim found nothing to "
                                               "take; a larger --limit helps)";
  if (interrupt_signal) {
    return Error{std::string("interrupted by ") +
                     (interrupt_signal == SIGTERM ? "SIGTERM" : interrupt_signal == SIGHUP ? "SIGHUP" : "SIGINT") +
                     "; the workload was stopped and the lab torn down",
                 ErrorKind::kInterrupted};
  }
  if (w.signal) {
    return Error{"the workload was killed by signal " + std::to_string(w.signal) + " (" + strsignal(w.signal) + ")" +
                 oom + "; the lab was torn down"};
  }
  if (w.exit_code != 0) {
    return Error{std::string(report.recorded ? "pagescope record" : "the workload") + " exited with status " +
                 std::to_string(w.exit_code) + (report.cgroup.oom_kills ? " after an OOM kill in the cgroup" : "")};
  }
  // Recording: the recorder exited cleanly but its child did not finish.
  if (!w.reported)
    return Error{"the workload ended without writing its report" + (oom.empty() ? "" : " (killed" + oom + ")")};
  if (!report.swap_state_restored) return Error{"teardown: /proc/swaps differs from before the lab started"};
  if (!check_error.empty()) return Error{"cannot check the capture against the kernel's counters: " + check_error};
  if (report.check && !report.check->passed()) {
    return Error{"the capture " + report.capture_path +
                     " disagrees with the kernel's own counters (the WARNING lines say where)",
                 ErrorKind::kCaptureDisagrees};
  }
  return Status::Ok();
}

}  // namespace

LabRunner::Waited LabRunner::wait_for_workload(pid_t pid, bool recording, const ZramSwap& zram) const {
  Waited out;
  // The workload stops itself after --seconds; populating a region far above
  // the limit takes longer, so the hard stop leaves generous slack.
  auto hard_stop = std::chrono::steady_clock::now() + std::chrono::duration<double>(o_.seconds + 120);
  std::optional<std::chrono::steady_clock::time_point> term_sent;
  auto start = std::chrono::steady_clock::now();
  auto next_sample = start;
  for (;;) {
    pid_t r = ::waitpid(pid, &out.status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) break;
    auto now = std::chrono::steady_clock::now();
    if (now >= next_sample) {
      // zram frees a page's slot when its owner exits, so mm_stat read after
      // the workload is gone shows almost nothing: keep the fullest sample.
      auto st = zram.read_stats();
      if (st && st->orig_data_size >= out.fullest.orig_data_size) out.fullest = *st;
      if (st && progress_)
        progress_({std::chrono::duration<double>(now - start).count(), o_.seconds, st->write_ios, st->read_ios});
      next_sample = now + std::chrono::milliseconds(100);
    }
    if ((interrupted() || now > hard_stop) && !term_sent) {
      // The recorder gets a chance to finish its capture; the workload not.
      ::kill(pid, recording ? SIGTERM : SIGKILL);
      term_sent = now;
    } else if (term_sent && now - *term_sent > std::chrono::seconds(5)) {
      ::kill(pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

LabRun LabRunner::run() {
  // 1. The request itself, before touching anything.
  RunPlan plan;
  if (Status refused = plan_run(o_, plan); !refused) return {refused};

  // 2. The machine: one lab at a time; whatever a killed run left goes first.
  LabRun result;
  auto lock = SessionLock::acquire(o_.state_dir);
  if (!lock) return {lock.error()};  // "lab busy"
  auto cleaned = clean_leftovers(o_.state_dir);
  if (!cleaned) return {Error{"cannot clean up an earlier lab run: " + cleaned.error().message}};
  for (const Leftover& l : *cleaned) result.notes.push_back("removed leftover of an earlier lab run: " + l.what);

  LabReport report;
  report.workload = o_.workload;
  report.size_bytes = plan.size;
  report.limit_bytes = plan.limit;
  report.swap = plan.swap;
  report.seconds = o_.seconds;
  report.other_swaps = active_swaps();
  if (interrupted()) return {Error{"interrupted before the lab was set up", ErrorKind::kInterrupted}};

  // 3. Swap, then the cgroup; the guards undo them in the reverse order on
  // every return from here on.
  ZramConfig zc{plan.swap.algorithm, plan.swap.size, o_.zram_device, o_.state_dir};
  auto zram = ZramSwap::create(zc);
  if (!zram) return {zram.error()};  // a bad --swap or --zram-device is a usage error
  report.zram_device = (*zram)->device();
  auto cgroup = MemoryCgroup::create(plan.hierarchy, kLabCgroupPrefix + std::to_string(::getpid()), plan.limit);
  if (!cgroup) return {cgroup.error()};
  report.cgroup_version = (*cgroup)->version();
  report.cgroup_path = (*cgroup)->path();
  if (interrupted()) return {Error{"interrupted while setting up; the lab was torn down", ErrorKind::kInterrupted}};

  // 4. The workload, between two readings of the kernel's counters.
  std::string report_file = o_.state_dir + "/workload-" + std::to_string(::getpid()) + ".json";
  ::unlink(report_file.c_str());
  LaunchRequest req{workload_argv(o_, plan, report_file), (*cgroup)->path(), o_.capture_path,
                    o_.record_args, o_.self_exe};
  KernelCounters before = read_kernel_counters();
  auto launched = launch_workload(req);
  if (!launched) return {Error{launched.error().message}};
  report.recorded = launched->recording;
  report.capture_path = launched->recording ? o_.capture_path : "";
  report.capture_note = launched->note;
  Waited waited = wait_for_workload(launched->pid, launched->recording, **zram);
  report.delta = counter_delta(before, read_kernel_counters());
  if (WIFEXITED(waited.status)) report.outcome.exit_code = WEXITSTATUS(waited.status);
  if (WIFSIGNALED(waited.status)) report.outcome.signal = WTERMSIG(waited.status);
  if (auto line = read_sys_file(report_file)) parse_workload_report(*line, report.outcome);
  ::unlink(report_file.c_str());

  // 5. What the cgroup and the device counted, then teardown.
  if (auto st = (*cgroup)->read_stats()) report.cgroup = *st;
  report.zram = waited.fullest;
  if (auto st = (*zram)->read_stats()) {
    // The I/O counts and the peak only grow: the final reading is the total.
    report.zram.write_ios = st->write_ios;
    report.zram.read_ios = st->read_ios;
    report.zram.mem_used_max = st->mem_used_max;
  }
  Status cg_down = (*cgroup)->teardown();
  Status zram_down = (*zram)->teardown();
  report.swap_state_restored = active_swaps() == report.other_swaps;
  result.report = report;
  // Only worth a line of its own when a capture was asked for and not written.
  if (!o_.capture_path.empty() && !report.recorded) result.notes.push_back(report.capture_note);
  if (!cg_down || !zram_down) {
    result.status = Error{"teardown: " + (!cg_down ? cg_down.message() : zram_down.message())};
    return result;
  }
  // 6. The capture against the kernel's counters for the same run. An
  // interrupted run's capture ends early; it is not checked.
  std::string check_error;
  if (report.recorded && o_.check_capture && !interrupted()) {
    if (auto counted = count_capture(report.capture_path)) {
      report.capture_notes = counted->sources.unavailable_notes();
      report.check = check_capture(*counted, kernel_figures_of(report));
    } else {
      check_error = counted.error().message;
    }
  }
  result.report = report;
  result.status = judge_outcome(report, interrupted() ? interrupt_->signal_number() : 0, check_error);
  return result;
}

}  // namespace pagescope::lab
