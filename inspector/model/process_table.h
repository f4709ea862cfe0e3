// Per-process summary of a record stream: who ran, for how long, and what
// their page faults and memory syscalls were. A pid reused after its process
// exited starts a new entry, so entries are processes, not pids.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "events.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/fault_counts.h"

namespace pagescope::model {

// Indexed by kind - PS_EV_MMAP (mmap, munmap, mprotect, mremap, brk, madvise, shmat, shmdt).
inline constexpr int kMmSyscallKinds = PS_EV_SHMDT - PS_EV_MMAP + 1;
const char* mm_syscall_name(uint16_t kind);

struct SyscallCounts {
  std::array<uint64_t, kMmSyscallKinds> calls{};
  std::array<uint64_t, kMmSyscallKinds> failures{};
  uint64_t total_calls() const;
  uint64_t total_failures() const;
};

struct ProcessInfo {
  uint32_t pid = 0;
  uint32_t ppid = 0;            // 0: unknown (process was running before the capture)
  std::string comm;             // last known
  std::string exe;              // last exec'd filename, if an exec was seen
  uint64_t first_ts_ns = 0;
  uint64_t last_ts_ns = 0;
  bool forked_in_capture = false;  // its fork was recorded: the capture saw its whole life
  bool target = false;          // named by the user (record -- cmd, or -p)
  bool exited = false;
  int32_t exit_code = 0;
  uint32_t execs = 0;
  uint32_t threads_seen = 0;
  uint32_t threads_exited = 0;
  FaultCounts faults;
  SyscallCounts syscalls;
  // Sums of the per-thread counters the kernel reported at each thread's exit:
  // its own accounting, to compare with `faults` (only exited threads count).
  uint64_t exit_min_flt = 0;
  uint64_t exit_maj_flt = 0;
};

struct CaptureTotals {
  uint64_t records = 0;
  std::array<uint64_t, PS_EV_KIND_MAX> by_kind{};
  uint64_t first_ts_ns = 0;
  uint64_t last_ts_ns = 0;
  uint64_t lost_events = 0;     // records the kernel could not hand over
  uint64_t other_records = 0;   // kinds not summarised per process (reclaim, TLB, ... or newer)
};

class ProcessTable : private RecordVisitor<ProcessTable> {
 public:
  void apply(const ps_header& record);
  using RecordVisitor::malformed_records;

  // In order of first appearance.
  const std::vector<ProcessInfo>& processes() const { return processes_; }
  // The latest process with this pid, or nullptr.
  const ProcessInfo* find(uint32_t pid) const;
  const CaptureTotals& totals() const { return totals_; }

 private:
  friend class RecordVisitor<ProcessTable>;
  void on_fault(const ps_fault& f);
  void on_mm_syscall(const ps_mm_syscall& s);
  void on_fork(const ps_fork& f);
  void on_exec(const ps_exec& e);
  void on_exit(const ps_exit& e);
  void on_proc_file(const ps_proc_file& f, std::string_view text);
  void on_lost(const ps_lost& l);
  void on_target(const ps_target& t);
  void on_other(const ps_header&) { ++totals_.other_records; }

  ProcessInfo& process_for(uint32_t pid, uint64_t ts);
  ProcessInfo& start_process(uint32_t pid, uint64_t ts);
  void note_thread(ProcessInfo& p, size_t index, uint32_t tid);
  void apply_status_text(ProcessInfo& p, std::string_view text);

  std::vector<ProcessInfo> processes_;
  std::unordered_map<uint32_t, size_t> current_;     // pid -> index of its latest entry
  std::vector<std::unordered_set<uint32_t>> tids_;   // parallel to processes_
  // The last process looked up and the threads last noted: most records
  // repeat them, and skip the hash lookups.
  uint32_t last_pid_ = 0;
  size_t last_index_ = SIZE_MAX;
  std::pair<size_t, uint32_t> recent_tids_[4] = {{SIZE_MAX, 0}, {SIZE_MAX, 0}, {SIZE_MAX, 0}, {SIZE_MAX, 0}};
  unsigned recent_next_ = 0;
  CaptureTotals totals_;
  uint64_t lost_sum_ = 0;
  uint64_t lost_total_max_ = 0;
};

}  // namespace pagescope::model
