#include "inspector/live/tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "events.h"
#include "inspector/live/tracefs.h"
#include "pagescope.skel.h"

namespace pagescope::live {
namespace {

std::string errno_text(int err) { return strerror(err < 0 ? -err : err); }

// CPUs listed in /sys/devices/system/cpu/online ("0-1,4").
std::vector<int> online_cpus() {
  std::vector<int> cpus;
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string spec;
  std::getline(in, spec);
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    std::string part = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t dash = part.find('-');
    int lo = std::stoi(part.substr(0, dash));
    int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return cpus;
}

}  // namespace

namespace {

using capture::Source;
using capture::SourceState;

// How a program is attached.
enum class Attach : uint8_t {
  kRawTp,       // tp_btf: `event` names the raw tracepoint
  kPerfFault,   // the perf software page-fault events, per CPU
  kTracepoint,  // a tracefs event ("syscalls/sys_enter_mmap") opened as a perf event by id
};

// One BPF program and the source it feeds.
struct Program {
  bpf_program* prog;
  Source source;
  Attach attach;
  const char* event;       // the raw tracepoint or tracefs event; nullptr for kPerfFault
  bool wanted = true;      // still to be loaded
  bool spare = false;      // the other way to the same source, not chosen: never counted
  std::string off_reason;  // why it is not running
  bool attached = false;
};

Program raw(bpf_program* prog, Source s, const char* tp) { return {prog, s, Attach::kRawTp, tp}; }
Program perf_fault(bpf_program* prog) {
  return {prog, Source::kFaultKinds, Attach::kPerfFault, nullptr};
}
Program tracepoint(bpf_program* prog, Source s, const char* event) {
  return {prog, s, Attach::kTracepoint, event};
}

// Memory syscalls come one of two ways: the syscalls:* events when their ids
// can be read from tracefs (a program runs on memory syscalls only), else
// the sys_enter/sys_exit raw tracepoints (programs run on every syscall).
std::vector<Program> program_table(pagescope_bpf* skel) {
  auto* p = &skel->progs;
  return {
      raw(p->page_fault_user, Source::kFaultErrorCodes, "page_fault_user"),
      raw(p->page_fault_kernel, Source::kFaultErrorCodes, "page_fault_kernel"),
      perf_fault(p->minor_fault),
      perf_fault(p->major_fault),
      raw(p->mm_sys_enter, Source::kMmSyscalls, "sys_enter"),
      raw(p->mm_sys_exit, Source::kMmSyscalls, "sys_exit"),
      tracepoint(p->enter_mmap, Source::kMmSyscalls, "syscalls/sys_enter_mmap"),
      tracepoint(p->exit_mmap, Source::kMmSyscalls, "syscalls/sys_exit_mmap"),
      tracepoint(p->enter_munmap, Source::kMmSyscalls, "syscalls/sys_enter_munmap"),
      tracepoint(p->exit_munmap, Source::kMmSyscalls, "syscalls/sys_exit_munmap"),
      tracepoint(p->enter_mprotect, Source::kMmSyscalls, "syscalls/sys_enter_mprotect"),
      tracepoint(p->exit_mprotect, Source::kMmSyscalls, "syscalls/sys_exit_mprotect"),
      tracepoint(p->enter_mremap, Source::kMmSyscalls, "syscalls/sys_enter_mremap"),
      tracepoint(p->exit_mremap, Source::kMmSyscalls, "syscalls/sys_exit_mremap"),
      tracepoint(p->enter_brk, Source::kMmSyscalls, "syscalls/sys_enter_brk"),
      tracepoint(p->exit_brk, Source::kMmSyscalls, "syscalls/sys_exit_brk"),
      tracepoint(p->enter_madvise, Source::kMmSyscalls, "syscalls/sys_enter_madvise"),
      tracepoint(p->exit_madvise, Source::kMmSyscalls, "syscalls/sys_exit_madvise"),
      tracepoint(p->enter_shmat, Source::kMmSyscalls, "syscalls/sys_enter_shmat"),
      tracepoint(p->exit_shmat, Source::kMmSyscalls, "syscalls/sys_exit_shmat"),
      tracepoint(p->enter_shmdt, Source::kMmSyscalls, "syscalls/sys_enter_shmdt"),
      tracepoint(p->exit_shmdt, Source::kMmSyscalls, "syscalls/sys_exit_shmdt"),
      raw(p->process_fork, Source::kProcessLifecycle, "sched_process_fork"),
      raw(p->process_exec, Source::kProcessLifecycle, "sched_process_exec"),
      raw(p->process_exit, Source::kProcessLifecycle, "sched_process_exit"),
      raw(p->kswapd_wake, Source::kReclaim, "mm_vmscan_kswapd_wake"),
      raw(p->kswapd_sleep, Source::kReclaim, "mm_vmscan_kswapd_sleep"),
      raw(p->direct_reclaim_begin, Source::kReclaim, "mm_vmscan_direct_reclaim_begin"),
      raw(p->direct_reclaim_end, Source::kReclaim, "mm_vmscan_direct_reclaim_end"),
      raw(p->memcg_reclaim_begin, Source::kReclaim, "mm_vmscan_memcg_reclaim_begin"),
      raw(p->memcg_reclaim_end, Source::kReclaim, "mm_vmscan_memcg_reclaim_end"),
      raw(p->lru_shrink_inactive, Source::kLruShrink, "mm_vmscan_lru_shrink_inactive"),
      raw(p->write_folio, Source::kReclaimWrites, "mm_vmscan_write_folio"),
      raw(p->rss_stat, Source::kSwapEntries, "rss_stat"),
      raw(p->tlb_flush, Source::kTlbFlushes, "tlb_flush"),
      raw(p->oom_mark_victim, Source::kOom, "mark_victim"),
      raw(p->signal_generate, Source::kSignals, "signal_generate"),
      raw(p->compaction_begin, Source::kCompaction, "mm_compaction_begin"),
      raw(p->compaction_end, Source::kCompaction, "mm_compaction_end"),
      raw(p->compaction_try, Source::kCompaction, "mm_compaction_try_to_compact_pages"),
      raw(p->page_alloc_extfrag, Source::kExtfrag, "mm_page_alloc_extfrag"),
      raw(p->page_alloc, Source::kPageAllocs, "mm_page_alloc"),
  };
}

// Opens tracefs event `id` as a perf event and attaches `prog`: one event on
// CPU 0 runs its program on every CPU (what libbpf does for tracepoints).
bpf_link* attach_tracepoint_id(bpf_program* prog, int id, std::vector<int>& fds) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_TRACEPOINT;
  attr.size = sizeof(attr);
  attr.config = static_cast<uint64_t>(id);
  int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
  if (fd < 0) return nullptr;
  fds.push_back(fd);
  return bpf_program__attach_perf_event(prog, fd);
}

// libbpf reports through one process-wide print callback with no context
// pointer; the log of the load in progress is collected here.
std::string* g_load_log = nullptr;

int collect_libbpf_log(enum libbpf_print_level level, const char* fmt, va_list ap) {
  char line[1024];
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(line, sizeof line, fmt, copy);
  va_end(copy);
  if (g_load_log && level <= LIBBPF_INFO) g_load_log->append(line);
  if (getenv("PAGESCOPE_BPF_DEBUG")) vfprintf(stderr, fmt, ap);
  return n;
}

// The programs libbpf names in "prog 'NAME': ... failed" lines, each with the
// first line of its verifier complaint.
std::vector<std::pair<std::string, std::string>> refused_programs(const std::string& log) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while ((at = log.find("prog '", at)) != std::string::npos) {
    size_t name_end = log.find('\'', at + 6);
    size_t line_end = log.find('\n', at);
    if (name_end == std::string::npos) break;
    std::string line = log.substr(at, line_end == std::string::npos ? std::string::npos : line_end - at);
    std::string name = log.substr(at + 6, name_end - at - 6);
    if (line.find("failed") != std::string::npos) {
      bool seen = false;
      for (const auto& r : out) seen = seen || r.first == name;
      if (!seen) out.emplace_back(name, line.substr(line.find(':') + 2));
    }
    at = name_end;
  }
  return out;
}

const char* source_label(Source s) { return capture::source_name(s); }

}  // namespace

Result<std::unique_ptr<Tracer>> Tracer::start(const TracerOptions& options,
                                              const Features& features) {
  if (!features.bpf_allowed())
    return Error{"cannot trace: " + features.requirements()[0].detail, ErrorKind::kPermission};
  if (!features.btf())
    return Error{"cannot trace: no kernel BTF at /sys/kernel/btf/vmlinux", ErrorKind::kUnsupported};
  if (!features.ringbuf())
    return Error{"cannot trace: the kernel has no BPF ring buffer (5.8+)", ErrorKind::kUnsupported};
  if (!features.task_storage())
    return Error{"cannot trace: the kernel has no BPF task storage (5.11+)", ErrorKind::kUnsupported};
  bool exception_tps = features.raw_tracepoint("page_fault_user");
  if (!exception_tps && !features.perf_fault_events())
    return Error{"cannot trace page faults: neither the page_fault_user raw tracepoint nor the "
                 "perf page-fault events are available (" +
                     features.perf_fault_events_detail() + ")",
                 ErrorKind::kUnsupported};

  std::unique_ptr<Tracer> t(new Tracer());
  t->faults_accounted_ = features.perf_fault_events();

  // What the probe already rules out, decided once for every attempt below,
  // and which way memory syscalls come (spare: the way not taken).
  std::vector<std::pair<size_t, std::string>> ruled_out;
  std::vector<size_t> spare;
  TracepointIds tracepoint_ids;
  std::string syscall_path;
  {
    pagescope_bpf* probe_skel = pagescope_bpf__open();
    if (!probe_skel) return Error{"cannot open the BPF object: " + errno_text(errno)};
    auto table = program_table(probe_skel);
    std::vector<std::string> events;
    for (const auto& p : table) {
      if (p.attach == Attach::kTracepoint) events.emplace_back(p.event);
    }
    auto ids = read_tracepoint_ids(events);
    if (ids) {
      // The ids are no use where perf_event_open is refused (a seccomp
      // filter, perf_event_paranoid for non-root): try one before choosing.
      perf_event_attr attr{};
      attr.type = PERF_TYPE_TRACEPOINT;
      attr.size = sizeof(attr);
      attr.config = static_cast<uint64_t>(ids->ids.begin()->second);
      int fd = static_cast<int>(syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
      if (fd < 0) {
        ids = Error{"perf_event_open of tracepoint " + ids->ids.begin()->first + ": " + errno_text(errno)};
      } else {
        close(fd);
      }
    }
    if (ids) {
      tracepoint_ids = std::move(*ids);
      syscall_path = "syscalls:sys_enter_*/sys_exit_* of 8 memory syscalls, ids from " +
                     tracepoint_ids.how;
    } else {
      syscall_path = "tp_btf/sys_enter, sys_exit filtered by number (every syscall runs them: " +
                     ids.error().message + ")";
    }
    for (size_t i = 0; i < table.size(); ++i) {
      const auto& p = table[i];
      const bool by_id = p.attach == Attach::kTracepoint;
      const bool raw_syscall = p.attach == Attach::kRawTp && p.source == Source::kMmSyscalls;
      if ((by_id && !ids) || (raw_syscall && ids)) {
        spare.push_back(i);
      } else if (p.attach == Attach::kRawTp && !features.raw_tracepoint(p.event)) {
        ruled_out.emplace_back(i, std::string("no raw tracepoint ") + p.event +
                                      " in this kernel's BTF");
      } else if (p.attach == Attach::kPerfFault && !features.perf_fault_events()) {
        ruled_out.emplace_back(i, "perf page-fault events: " + features.perf_fault_events_detail());
      }
    }
    pagescope_bpf__destroy(probe_skel);
  }

  // Open, configure and load; a program the verifier refuses is left out,
  // named, and the rest loaded again (a failed object cannot be reloaded).
  std::vector<Program> programs;
  std::string load_log;
  for (int attempt = 0;; ++attempt) {
    t->skel_ = pagescope_bpf__open();
    if (!t->skel_) return Error{"cannot open the BPF object: " + errno_text(errno)};
    auto* skel = t->skel_;
    skel->rodata->self_tgid = static_cast<uint32_t>(getpid());
    skel->rodata->trace_all = options.trace_all;
    skel->rodata->wakeup_bytes = options.wakeup_bytes;
    skel->rodata->fault_accounting_source = t->faults_accounted_;
    bpf_map__set_max_entries(skel->maps.events, static_cast<uint32_t>(options.ring_bytes));

    auto fresh = program_table(skel);
    if (attempt == 0) {
      programs = fresh;
      for (const auto& [i, why] : ruled_out) {
        programs[i].wanted = false;
        programs[i].off_reason = why;
      }
      for (size_t i : spare) {
        programs[i].wanted = false;
        programs[i].spare = true;
      }
    } else {
      for (size_t i = 0; i < programs.size(); ++i) programs[i].prog = fresh[i].prog;
    }
    for (const auto& p : programs) {
      if (!p.wanted) bpf_program__set_autoload(p.prog, false);
    }

    load_log.clear();
    g_load_log = &load_log;
    libbpf_set_print(collect_libbpf_log);
    int err = pagescope_bpf__load(skel);
    g_load_log = nullptr;
    libbpf_set_print(nullptr);
    if (err == 0) break;

    // The names live in the object: read them before it is destroyed.
    std::vector<std::string> names;
    for (const auto& p : programs) names.emplace_back(bpf_program__name(p.prog));
    pagescope_bpf__destroy(skel);
    t->skel_ = nullptr;
    int refused = 0;
    for (const auto& [name, why] : refused_programs(load_log)) {
      for (size_t i = 0; i < programs.size(); ++i) {
        Program& p = programs[i];
        if (p.wanted && name == names[i]) {
          p.wanted = false;
          p.off_reason = "the kernel refused the program: " + why;
          ++refused;
        }
      }
    }
    if (refused == 0 || attempt > static_cast<int>(programs.size())) {
      return Error{"the kernel refused pagescope's BPF programs: " + errno_text(err) +
                   " (run with PAGESCOPE_BPF_DEBUG=1 for the verifier log)"};
    }
  }
  auto* skel = t->skel_;

  for (uint32_t pid : options.pids) {
    if (Status s = t->add_pid(pid); !s) return Error{s.message()};
  }

  // Attach program by program; a failure is named and the rest goes on.
  for (auto& p : programs) {
    if (!p.wanted || p.attach == Attach::kPerfFault) continue;
    bpf_link* link = p.attach == Attach::kRawTp
                         ? bpf_program__attach(p.prog)
                         : attach_tracepoint_id(p.prog, tracepoint_ids.ids.at(p.event), t->perf_fds_);
    if (!link) {
      p.off_reason = std::string(p.attach == Attach::kRawTp ? "attaching to raw tracepoint "
                                                            : "attaching to tracepoint ") +
                     p.event + ": " + errno_text(errno);
      continue;
    }
    t->links_.push_back(link);
    p.attached = true;
  }
  bool exceptions = programs[0].attached;
  if (t->faults_accounted_) {
    int opened = 0, wanted = 0;
    std::string failure;
    auto cpus = online_cpus();
    for (int cpu : cpus) {
      for (auto [config, prog] : {std::pair{PERF_COUNT_SW_PAGE_FAULTS_MIN, skel->progs.minor_fault},
                                  std::pair{PERF_COUNT_SW_PAGE_FAULTS_MAJ, skel->progs.major_fault}}) {
        ++wanted;
        perf_event_attr attr{};
        attr.type = PERF_TYPE_SOFTWARE;
        attr.size = sizeof(attr);
        attr.config = config;
        attr.sample_period = 1;
        int fd = static_cast<int>(
            syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
        if (fd < 0) {
          failure = "perf page-fault event on cpu " + std::to_string(cpu) + ": " + errno_text(errno);
          continue;
        }
        t->perf_fds_.push_back(fd);
        bpf_link* link = bpf_program__attach_perf_event(prog, fd);
        if (!link) {
          failure = "attaching to the perf page-fault event on cpu " + std::to_string(cpu) + ": " +
                    errno_text(errno);
          continue;
        }
        t->links_.push_back(link);
        ++opened;
      }
    }
    if (opened == 0) return Error{"cannot attach to the perf page-fault events on any CPU: " + failure};
    for (auto& p : programs) {
      if (p.source != Source::kFaultKinds) continue;
      p.attached = opened == wanted;
      if (!p.attached) p.off_reason = failure;
    }
  } else if (!exceptions) {
    return Error{"cannot attach any page-fault source: " + programs[0].off_reason};
  }

  // The sources, from what runs.
  auto& sources = t->sources_;
  for (auto& p : programs) {
    if (p.spare) continue;
    auto state = sources.state(p.source);
    if (!p.attached) {
      std::string why = p.event ? std::string(p.event) + ": " + p.off_reason : p.off_reason;
      if (state == SourceState::kUnavailable) {
        sources.set(p.source, state, sources.status(p.source).detail + "; " + why);
      } else {
        sources.set(p.source, SourceState::kUnavailable, why);
      }
    } else if (p.source == Source::kMmSyscalls) {
      if (state == SourceState::kUnknown) sources.set(p.source, SourceState::kOn, syscall_path);
    } else if (state == SourceState::kUnknown) {
      sources.set(p.source, SourceState::kOn,
                  p.event ? std::string("tp_btf/") + p.event : "perf software events page-faults-min/maj");
    } else if (state == SourceState::kOn && p.event) {
      sources.set(p.source, state, sources.status(p.source).detail + ", " + p.event);
    }
  }
  if (t->faults_accounted_) {
    sources.set(Source::kFaults, SourceState::kOn,
                "one record per fault the kernel accounted (perf page-fault events)");
  } else {
    sources.set(Source::kFaults, SourceState::kOn,
                "one record per exception entry, retries included (page_fault_user/kernel)");
  }

  // The -v report: one line per area.
  t->report_.push_back(
      t->faults_accounted_
          ? std::string("faults: one record per fault the kernel accounted (minor/major from perf "
                        "page-fault events") +
                (exceptions ? ", error codes from tp_btf/page_fault_*)" : "; no error codes)")
          : "faults: one record per exception entry (retries included); minor/major unknown");
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    auto s = static_cast<Source>(i);
    if (s == Source::kFaults || sources.state(s) == SourceState::kUnknown) continue;
    t->report_.push_back(std::string(source_label(s)) + ": " +
                         capture::state_name(sources.state(s)) + " (" + sources.status(s).detail + ")");
  }

  t->ring_ = ring_buffer__new(bpf_map__fd(skel->maps.events), &Tracer::on_sample, t.get(), nullptr);
  if (!t->ring_) return Error{"cannot set up the ring buffer reader: " + errno_text(errno)};
  return t;
}

Tracer::~Tracer() {
  ring_buffer__free(ring_);
  for (auto* l : links_) bpf_link__destroy(l);
  for (int fd : perf_fds_) close(fd);
  pagescope_bpf__destroy(skel_);
}

Status Tracer::add_pid(uint32_t tgid) {
  uint8_t one = 1;
  if (bpf_map_update_elem(bpf_map__fd(skel_->maps.traced), &tgid, &one, BPF_ANY) != 0) {
    return Error{"cannot add pid " + std::to_string(tgid) + " to the traced set: " +
                 errno_text(errno)};
  }
  return {};
}

int Tracer::on_sample(void* ctx, void* data, size_t size) {
  auto* self = static_cast<Tracer*>(ctx);
  (*self->current_fn_)(data, size);
  ++self->consumed_;
  return 0;
}

Result<int> Tracer::poll(int timeout_ms, const RecordFn& fn) {
  current_fn_ = &fn;
  consumed_ = 0;
  // Producers submit without waking us (see submit_record), so poll() may time
  // out with data queued: always consume afterwards.
  int err = ring_buffer__poll(ring_, timeout_ms);
  if (err >= 0) err = ring_buffer__consume(ring_);
  current_fn_ = nullptr;
  if (err < 0 && err != -EINTR) return Error{"reading the ring buffer: " + errno_text(err)};
  return consumed_;
}

bool Tracer::order_counts(ps_order_counts& out) const {
  const bool allocs = sources_.state(Source::kPageAllocs) == SourceState::kOn;
  const bool extfrag = sources_.state(Source::kExtfrag) == SourceState::kOn;
  if (!allocs && !extfrag) return false;
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return false;
  // A per-CPU array's lookup fills one value per possible CPU, each rounded
  // up to 8 bytes (the value is a multiple of 8 already).
  struct Value {
    uint64_t page_allocs[PS_ORDER_SLOTS];
    uint64_t extfrag_by_alloc[PS_ORDER_SLOTS];
    uint64_t extfrag_by_fallback[PS_ORDER_SLOTS];
  };
  std::vector<Value> per_cpu(static_cast<size_t>(ncpus));
  uint32_t key = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.order_counts), &key, per_cpu.data()) != 0) return false;
  out = ps_order_counts{};
  out.hdr.kind = PS_EV_ORDER_COUNTS;
  out.hdr.size = sizeof(out);
  out.slots = PS_ORDER_SLOTS;
  out.flags = (allocs ? PS_ORDER_ALLOCS : 0u) | (extfrag ? PS_ORDER_EXTFRAG : 0u);
  for (const Value& v : per_cpu) {
    for (int o = 0; o < PS_ORDER_SLOTS; ++o) {
      if (allocs) out.page_allocs[o] += v.page_allocs[o];
      if (extfrag) {
        out.extfrag_by_alloc[o] += v.extfrag_by_alloc[o];
        out.extfrag_by_fallback[o] += v.extfrag_by_fallback[o];
      }
    }
  }
  return true;
}

uint64_t Tracer::lost_total() const {
  int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return 0;
  std::vector<uint64_t> per_cpu(static_cast<size_t>(ncpus));
  uint32_t key = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.lost_events), &key, per_cpu.data()) != 0) {
    return 0;
  }
  uint64_t sum = 0;
  for (uint64_t v : per_cpu) sum += v;
  return sum;
}

}  // namespace pagescope::live
