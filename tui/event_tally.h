// Per-process counters kept from the tracer's records, for the live BPF
// source: faults, gross swap traffic, direct-reclaim stall time, TLB flushes,
// and the fault addresses of one watched process (the detail screen's heat).
// Plain C++ over bpf/events.h records, so it is tested without a kernel.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "tui/address_scale.h"
#include "tui/counters.h"

namespace pagescope::tui {

class EventTally {
 public:
  struct PidCounts {
    uint64_t min_flt = 0;
    uint64_t maj_flt = 0;
    uint64_t swap_in_pages = 0;   // swap-entry count went down (swap-ins, and swapped pages freed)
    uint64_t swap_out_pages = 0;  // swap-entry count went up
    uint64_t stall_ns = 0;        // direct and memcg reclaim, in the allocating task
    uint64_t tlb_flushes = 0;
    int64_t swap_ents = -1;       // last count seen; -1 = none yet
  };

  // One ring-buffer record (any kind; unknown and short ones are ignored).
  void add(const void* data, size_t size);

  // Collect fault addresses of this process (0: none) from now on.
  void watch(int32_t pid);
  int32_t watched() const { return watched_; }
  // The watched process's faults since the last call, one span per 4 KiB page
  // weighted in faults per second over `seconds`; clears them.
  std::vector<HeatSpan> take_fault_spans(double seconds);

  // Fills the BPF-only fields of a /proc snapshot (processes sorted by pid):
  // faults (when `faults` is true: the tracer sees accounted faults),
  // gross swap traffic, stall time, TLB flushes per process and by reason.
  // `untraced` (the tracer's own process, which it leaves out) keeps its /proc faults.
  void apply(Snapshot& snap, bool faults, int32_t untraced = 0) const;

  const PidCounts* find(int32_t pid) const;
  uint64_t records() const { return records_; }
  // Forget processes that exited at least this many applies ago (bounded memory).
  void forget_exited();

 private:
  PidCounts& at(uint32_t pid) { return pids_[pid]; }

  std::unordered_map<uint32_t, PidCounts> pids_;
  std::vector<uint32_t> exited_;        // exited since the last forget_exited()
  std::vector<uint32_t> exited_older_;  // exited before that: safe to drop now
  std::array<uint64_t, 5> tlb_by_reason_{};
  void add_watched_fault(uint64_t page);
  void flush_run();

  int32_t watched_ = 0;
  // The watched process's faults. Storms touch pages in order, so runs of
  // consecutive pages faulted once each (or one page faulted n times) are
  // kept as one span: no hashing per fault. Past kMaxRuns spans per interval,
  // faults go to a per-page map instead (bounded by the pages touched).
  static constexpr size_t kMaxRuns = 1 << 16;
  uint64_t run_start_ = 0, run_end_ = 0;  // pages [start, end); empty when equal
  uint32_t run_count_ = 0;                // faults per page in the run
  std::vector<HeatSpan> runs_;            // weights in faults, not yet per second
  std::unordered_map<uint64_t, uint32_t> fault_pages_;  // page number -> faults
  uint64_t records_ = 0;
};

// "task switch", "remote shootdown", ... for enum ps_tlb_reason.
const char* tlb_reason_name(uint32_t reason);

}  // namespace pagescope::tui
