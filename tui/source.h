// Where the live view's numbers come from. The /proc source is the first; a
// BPF-fed source (TLB flushes, per-fault heat, WSS) implements the same
// interface and the screens do not change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "tui/address_scale.h"
#include "tui/frame.h"
#include "tui/vma_row.h"

namespace pagescope::tui {

// Which optional numbers a source fills, so the screens can label proxies.
struct SourceTraits {
  std::string name;                 // "/proc", "bpf", "capture"
  bool per_process_tlb = false;
  bool per_process_wss = false;
  bool per_process_reclaim_stall = false;
  bool per_fault_addresses = false;  // true: heat is faults; false: heat is RSS growth (proxy)
  bool heat_has_access_bits = false; // heat also counts pages seen accessed (captures with access samples)
  // A capture that says some event sources were off (model::SourceNotes
  // decides): the numbers they make are not measured, so their columns show
  // "-" for every process instead of 0, and one note per missing source says
  // why (on the line above the timeline and in the help).
  bool fault_rates_measured = true;  // MINFLT, MAJFLT: fault records with minor/major
  bool snapshots_measured = true;    // RSS, SWIN/SWOUT: /proc status snapshots
  bool system_measured = true;       // the header: /proc/vmstat, meminfo, PSI
  std::vector<std::string> missing_notes;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const SourceTraits& traits() const = 0;
  // Counters for the whole system and every process, now.
  virtual Result<Snapshot> sample() = 0;
  // The address space of one process; with_rss also reads smaps (costly, so
  // only for the process on the detail screen).
  virtual Result<std::vector<VmaRow>> vmas(int32_t pid, bool with_rss) = 0;

  // Event-fed sources (BPF) drain their buffer here; the loop calls it at
  // least every pump_interval_ms() (0: never needed).
  virtual void pump() {}
  virtual int pump_interval_ms() const { return 0; }
  // Sources with per_fault_addresses: collect fault addresses of this pid
  // (0: none) and hand over those since the last call, in faults/s.
  virtual void watch(int32_t) {}
  virtual std::vector<HeatSpan> take_fault_spans() { return {}; }
  // Something the user should know (records lost), once; empty if nothing.
  virtual std::string take_note() { return {}; }
};

}  // namespace pagescope::tui
