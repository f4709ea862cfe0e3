#include "inspector/live/features.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pagescope::live {
namespace {

bool path_exists(const char* path) { return access(path, F_OK) == 0; }

// tracefs is at /sys/kernel/tracing on current kernels, under debugfs on old ones.
bool tracepoint_exists(const std::string& category, const std::string& name) {
  for (const char* root : {"/sys/kernel/tracing/events/", "/sys/kernel/debug/tracing/events/"}) {
    if (path_exists((root + category + "/" + name).c_str())) return true;
  }
  return false;
}

int perf_open_fault_event(unsigned long long config) {
  perf_event_attr attr{};
  attr.type = PERF_TYPE_SOFTWARE;
  attr.size = sizeof(attr);
  attr.config = config;
  attr.sample_period = 1;
  attr.disabled = 1;
  // System-wide on CPU 0, as the tracer opens them.
  return static_cast<int>(syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC));
}

}  // namespace

Features Features::probe() {
  Features f;
  libbpf_set_print([](enum libbpf_print_level, const char*, va_list) { return 0; });

  // A tiny map create tells whether bpf() is allowed at all.
  int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, nullptr, 4, 4, 1, nullptr);
  if (fd >= 0) {
    close(fd);
    f.bpf_allowed_ = {"bpf", true, geteuid() == 0 ? "root" : "capabilities"};
  } else {
    f.bpf_allowed_ = {"bpf", false,
                      errno == EPERM ? "bpf() refused: needs root or CAP_BPF+CAP_PERFMON"
                                     : std::string("bpf(): ") + strerror(errno)};
  }

  struct btf* vmlinux = btf__load_vmlinux_btf();
  if (vmlinux) {
    f.btf_ = {"btf", true, "/sys/kernel/btf/vmlinux"};
  } else {
    f.btf_ = {"btf", false, "no kernel BTF (/sys/kernel/btf/vmlinux): CO-RE programs cannot load"};
  }
  auto has_raw_tp = [&](const char* tp) {
    return vmlinux && btf__find_by_name_kind(vmlinux, (std::string("btf_trace_") + tp).c_str(),
                                             BTF_KIND_TYPEDEF) > 0;
  };

  if (f.bpf_allowed()) {
    f.ringbuf_ = {"ringbuf", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) == 1,
                  "BPF ring buffer (kernel 5.8+)"};
    f.task_storage_ = {"task_storage",
                       libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, nullptr) == 1,
                       "per-task stash for syscall arguments and fault error codes"};
  } else {
    f.ringbuf_.detail = f.task_storage_.detail = "bpf() not allowed";
  }

  bool user = has_raw_tp("page_fault_user") && tracepoint_exists("exceptions", "page_fault_user");
  f.fault_tracepoints_ = {"fault_tracepoints", user,
                          user ? "tp_btf/page_fault_user, page_fault_kernel"
                               : "exceptions:page_fault_user missing: no error codes"};

  int pfd = perf_open_fault_event(PERF_COUNT_SW_PAGE_FAULTS_MIN);
  if (pfd >= 0) {
    close(pfd);
    f.perf_fault_events_ = {"perf_fault_events", true,
                            "software events page-faults-min/maj, period 1: minor/major per fault"};
  } else {
    f.perf_fault_events_ = {"perf_fault_events", false,
                            std::string("perf_event_open(page-faults): ") + strerror(errno) +
                                ": faults counted at the exception, minor/major unknown"};
  }

  bool sys = tracepoint_exists("syscalls", "sys_enter_mmap") &&
             tracepoint_exists("syscalls", "sys_exit_mmap");
  f.syscall_tracepoints_ = {"syscall_tracepoints", sys,
                            sys ? "syscalls:sys_enter/exit_{mmap,munmap,...}"
                                : "no syscalls:* tracepoints (CONFIG_FTRACE_SYSCALLS)"};

  bool sched = has_raw_tp("sched_process_fork") && has_raw_tp("sched_process_exec") &&
               has_raw_tp("sched_process_exit");
  f.sched_tracepoints_ = {"sched_tracepoints", sched,
                          sched ? "tp_btf/sched_process_{fork,exec,exit}"
                                : "sched_process_* raw tracepoints missing: no fork/exec/exit"};
  btf__free(vmlinux);
  return f;
}

bool Features::tracepoint_available(const std::string& category, const std::string& name,
                                    bool need_btf) const {
  if (!tracepoint_exists(category, name)) return false;
  if (!need_btf) return true;
  struct btf* vmlinux = btf__load_vmlinux_btf();
  bool found = vmlinux && btf__find_by_name_kind(vmlinux, ("btf_trace_" + name).c_str(),
                                                 BTF_KIND_TYPEDEF) > 0;
  btf__free(vmlinux);
  return found;
}

std::vector<Feature> Features::all() const {
  return {bpf_allowed_,         btf_,           ringbuf_,           task_storage_,
          fault_tracepoints_,   perf_fault_events_, syscall_tracepoints_, sched_tracepoints_};
}

std::string Features::report() const {
  std::string out;
  for (const auto& f : all()) {
    out += f.name + ": " + (f.available ? "yes" : "no") + " (" + f.detail + ")\n";
  }
  return out;
}

}  // namespace pagescope::live
