// The live BPF source's records: counted by model::CounterFold (the fold a
// capture's frames use: faults, gross swap traffic, direct-reclaim stall
// time, TLB flushes), laid over /proc snapshots; and the fault addresses of
// one watched process (the detail screen's heat), kept here.
// Plain C++ over bpf/events.h records, so it is tested without a kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "inspector/model/counter_fold.h"
#include "inspector/model/record_visitor.h"
#include "tui/address_scale.h"
#include "tui/frame.h"

namespace pagescope::tui {

class EventTally : private model::RecordVisitor<EventTally> {
 public:
  using PidCounts = model::CounterFold::PidCounts;

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

  const PidCounts* find(int32_t pid) const { return fold_.find(uint32_t(pid)); }
  uint64_t records() const { return records_; }
  // Forget processes that exited at least this many applies ago (bounded memory).
  void forget_exited();

 private:
  friend class model::RecordVisitor<EventTally>;
  void on_fault(const ps_fault& f);  // the watched process's addresses

  model::CounterFold fold_;
  std::vector<uint32_t> exited_older_;  // exited before the last forget_exited(): safe to drop now
  std::vector<uint64_t> aligned_;       // the record being read, 8-byte aligned
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


}  // namespace pagescope::tui
