// What the running kernel lets pagescope do, probed once at start (not
// inferred from the version). Each answer carries the reason when it is "no".
#pragma once

#include <string>
#include <vector>

namespace pagescope::live {

struct Feature {
  std::string name;
  bool available = false;
  std::string detail;  // why not, or which mechanism
};

class Features {
 public:
  // Probes BPF permissions, BTF, ring buffers, task storage, the tracepoints
  // pagescope attaches to and the perf software fault events.
  static Features probe();

  bool bpf_allowed() const { return bpf_allowed_.available; }
  bool btf() const { return btf_.available; }
  bool ringbuf() const { return ringbuf_.available; }
  bool task_storage() const { return task_storage_.available; }
  bool fault_tracepoints() const { return fault_tracepoints_.available; }
  bool perf_fault_events() const { return perf_fault_events_.available; }
  bool syscall_tracepoints() const { return syscall_tracepoints_.available; }
  bool sched_tracepoints() const { return sched_tracepoints_.available; }

  // Whether category:name exists in tracefs (and, for tp_btf use, in BTF).
  bool tracepoint_available(const std::string& category, const std::string& name,
                            bool need_btf) const;

  std::vector<Feature> all() const;
  // One "name: yes|no (detail)" line per feature, for the capture and for -v.
  std::string report() const;

 private:
  Feature bpf_allowed_{"bpf"};
  Feature btf_{"btf"};
  Feature ringbuf_{"ringbuf"};
  Feature task_storage_{"task_storage"};
  Feature fault_tracepoints_{"fault_tracepoints"};
  Feature perf_fault_events_{"perf_fault_events"};
  Feature syscall_tracepoints_{"syscall_tracepoints"};
  Feature sched_tracepoints_{"sched_tracepoints"};
};

}  // namespace pagescope::live
