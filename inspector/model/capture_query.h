// One question asked of a capture file, answered in one pass over its
// records (`inspect`, `report`): which models the pass feeds, how records are
// decoded, and time zero, the one instant every table of the answer counts
// from: the header's start, or the first record when it is older
// (capture_time_zero). Records come in time order, so the first one settles
// it; the views that need it during the pass (timeline rows, the layout at
// --at) take it from there, and only if a later record turns out older (one
// the time orderer's window could not put first) is the file read a second
// time, for them alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/model/capture_replay.h"
#include "inspector/model/growth.h"
#include "inspector/model/locality.h"
#include "inspector/model/kernel_memory.h"
#include "inspector/model/process_table.h"
#include "inspector/model/resident_pages.h"
#include "inspector/model/sampled_working_set.h"
#include "inspector/model/space_tracker.h"
#include "inspector/model/system_memory.h"
#include "inspector/model/timeline.h"
#include "inspector/model/windowed_working_set.h"
#include "inspector/model/working_set.h"

namespace pagescope::model {

// What is wanted besides the per-process summary, which every query gets.
// What is not asked for costs nothing in the pass.
struct QuerySpec {
  // 0: every process. Else that process's address space is followed too
  // (layouts, fault attribution and the mapping lineages --vmas prints, with
  // its resident pages), and the timeline and working sets are of it alone.
  uint32_t pid = 0;
  // With a pid: follow its address space (tracker(), resident()). A timeline
  // alone does not read it; layouts and working sets follow it regardless.
  bool address_space = true;
  // Follow every process's address space (tracker()), as a pid does its own.
  bool every_space = false;
  // The pid's layout at `layout_at_ns` after time zero, or without it just
  // before the process exited (or at the end of the capture).
  bool layout = false;
  std::optional<uint64_t> layout_at_ns;
  // Working sets W(t, tau) for these windows (1 to WindowedWorkingSet::kMaxTaus;
  // empty: none), the /proc memory samples and, with a pid, its fault and
  // smaps samples.
  std::vector<uint64_t> wss_taus;
  // Rows of this length from time zero (none: no timeline).
  std::optional<uint64_t> timeline_interval_ns;
  // Growth sampled at the end of intervals of this length (growth.h): with a
  // pid per mapping lineage, else per process (its private anonymous memory;
  // the address spaces of every process are then followed).
  std::optional<uint64_t> growth_interval_ns;
  // Locality of faults (locality.h), distinct pages per interval of this
  // length: of the pid, else of every process.
  std::optional<uint64_t> locality_interval_ns;
  // Fragmentation and kernel memory (buddyinfo, compaction, per-order
  // counters, slabinfo, page tables): KernelMemory, system-wide.
  bool kernel_memory = false;
};

struct QueryHooks {
  // Every kProgressEvery records of the first pass, with the count so far.
  std::function<void(uint64_t records)> progress;
};

class CaptureQuery {
 public:
  static constexpr uint64_t kProgressEvery = uint64_t{1} << 20;

  // Reads `path` (its header, then its records) and answers `spec`. Errors
  // name the file: "run.psc: not a pagescope capture (bad magic)"; a layout
  // without a pid, or too many windows, is a kUsage error.
  static Result<CaptureQuery> run(const std::string& path, QuerySpec spec, const QueryHooks& hooks = {});

  CaptureQuery(CaptureQuery&&) noexcept;
  CaptureQuery& operator=(CaptureQuery&&) noexcept;
  ~CaptureQuery();

  const QuerySpec& spec() const;
  // Host, format, and the read report of the first pass (corrupt chunks
  // skipped, a tail cut short).
  const CaptureRun& capture() const;
  // When recording started, as every table of this capture prints times.
  uint64_t time_zero() const;
  // Passes over the records it took: 1, and one more for each view that
  // guessed time zero wrong.
  int passes() const;

  const ProcessTable& processes() const;
  const CaptureTotals& totals() const { return processes().totals(); }
  // The pid's address space over the whole capture (empty without a pid).
  const SpaceTracker& tracker() const;
  const ResidentPages& resident() const;
  // What the layout is read from: the model as it was at the cut-off, or
  // tracker() and resident() when nothing came after it.
  const SpaceTracker& layout_tracker() const;
  const ResidentPages& layout_resident() const;
  // With wss_taus: the working sets (else nullptr), the memory samples and
  // (with a pid) the samplers; empty otherwise.
  const WindowedWorkingSet* wss() const;
  const SystemMemory& memory() const;
  const FaultSampler& fault_sampler() const;
  const SmapsSampler& smaps() const;
  // With timeline_interval_ns: rows cut from time_zero() (else nullptr).
  const TimelineBuilder* timeline() const;
  // With growth_interval_ns: the samples, finished at the last record (else
  // nullptr). Its grid starts at time zero as the first record settles it;
  // a record older than the first, past the time orderer's window, moves
  // time zero after the pass, and the samples are not cut again.
  const GrowthTracker* growth() const;
  // With locality_interval_ns: one row per process (else empty); the grid as
  // for growth().
  const std::vector<LocalityStats>& locality() const;
  // With kernel_memory (else nullptr).
  const KernelMemory* kernel_memory() const;

 private:
  struct Parts;
  explicit CaptureQuery(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> p_;  // on the heap: the working set points at the tracker
};

}  // namespace pagescope::model
