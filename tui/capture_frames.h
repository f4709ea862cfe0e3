// Turns a capture's record stream into the explorer's frames: raw events are
// folded into cumulative counters by model::CounterFold (the fold `top`'s BPF
// tally uses: faults, swap traffic, stalls, TLB flushes per process; the
// system from its /proc snapshots, RSS and swap from status snapshots), a
// Snapshot is cut at every interval boundary of model::IntervalGrid (the rows
// of `inspect --timeline`), and make_frame() derives the rates exactly as the
// live view does. Derived on read: nothing new is stored.
// WSS per frame, for processes recorded with --access-interval: the distinct
// 4 KiB pages faulted or seen accessed in the frame (an access interval counts
// in the frame where it ends). TLB flushes and reclaim stalls per process come
// from the pressure records (format 1.1+), zero for a process that had none
// when the capture recorded them, unknown ("-") when its header says their
// source was off (or, for captures that do not say, when it has none at all).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "events.h"
#include "inspector/model/counter_fold.h"
#include "inspector/model/interval_grid.h"
#include "inspector/model/process_table.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/space_tracker.h"
#include "tui/address_scale.h"
#include "tui/frame.h"

namespace pagescope::tui {

class CaptureFrameBuilder : private model::RecordVisitor<CaptureFrameBuilder> {
 public:
  // Frames are the intervals of model::IntervalGrid from the capture's time
  // zero (model::capture_time_zero of `header_start_ns` and the first
  // record), the rows of `inspect --timeline`.
  explicit CaptureFrameBuilder(uint64_t interval_ns, uint64_t header_start_ns = 0)
      : grid_(0, interval_ns), header_start_ns_(header_start_ns) {}
  // Which event sources the capture had (its header); before the first record.
  void set_sources(const model::SourceNotes& sources) { sources_ = sources; }
  // Records in file order.
  void apply(const ps_header& record);
  // Cuts the last (partial) interval and returns every frame.
  std::vector<Frame> finish();
  // The traced memory cgroup's limit in bytes (the largest seen; 0: none recorded or "max").
  uint64_t memcg_limit_bytes() const { return fold_.memcg_limit_bytes(); }
  // Whether any process has access samples (record --access-interval).
  bool has_access_samples() const { return !access_sampled_.empty(); }

 private:
  friend class model::RecordVisitor<CaptureFrameBuilder>;
  // Which processes are alive and their pages this frame; counting is fold_'s.
  void on_fault(const ps_fault& f);
  void on_access_bits(const model::AccessBitsView& v);
  void on_tlb_flush(const ps_tlb_flush& t);
  void on_reclaim(const ps_reclaim& r);
  void on_access_interval(const ps_access_interval& iv);
  void on_fork(const ps_fork& f);
  void on_proc_file(const ps_proc_file& f, std::string_view text);
  void on_lost(const ps_lost&) {}
  void on_other(const ps_header& h);  // any record of a process shows it is alive
  ProcessCounters& process(int32_t pid);

  void cut_until(uint64_t ts_ns);
  Snapshot snapshot_at(uint64_t ts_ns) const;

  model::IntervalGrid grid_;  // its zero is set by the first record
  uint64_t header_start_ns_;
  bool started_ = false;  // the first record set the grid's zero
  uint64_t next_cut_ = 0;
  uint64_t last_ts_ = 0;
  bool since_cut_ = false;  // records after the last cut
  model::ProcessTable table_;  // comm of each pid, as the model knows it
  model::CounterFold fold_;    // the counters
  std::map<int32_t, ProcessCounters> processes_;  // alive, by pid (pid and comm; counters come from fold_)
  std::unordered_map<int32_t, std::unordered_set<uint64_t>> frame_pages_;  // pages referenced this frame
  std::unordered_set<int32_t> access_sampled_;     // pids with access intervals: WSS is known
  model::SourceNotes sources_;
  Snapshot prev_;
  bool have_prev_ = false;
  bool vmstat_seen_ = false;
  std::vector<Frame> frames_;
};

// The detail screen of one process over a capture: its VMAs at each time (the
// model's address space: maps snapshots moved forward by the recorded memory
// syscalls) and its faults per page as heat spans, one column per interval,
// aligned with CaptureFrameBuilder's frames. With access samples, each page
// whose accessed bit was set in an interval adds one reference to the column
// where the interval ends, so pages used while resident show heat too.
class CaptureDetailBuilder : private model::RecordVisitor<CaptureDetailBuilder> {
 public:
  CaptureDetailBuilder(int32_t pid, uint64_t interval_ns, uint64_t header_start_ns = 0)
      : pid_(pid), grid_(0, interval_ns), header_start_ns_(header_start_ns) {}
  void apply(const ps_header& record);
  struct Column {
    uint64_t ts_ns;
    std::vector<VmaRow> vmas;
    std::vector<HeatSpan> spans;  // faults/s per page
  };
  std::vector<Column> finish();

 private:
  friend class model::RecordVisitor<CaptureDetailBuilder>;
  void on_fault(const ps_fault& f);
  void on_access_bits(const model::AccessBitsView& v);
  void on_proc_file(const ps_proc_file& f, std::string_view text);

  void cut_until(uint64_t ts_ns);
  std::vector<VmaRow> current_vmas() const;

  int32_t pid_;
  model::IntervalGrid grid_;  // the frames' grid
  uint64_t header_start_ns_;
  bool started_ = false;
  uint64_t column_start_ = 0;
  uint64_t next_cut_ = 0;
  uint64_t last_ts_ = 0;
  bool since_cut_ = false;
  std::vector<model::Vma> vmas_;  // the last maps snapshot: used if the model has no space for the pid
  model::SpaceTracker spaces_;
  std::unordered_map<uint64_t, uint32_t> page_faults_;  // page address -> faults this interval
  std::vector<Column> columns_;
};

}  // namespace pagescope::tui
