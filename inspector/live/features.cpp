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
    // Every raw tracepoint the kernel offers tp_btf programs, once.
    const std::string prefix = "btf_trace_";
    for (uint32_t id = 1, n = btf__type_cnt(vmlinux); id < n; ++id) {
      const struct btf_type* t = btf__type_by_id(vmlinux, id);
      if (!btf_is_typedef(t)) continue;
      const char* name = btf__name_by_offset(vmlinux, t->name_off);
      if (name && std::strncmp(name, prefix.c_str(), prefix.size()) == 0) {
        f.raw_tracepoints_.insert(name + prefix.size());
      }
    }
  } else {
    f.btf_ = {"btf", false, "no kernel BTF (/sys/kernel/btf/vmlinux): CO-RE programs cannot load"};
  }

  if (f.bpf_allowed()) {
    f.ringbuf_ = {"ringbuf", libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) == 1,
                  "BPF ring buffer (kernel 5.8+)"};
    f.task_storage_ = {"task_storage",
                       libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, nullptr) == 1,
                       "per-task stash for syscall arguments and fault error codes (5.11+)"};
  } else {
    f.ringbuf_.detail = f.task_storage_.detail = "bpf() not allowed";
  }

  int pfd = perf_open_fault_event(PERF_COUNT_SW_PAGE_FAULTS_MIN);
  if (pfd >= 0) {
    close(pfd);
    f.perf_fault_events_ = {"perf_fault_events", true,
                            "software events page-faults-min/maj, period 1: minor/major per fault"};
  } else {
    f.perf_fault_events_ = {"perf_fault_events", false,
                            std::string("perf_event_open(page-faults): ") + strerror(errno)};
  }
  btf__free(vmlinux);
  return f;
}

std::vector<Feature> Features::requirements() const {
  return {bpf_allowed_, btf_, ringbuf_, task_storage_};
}

std::string Features::report() const {
  std::string out;
  auto features = requirements();
  features.push_back(perf_fault_events_);
  for (const auto& f : features) {
    out += f.name + ": " + (f.available ? "yes" : "no") + " (" + f.detail + ")\n";
  }
  return out;
}

}  // namespace pagescope::live
