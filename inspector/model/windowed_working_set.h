// Denning's working set W(t, tau), page-exact where the capture allows it,
// computed in one streaming pass: the pages referenced in each window
// (origin + k tau, origin + (k+1) tau] of each process, from two sources:
//
//   faults       every fault is a reference, but a page used while present
//                never faults: on its own a LOWER BOUND;
//   access bits  `record --access-interval`: the PTE accessed bit of every
//                mapped page, cleared at an interval's start and read at its
//                end (ps_access_bits). A set bit is a reference somewhere in
//                the interval; it is placed at the interval's end.
//
// With both, a window's pages are faults ∪ accessed bits: exact when tau is a
// multiple of the access interval (and the windows line up with it), else
// each interval's pages land in the window holding its end.
//
// Memory: one small entry per distinct page of each live process (freed at
// exit) plus a few counters per window; nothing per event.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "events.h"
#include "inspector/model/page_map.h"
#include "inspector/model/record_visitor.h"

namespace pagescope::model {

class SpaceTracker;

// The sources of a page's references within one window.
inline constexpr uint8_t kWssFromFaults = 1;
inline constexpr uint8_t kWssFromAccessBits = 2;

struct WssWindow {
  size_t index = 0;          // k: the window (origin + k tau, origin + (k+1) tau]
  uint64_t pages = 0;        // distinct 4 KiB pages referenced (faults ∪ accessed bits)
  uint64_t fault_pages = 0;  // distinct pages that faulted
  uint64_t bit_pages = 0;    // distinct pages whose accessed bit was set
  uint32_t access_intervals = 0;  // access-bit intervals of the process that ended in the window
  uint32_t incomplete_intervals = 0;  // of those, truncated or partially read
};

// "faults" (a lower bound), "faults+access-bits" or "faults+access-bits(incomplete)".
const char* wss_source_name(const WssWindow& w);

struct SystemWssWindow {
  size_t index = 0;          // k, as in WssWindow
  uint64_t end_ns = 0;
  uint32_t processes = 0;    // processes with a reference in the window
  uint32_t sampled = 0;      // of those, with an access-bit interval in the window
  uint64_t pages = 0;        // summed over processes (a page shared by two counts twice)
  uint64_t fault_pages = 0;
  uint64_t bit_pages = 0;
};

// Several window lengths at once: one page-table lookup per reference serves
// every tau (the lookups, cache misses on big processes, are the cost).
class WindowedWorkingSet : private RecordVisitor<WindowedWorkingSet> {
 public:
  static constexpr size_t kMaxTaus = 4;

  // `taus_ns`: 1 to kMaxTaus window lengths (more are ignored). `pid` 0:
  // every process (for the system total); else only that one, and then per
  // mapping too, which needs `tracker` (fed each record first) to say which
  // mapping a page belongs to. `origin_ns` 0: the first record's time.
  WindowedWorkingSet(std::vector<uint64_t> taus_ns, uint64_t origin_ns, uint32_t pid = 0,
                     const SpaceTracker* tracker = nullptr);
  ~WindowedWorkingSet();
  WindowedWorkingSet(WindowedWorkingSet&&) noexcept;

  void apply(const ps_header& record);
  using RecordVisitor::malformed_records;

  size_t tau_count() const { return taus_.size(); }
  uint64_t tau(size_t t = 0) const { return taus_[t]; }
  uint64_t origin() const { return origin_; }
  // Window k of tau t covers (origin + k tau, origin + (k+1) tau].
  uint64_t window_end(size_t t, size_t k) const { return origin_ + (k + 1) * taus_[t]; }
  size_t window_of(size_t t, uint64_t ts_ns) const;

  // One process's windows of tau t that saw a reference or an access
  // interval, by index (a process costs nothing in the windows before it started).
  const std::vector<WssWindow>& windows(uint32_t pid, size_t t = 0) const;
  // Per mapping lineage (SpaceTracker ids) of the selected pid: mapping_key -> counts.
  const std::unordered_map<uint64_t, WssWindow>& mapping_windows(size_t t = 0) const {
    return by_mapping_[t];
  }
  static uint64_t mapping_key(uint32_t mapping, size_t k) { return (uint64_t(mapping) << 32) | k; }
  // Sum over processes for tau t: the windows where some process had a
  // reference or an access interval, by index (sparse: a record stamped far in
  // the future costs one window, issue 17.12).
  std::vector<SystemWssWindow> system(size_t t = 0) const;
  std::vector<uint32_t> pids() const;
  // Longest access interval seen (a tau shorter than it cannot be page-exact).
  uint64_t longest_access_interval() const { return longest_interval_; }
  // Bytes held now (page tables of live processes and window counters).
  size_t memory_bytes() const;
  size_t pages_tracked() const;

 private:
  struct PageState {
    uint32_t window[kMaxTaus] = {};  // k + 1 of the window last referenced in; 0: never
    uint8_t sources[kMaxTaus] = {};  // kWssFrom* seen in that window
  };
  struct Process {
    BasicPageMap<PageState> pages;
    std::vector<WssWindow> windows[kMaxTaus];
    // The piece of the address space last looked up (cleared on layout changes).
    uint64_t piece_start = 1, piece_end = 0;
    uint32_t piece_mapping = 0;
  };

  friend class RecordVisitor<WindowedWorkingSet>;
  bool ours(const ps_header& h) const { return pid_ == 0 || h.pid == pid_; }
  void on_lost(const ps_lost&) { forget_pieces(); }
  void on_fork(const ps_fork& f);
  void on_fault(const ps_fault& f);
  void on_access_bits(const AccessBitsView& v);
  void on_access_interval(const ps_access_interval& iv);
  void on_exec(const ps_exec& e);
  void on_exit(const ps_exit& e);
  // Any change of layout (memory syscalls, a maps snapshot) drops the cached piece.
  void on_other(const ps_header& h);
  // A record too short to read may still have changed the layout: drop the cache.
  void on_malformed(const ps_header& h, const char*);
  void forget_pieces();

  Process& process(uint32_t pid);
  WssWindow& window(Process& p, size_t t, size_t k);
  void reference(Process& p, uint64_t page, uint64_t ts, uint8_t source, uint32_t mapping);
  uint32_t mapping_at(Process& p, uint32_t pid, uint64_t page);

  std::vector<uint64_t> taus_;
  uint64_t origin_;
  uint32_t pid_;
  const SpaceTracker* tracker_;
  std::unordered_map<uint32_t, std::unique_ptr<Process>> processes_;
  uint32_t last_pid_ = 0;
  Process* last_ = nullptr;
  std::unordered_map<uint64_t, WssWindow> by_mapping_[kMaxTaus];
  uint64_t longest_interval_ = 0;
};

}  // namespace pagescope::model
