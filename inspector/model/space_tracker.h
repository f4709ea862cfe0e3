// Rebuilds every traced process's address space from a record stream and
// attributes each page fault to the VMA it hit.
//
// Sources of truth, in order: a /proc/PID/maps snapshot resets a process's
// space (and is compared with what the model had, to count drift); between
// snapshots, successful memory syscalls move it forward; fork copies it; exec
// empties it until the next snapshot. What the model could not see (a process
// first met mid-way, lost events, shmat of unknown size) marks the space
// uncertain until the next snapshot instead of guessing silently.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "events.h"
#include "inspector/model/address_space.h"
#include "inspector/model/fault_cause.h"
#include "inspector/model/fault_counts.h"
#include "inspector/model/signal_site.h"
#include "inspector/model/page_map.h"
#include "inspector/model/record_visitor.h"

namespace pagescope::model {

enum class VmaOp : uint8_t { kCreated, kProtected, kMoved, kResized, kUnmapped, kEnded, kResynced };
const char* vma_op_name(VmaOp op);

struct MappingChange {
  uint64_t ts_ns = 0;
  VmaOp op = VmaOp::kCreated;
  uint64_t start = 0;
  uint64_t end = 0;
  uint8_t perms = 0;
};

// One lineage: an mmap (or a VMA first seen in a snapshot, a heap, a forked
// copy) followed through its splits, mprotects and moves until unmapped.
struct MappingStats {
  uint32_t id = 0;
  uint32_t pid = 0;
  const char* origin = "";   // "mmap", "snapshot", "brk", "fork", "shmat"
  uint64_t created_ns = 0;
  uint64_t ended_ns = 0;     // 0: still mapped at the end of the stream
  Vma first;                 // as created
  FaultCounts faults;
  uint64_t pages_touched = 0;  // distinct pages that faulted
  uint64_t first_touch_ns = 0;
  uint64_t cow_faults = 0;
  FaultsByCause causes;
  std::vector<MappingChange> changes;
};

// Per-process fault totals by region kind; index kVmaKindCount = no VMA known.
using FaultsByKind = std::array<FaultCounts, kVmaKindCount + 1>;

inline constexpr size_t kMaxSignals = 10000;  // per process: a crash loop stays bounded

struct ProcessSpace {
  uint32_t pid = 0;
  AddressSpace space;
  PageMap pages;
  FaultsByKind faults_by_kind{};
  FaultsByCause causes;          // faults in a VMA by why they happened (fault_cause.h)
  std::vector<SignalEvent> signals;  // SIGSEGV/SIGBUS, where each landed (at most kMaxSignals kept)
  uint64_t signals_dropped = 0;      // past kMaxSignals
  uint64_t cow_faults = 0;       // write-protect faults on private writable memory after a fork
  uint64_t stack_growth = 0;     // faults below [stack] that grew it
  uint64_t deferred_faults = 0;  // attributed when the first snapshot came
  std::vector<ps_fault> pending; // faults before the first snapshot, no VMA known yet
  bool forked = false;           // a fork shares its pages copy-on-write since the last exec
  bool exited = false;
  uint64_t exited_ns = 0;
  uint32_t snapshots = 0;
  uint32_t snapshots_compared = 0;  // taken while the model was certain
  uint32_t snapshot_mismatches = 0; // ... and the model disagreed with the kernel
  std::string last_mismatch;
};

// One VMA of the current layout with the faults of the pages it holds now.
struct VmaUsage {
  Vma vma;
  uint64_t faults = 0;
  uint64_t pages_touched = 0;
  uint64_t first_touch_ns = 0;
};

class SpaceTracker : private RecordVisitor<SpaceTracker> {
 public:
  SpaceTracker() = default;
  SpaceTracker(SpaceTracker&&) noexcept = default;
  SpaceTracker& operator=(SpaceTracker&&) noexcept = default;
  // A deep copy, change observer included: `inspect --layout` forks the model
  // where its cut-off starts to differ from the end, instead of keeping a
  // second model in step over the whole capture.
  SpaceTracker clone() const;

  void apply(const ps_header& record);
  using RecordVisitor::malformed_records;

  const ProcessSpace* find(uint32_t pid) const;  // live, else the last dead one
  const std::vector<MappingStats>& mappings() const { return mappings_; }
  std::vector<VmaUsage> layout(uint32_t pid) const;
  uint64_t lost_events() const { return lost_; }

  // Called on every change to a lineage (for exports).
  using ChangeObserver = std::function<void(uint32_t pid, uint32_t mapping, const MappingChange&)>;
  void set_change_observer(ChangeObserver fn) { observer_ = std::move(fn); }

 private:
  ProcessSpace& space_for(uint32_t pid);
  uint32_t new_mapping(uint32_t pid, const char* origin, uint64_t ts, Vma& v);
  void note(uint32_t mapping, uint64_t ts, VmaOp op, uint64_t start, uint64_t end, uint8_t perms);
  std::vector<uint32_t> mappings_in(const ProcessSpace& ps, uint64_t start, uint64_t end) const;
  void end_orphans(const ProcessSpace& ps, const std::vector<uint32_t>& ids, uint64_t ts);
  void end_all(ProcessSpace& ps, uint64_t ts);
  friend class RecordVisitor<SpaceTracker>;
  void on_fault(const ps_fault& f);
  void on_signal(const ps_signal& s);
  void attribute(ProcessSpace& ps, const ps_fault& f, const Vma& v);
  void on_mm_syscall(const ps_mm_syscall& s);
  void on_fork(const ps_fork& f);
  void on_exec(const ps_exec& e);
  void on_exit(const ps_exit& e);
  void on_proc_file(const ps_proc_file& f, std::string_view text);
  void on_mmap_file(const ps_mmap_file& r);
  void on_lost(const ps_lost& l);
  void on_maps(ProcessSpace& ps, uint64_t ts, std::string_view text);
  // A lineage learns its file: its first piece takes the path and kind, and
  // its faults move from the old kind to the new one.
  void name_mapping(ProcessSpace& ps, uint32_t id, const Vma& named);

  std::unordered_map<uint32_t, std::unique_ptr<ProcessSpace>> live_;
  std::unordered_map<uint32_t, std::unique_ptr<ProcessSpace>> dead_;
  // The last live space looked up (faults come in runs per process); reset
  // whenever live_ loses an entry.
  uint32_t last_pid_ = 0;
  ProcessSpace* last_space_ = nullptr;
  std::vector<MappingStats> mappings_{1};  // id 0 = none
  uint64_t lost_ = 0;
  ChangeObserver observer_;
};

}  // namespace pagescope::model
