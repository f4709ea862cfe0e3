// Loads pagescope's BPF object, attaches what the kernel supports, and drains
// the ring buffer. The only class that talks to libbpf.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/capture/sources.h"
#include "inspector/live/features.h"

struct pagescope_bpf;
struct ps_order_counts;
struct ring_buffer;
struct bpf_link;

namespace pagescope::live {

struct TracerOptions {
  bool trace_all = false;              // every process except the recorder
  std::vector<uint32_t> pids;          // thread-group ids to trace (and their future children)
  size_t ring_bytes = 64u << 20;       // ring buffer size, a power of two
  size_t wakeup_bytes = 1u << 20;      // queued bytes that wake the reader early
};

class Tracer {
 public:
  using RecordFn = std::function<void(const void* data, size_t size)>;

  // Opens, configures, loads and attaches. Areas the kernel lacks are left
  // out and named in attach_report(); it fails only when nothing useful loads.
  static Result<std::unique_ptr<Tracer>> start(const TracerOptions& options,
                                               const Features& features);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Adds a thread-group id to the traced set (before releasing a child).
  Status add_pid(uint32_t tgid);
  // Waits up to timeout_ms for data, then hands every queued record to fn.
  // Returns the number of records consumed.
  Result<int> poll(int timeout_ms, const RecordFn& fn);
  // Records the kernel could not reserve, summed over CPUs, since start.
  uint64_t lost_total() const;
  // The in-kernel per-order counters (page allocations, migrate-type
  // fallbacks) summed over CPUs since start, as a ps_order_counts record
  // (header filled but for ts and cpu). False when neither source attached.
  bool order_counts(ps_order_counts& out) const;
  // One line per area: what attached and how, or why not.
  const std::vector<std::string>& attach_report() const { return report_; }
  // The kernel sources: on with their mechanism, or unavailable with the reason.
  const capture::SourceSet& sources() const { return sources_; }
  // True when faults come from the kernel's fault accounting (minor/major known).
  bool faults_accounted() const { return faults_accounted_; }

 private:
  Tracer() = default;
  static int on_sample(void* ctx, void* data, size_t size);

  pagescope_bpf* skel_ = nullptr;
  ring_buffer* ring_ = nullptr;
  std::vector<bpf_link*> links_;
  std::vector<int> perf_fds_;
  std::vector<std::string> report_;
  capture::SourceSet sources_;
  const RecordFn* current_fn_ = nullptr;
  int consumed_ = 0;
  bool faults_accounted_ = false;
};

}  // namespace pagescope::live
