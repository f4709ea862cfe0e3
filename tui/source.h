// Where the explorer's numbers come from. Live (`top`): a Source sampled on a
// cadence; the /proc source is the first, a BPF-fed source (TLB flushes,
// per-fault heat, WSS) implements the same interface and the screens do not
// change. A capture (`tui FILE`): a ReplaySource with every frame prepared.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
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

// `pagescope tui FILE`: frames prepared from a capture, replayed under the
// same cursor. detail(pid) gives the detail screen its address space and heat
// spans over time (a column may have no VMAs).
struct ReplayDetail {
  std::vector<VmaRow> vmas;
  std::vector<HeatSpan> spans;
};
class ReplaySource {
 public:
  virtual ~ReplaySource() = default;
  virtual const SourceTraits& traits() const = 0;
  virtual const std::vector<Frame>& frames() const = 0;
  // Detail columns for one process: one per frame (same timestamps).
  virtual std::vector<std::pair<uint64_t, ReplayDetail>> detail(int32_t pid) = 0;
  // The capture file, for the replay screen's simulator runs (empty: none).
  virtual std::string capture_path() const { return {}; }
  // The memory the real run had, when the capture knows it (a memory cgroup limit); 0: unknown.
  virtual uint64_t memory_limit_bytes() const { return 0; }
};

}  // namespace pagescope::tui
