// One fold from records to cumulative counters, per process and for the
// system. The live BPF tally of `top` and the frames of `tui FILE` both read
// their numbers here, so a fix to how a record counts reaches both:
// faults (minor/major), gross swap traffic from swap-entry counts, reclaim
// stall time, TLB flushes (per process and by reason), RSS and swap from
// status snapshots, and the system's /proc/vmstat, meminfo and PSI snapshots.
// Views derive rates from two readings (tui/frame.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "events.h"
#include "inspector/model/proc_counters.h"
#include "inspector/model/record_visitor.h"

namespace pagescope::model {

class CounterFold : public RecordVisitor<CounterFold> {
 public:
  struct PidCounts {
    uint64_t min_flt = 0;
    uint64_t maj_flt = 0;
    uint64_t swap_in_pages = 0;   // swap-entry count went down (swap-ins, and swapped pages freed)
    uint64_t swap_out_pages = 0;  // swap-entry count went up
    int64_t swap_ents = -1;       // last count seen; -1 = none yet
    uint64_t stall_ns = 0;        // direct and memcg reclaim, in the allocating task
    bool stalled = false;         // a reclaim-end record was seen
    uint64_t tlb_flushes = 0;
    std::optional<uint64_t> rss_kb;   // the last status snapshot (VmRSS)
    std::optional<uint64_t> swap_kb;  // VmSwap
  };

  const PidCounts* find(uint32_t pid) const;
  // Fills the counters of `p` (found by p.pid) that this fold measured:
  // faults, rss/swap from status snapshots, and, when the fold saw any, swap
  // traffic, stall time and TLB flushes.
  void fill(ProcessCounters& p) const;
  // /proc/vmstat, meminfo and PSI from the system snapshots (PS_PROC_*, pid 0).
  const SystemCounters& system() const { return system_; }
  // TLB flushes by enum ps_tlb_reason (the last counts everything else).
  const std::array<uint64_t, 5>& tlb_by_reason() const { return tlb_by_reason_; }
  // Whether any TLB-flush or reclaim record was seen (captures that do not say which sources they had).
  bool pressure_records() const { return pressure_records_; }
  // The traced memory cgroup's limit in bytes (the largest seen; 0: none recorded or "max").
  uint64_t memcg_limit_bytes() const { return memcg_limit_bytes_; }
  // Processes whose whole group exited since the last call.
  std::vector<uint32_t> take_exited() { return std::exchange(exited_, {}); }
  // Drops a process's counters (it exited; its pid may be reused).
  void forget(uint32_t pid) { pids_.erase(pid); }

  void on_fault(const ps_fault& f);
  void on_swap_ents(const ps_swap_ents& s);
  void on_reclaim(const ps_reclaim& r);
  void on_tlb_flush(const ps_tlb_flush& t);
  void on_exit(const ps_exit& e);
  void on_proc_file(const ps_proc_file& f, std::string_view text);

 private:
  PidCounts& at(uint32_t pid) { return pids_[pid]; }

  std::unordered_map<uint32_t, PidCounts> pids_;
  SystemCounters system_;
  std::array<uint64_t, 5> tlb_by_reason_{};
  bool pressure_records_ = false;
  uint64_t memcg_limit_bytes_ = 0;
  std::vector<uint32_t> exited_;
};

// "switch", "remote", ... for enum ps_tlb_reason.
const char* tlb_reason_name(uint32_t reason);

}  // namespace pagescope::model
