// Per-interval rows of a capture: what faulting, reclaim, swap, TLB flushing
// and memory pressure looked like in each slice of time (`inspect --timeline`).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "events.h"
#include "inspector/model/interval_grid.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/source_notes.h"
#include "common/table.h"

namespace pagescope::model {

struct TimelineRow {
  uint64_t start_ns = 0;  // from the start of the capture
  uint64_t minor_faults = 0;
  uint64_t major_faults = 0;
  uint64_t swap_outs = 0;          // pages; see TimelineBuilder
  uint64_t file_writebacks = 0;    // reclaim writes of file pages
  uint64_t reclaim_scanned = 0;    // inactive-list passes (kswapd + traced reclaimers)
  uint64_t reclaim_reclaimed = 0;
  double direct_stall_ms = 0;      // direct reclaim of traced tasks
  double memcg_stall_ms = 0;       // reclaim forced by a memory cgroup limit
  uint64_t kswapd_wakes = 0;
  std::array<uint64_t, 5> tlb_flushes{};  // by enum ps_tlb_reason
  double psi_some_ms = 0;          // /proc/pressure/memory total deltas (system-wide)
  double psi_full_ms = 0;
  uint64_t oom_kills = 0;
  // With a pid only: distinct pages it faulted in the interval (a lower
  // bound of its working set then), and its major faults on pages it had
  // faulted before in the capture (refaults: swap-ins, file pages dropped).
  uint64_t pages = 0;
  uint64_t refaults = 0;
};

// Fed records in time order. With a pid, faults, reclaim stalls and TLB
// flushes count only that process, and swap-outs are the increases of its
// swap-entry count (ps_swap_ents); without one, swap-outs are reclaim's anon
// writes (ps_write_folio), which equal /proc/vmstat pswpout. Reclaim passes by
// kswapd, PSI and OOM kills are system-wide either way.
class TimelineBuilder : public RecordVisitor<TimelineBuilder> {
 public:
  // Rows are the intervals of IntervalGrid(zero_ns, interval_ns), as every
  // other view of the capture cuts them (capture_time_zero gives zero_ns).
  TimelineBuilder(uint64_t zero_ns, uint64_t interval_ns, std::optional<uint32_t> pid);
  void add(const ps_header& record) { visit(record); }
  // The rows in time order. Memory follows the records, not the clock: only
  // intervals that saw a record are stored, so one record stamped far in the
  // future (a corrupt capture) costs one row, not 2^40 of them (issue 17.12).
  // Empty intervals between them are filled in as zero rows while the whole
  // span is at most kMaxDenseRows intervals; beyond that only the intervals
  // with records are rows, and TIME shows the jumps.
  const std::vector<TimelineRow>& rows() const;
  static constexpr uint64_t kMaxDenseRows = 100'000;
  // One row per interval, in the three output forms.
  Table table() const;
  // The same, with "-" (null, empty) for every column whose event source the
  // capture did not have, and those sources noted as shown.
  Table table(SourceNotes& notes) const;

  // Thrashing (with a pid): the process pages what it already had, fast and
  // mostly, while its working set does not fit what it may have or memory
  // stalls the machine. An interval is flagged when its refaults are at
  // least kThrashRefaultsPerSecond and at least half its faults, and either
  // its pages exceed kThrashFitShare of the memory it can have (the memory
  // cgroup's limit, else RAM) or PSI full covers kThrashPsiShare of it.
  static constexpr double kThrashRefaultsPerSecond = 100;
  static constexpr double kThrashFitShare = 0.9;
  static constexpr double kThrashPsiShare = 0.1;
  bool thrashing(const TimelineRow& row) const;
  // The memory the process can have, as the capture says (0: unknown).
  uint64_t memory_it_can_have() const;

 private:
  friend class RecordVisitor<TimelineBuilder>;
  void on_fault(const ps_fault& f);
  void on_write_folio(const ps_write_folio& w);
  void on_swap_ents(const ps_swap_ents& s);
  void on_lru_shrink(const ps_lru_shrink& l);
  void on_reclaim(const ps_reclaim& r);
  void on_tlb_flush(const ps_tlb_flush& t);
  void on_oom_victim(const ps_oom_victim& o);
  void on_proc_file(const ps_proc_file& f, std::string_view text);
  bool ours(const ps_header& h) const { return !pid_ || h.pid == *pid_; }
  TimelineRow& row_at(uint64_t ts_ns);

  IntervalGrid grid_;
  std::optional<uint32_t> pid_;
  std::map<uint64_t, TimelineRow> sparse_;  // interval index -> row, intervals with records only
  uint64_t last_index_ = 0;                 // the row the previous record went to (records come in time order)
  TimelineRow* last_row_ = nullptr;
  mutable std::vector<TimelineRow> rows_;   // rows(), built from sparse_ when asked
  mutable bool rows_stale_ = true;
  std::optional<std::pair<uint64_t, uint64_t>> last_psi_us_;  // some, full totals
  int64_t last_swap_pages_ = -1;
  // With a pid: each page it faulted -> the interval of its last fault.
  std::unordered_map<uint64_t, uint64_t> page_row_;
  uint64_t memcg_limit_bytes_ = 0;  // the traced cgroup's, largest seen
  uint64_t ram_bytes_ = 0;          // MemTotal
};

}  // namespace pagescope::model
