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

Result<std::unique_ptr<Tracer>> Tracer::start(const TracerOptions& options,
                                              const Features& features) {
  if (!features.bpf_allowed())
    return Error{"cannot trace: " + features.all()[0].detail, ErrorKind::kPermission};
  if (!features.btf())
    return Error{"cannot trace: no kernel BTF at /sys/kernel/btf/vmlinux", ErrorKind::kUnsupported};
  if (!features.ringbuf())
    return Error{"cannot trace: the kernel has no BPF ring buffer (5.8+)", ErrorKind::kUnsupported};
  if (!features.task_storage())
    return Error{"cannot trace: the kernel has no BPF task storage (5.11+)", ErrorKind::kUnsupported};
  if (!features.fault_tracepoints() && !features.perf_fault_events())
    return Error{"cannot trace page faults: neither exceptions:page_fault_user nor "
                 "perf page-fault events are available",
                 ErrorKind::kUnsupported};

  if (getenv("PAGESCOPE_BPF_DEBUG")) {
    libbpf_set_print([](enum libbpf_print_level, const char* fmt, va_list ap) {
      return vfprintf(stderr, fmt, ap);
    });
  }
  std::unique_ptr<Tracer> t(new Tracer());
  t->skel_ = pagescope_bpf__open();
  if (!t->skel_) return Error{"cannot open the BPF object: " + errno_text(errno)};
  auto* skel = t->skel_;

  skel->rodata->self_tgid = static_cast<uint32_t>(getpid());
  skel->rodata->trace_all = options.trace_all;
  skel->rodata->wakeup_bytes = options.wakeup_bytes;
  t->faults_accounted_ = features.perf_fault_events();
  skel->rodata->fault_accounting_source = t->faults_accounted_;
  bpf_map__set_max_entries(skel->maps.events, static_cast<uint32_t>(options.ring_bytes));

  auto disable = [](bpf_program* p) { bpf_program__set_autoload(p, false); };
  if (!features.fault_tracepoints()) {
    disable(skel->progs.page_fault_user);
    disable(skel->progs.page_fault_kernel);
  }
  if (!features.perf_fault_events()) {
    disable(skel->progs.minor_fault);
    disable(skel->progs.major_fault);
  }
  bpf_program* syscall_progs[] = {
      skel->progs.enter_mmap,     skel->progs.exit_mmap,    skel->progs.enter_munmap,
      skel->progs.exit_munmap,    skel->progs.enter_mprotect, skel->progs.exit_mprotect,
      skel->progs.enter_mremap,   skel->progs.exit_mremap,  skel->progs.enter_brk,
      skel->progs.exit_brk,       skel->progs.enter_madvise, skel->progs.exit_madvise,
      skel->progs.enter_shmat,    skel->progs.exit_shmat,   skel->progs.enter_shmdt,
      skel->progs.exit_shmdt};
  if (!features.syscall_tracepoints()) {
    for (auto* p : syscall_progs) disable(p);
  }
  if (!features.sched_tracepoints()) {
    disable(skel->progs.process_fork);
    disable(skel->progs.process_exec);
    disable(skel->progs.process_exit);
  }

  // Pressure events: each program on its own, kept only where its tracepoint exists.
  struct PressureProgram {
    bpf_program* prog;
    const char* category;
    const char* name;
    bool btf;  // tp_btf: needs the raw tracepoint in BTF as well
  };
  const PressureProgram pressure[] = {
      {skel->progs.kswapd_wake, "vmscan", "mm_vmscan_kswapd_wake", false},
      {skel->progs.kswapd_sleep, "vmscan", "mm_vmscan_kswapd_sleep", false},
      {skel->progs.direct_reclaim_begin, "vmscan", "mm_vmscan_direct_reclaim_begin", false},
      {skel->progs.direct_reclaim_end, "vmscan", "mm_vmscan_direct_reclaim_end", false},
      {skel->progs.memcg_reclaim_begin, "vmscan", "mm_vmscan_memcg_reclaim_begin", false},
      {skel->progs.memcg_reclaim_end, "vmscan", "mm_vmscan_memcg_reclaim_end", false},
      {skel->progs.lru_shrink_inactive, "vmscan", "mm_vmscan_lru_shrink_inactive", false},
      {skel->progs.write_folio, "vmscan", "mm_vmscan_write_folio", false},
      {skel->progs.rss_stat, "kmem", "rss_stat", true},
      {skel->progs.tlb_flush, "tlb", "tlb_flush", false},
      {skel->progs.oom_mark_victim, "oom", "mark_victim", true},
  };
  std::string pressure_missing;
  for (const auto& p : pressure) {
    if (!features.tracepoint_available(p.category, p.name, p.btf)) {
      disable(p.prog);
      pressure_missing += std::string(" ") + p.category + ":" + p.name;
    }
  }

  if (int err = pagescope_bpf__load(skel); err) {
    return Error{"the kernel refused pagescope's BPF programs: " + errno_text(err) +
                 " (run with PAGESCOPE_BPF_DEBUG=1 for the verifier log)"};
  }

  for (uint32_t pid : options.pids) {
    if (Status s = t->add_pid(pid); !s) return Error{s.message()};
  }

  // Attach area by area; a failure is reported and the rest goes on.
  auto attach = [&](bpf_program* p) -> bool {
    if (!bpf_program__autoload(p)) return false;
    bpf_link* link = bpf_program__attach(p);
    if (!link) {
      t->report_.push_back(std::string(bpf_program__name(p)) + ": attach failed: " +
                           errno_text(errno));
      return false;
    }
    t->links_.push_back(link);
    return true;
  };
  bool exceptions = attach(skel->progs.page_fault_user);
  attach(skel->progs.page_fault_kernel);
  if (t->faults_accounted_) {
    int opened = 0;
    for (int cpu : online_cpus()) {
      for (auto [config, prog] : {std::pair{PERF_COUNT_SW_PAGE_FAULTS_MIN, skel->progs.minor_fault},
                                  std::pair{PERF_COUNT_SW_PAGE_FAULTS_MAJ, skel->progs.major_fault}}) {
        perf_event_attr attr{};
        attr.type = PERF_TYPE_SOFTWARE;
        attr.size = sizeof(attr);
        attr.config = config;
        attr.sample_period = 1;
        int fd = static_cast<int>(
            syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
        if (fd < 0) {
          t->report_.push_back("perf page-fault event on cpu " + std::to_string(cpu) + ": " +
                               errno_text(errno));
          continue;
        }
        t->perf_fds_.push_back(fd);
        bpf_link* link = bpf_program__attach_perf_event(prog, fd);
        if (!link) {
          t->report_.push_back("attach to perf page-fault event on cpu " + std::to_string(cpu) +
                               ": " + errno_text(errno));
          continue;
        }
        t->links_.push_back(link);
        ++opened;
      }
    }
    if (opened == 0) {
      return Error{"cannot attach to the perf page-fault events on any CPU"};
    }
    t->report_.push_back("faults: one record per fault the kernel accounted (minor/major from "
                         "perf page-fault events" +
                         std::string(exceptions ? ", error codes from exceptions:page_fault_*)"
                                                : "; no error codes)"));
  } else if (exceptions) {
    t->report_.push_back("faults: one record per exception entry (retries included); "
                         "minor/major unknown: perf page-fault events unavailable");
  } else {
    return Error{"cannot attach any page-fault source"};
  }
  int syscalls = 0;
  for (auto* p : syscall_progs) syscalls += attach(p);
  t->report_.push_back(syscalls == 16 ? "memory syscalls: mmap munmap mprotect mremap brk madvise "
                                        "shmat shmdt"
                                      : "memory syscalls: " + std::to_string(syscalls / 2) +
                                            " of 8 attached (" +
                                            features.all()[6].detail + ")");
  int lifecycle = attach(skel->progs.process_fork) + attach(skel->progs.process_exec) +
                  attach(skel->progs.process_exit);
  t->report_.push_back(lifecycle == 3 ? "process lifecycle: fork exec exit"
                                      : "process lifecycle: incomplete (" +
                                            std::to_string(lifecycle) + " of 3)");

  int pressure_attached = 0;
  for (const auto& p : pressure) pressure_attached += attach(p.prog);
  t->report_.push_back(
      "pressure: " + std::to_string(pressure_attached) + " of " + std::to_string(std::size(pressure)) +
      " (reclaim, LRU shrink, reclaim writes, swap entries, TLB flushes, OOM)" +
      (pressure_missing.empty() ? "" : "; missing:" + pressure_missing));

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
