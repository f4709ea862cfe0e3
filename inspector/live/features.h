// What the running kernel lets pagescope do, probed once at start (not
// inferred from the version). Each answer carries the reason when it is "no".
//
// Nothing here looks at tracefs: every program attaches as tp_btf (the raw
// tracepoint, named in the kernel's BTF as btf_trace_NAME) or to a perf
// software event, neither of which needs /sys/kernel/tracing mounted.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

namespace pagescope::live {

struct Feature {
  std::string name;
  bool available = false;
  std::string detail;  // why not, or which mechanism
};

class Features {
 public:
  // Probes BPF permissions, BTF, ring buffers, task storage, the raw
  // tracepoints pagescope attaches to and the perf software fault events.
  static Features probe();

  bool bpf_allowed() const { return bpf_allowed_.available; }
  bool btf() const { return btf_.available; }
  bool ringbuf() const { return ringbuf_.available; }
  bool task_storage() const { return task_storage_.available; }
  bool perf_fault_events() const { return perf_fault_events_.available; }
  // Why perf_event_open of the software fault events failed ("" when it works).
  const std::string& perf_fault_events_detail() const { return perf_fault_events_.detail; }

  // Whether the kernel's BTF has the raw tracepoint NAME (btf_trace_NAME), so
  // a tp_btf program can attach to it.
  bool raw_tracepoint(const std::string& name) const { return raw_tracepoints_.count(name) > 0; }

  // The requirements without which nothing records: bpf, btf, ringbuf, task_storage.
  std::vector<Feature> requirements() const;
  // One "name: yes|no (detail)" line per requirement and the perf fault
  // events, stored in the capture for people to read.
  std::string report() const;

 private:
  Feature bpf_allowed_{"bpf"};
  Feature btf_{"btf"};
  Feature ringbuf_{"ringbuf"};
  Feature task_storage_{"task_storage"};
  Feature perf_fault_events_{"perf_fault_events"};
  std::unordered_set<std::string> raw_tracepoints_;
};

}  // namespace pagescope::live
