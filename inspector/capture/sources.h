// Which event sources a capture had on, and why each missing one was off.
// Stored in the capture header (host fact kTagSources, format 1.3) so every
// reader can tell "none happened" from "none could be seen": a count is only
// printed as measured when the source that makes it was on.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagescope::capture {

// One per kind of kernel evidence pagescope can record. Stable names (see
// source_name) are what the header stores; the order here is display order.
enum class Source : uint8_t {
  kFaults,            // PS_EV_FAULT at all
  kFaultKinds,        // minor/major per fault (perf software fault events)
  kFaultErrorCodes,   // read/write/exec, not-present/protection (exceptions tracepoints)
  kMmSyscalls,        // mmap munmap mprotect mremap brk madvise shmat shmdt
  kProcessLifecycle,  // fork exec exit
  kReclaim,           // kswapd wake/sleep, direct and memcg reclaim begin/end
  kLruShrink,         // inactive-LRU passes
  kReclaimWrites,     // folios written by reclaim: swap-outs (anon) and writeback (file)
  kSwapEntries,       // per-process swap-entry counts
  kTlbFlushes,
  kOom,               // OOM-kill victims
  kSignals,           // SIGSEGV/SIGBUS with their address (format 1.5)
  kCompaction,        // compaction begin/end and direct-compaction attempts (format 1.5)
  kExtfrag,           // migrate-type fallbacks by order, counted in the kernel (format 1.5)
  kPageAllocs,        // page allocations by order, counted in the kernel (format 1.5)
  kMapsSnapshots,     // /proc/PID/maps and status at start, fork and exec
  kSystemCounters,    // /proc/vmstat, meminfo, PSI, memcg files
  kBuddyinfo,         // /proc/buddyinfo and pagetypeinfo with the system counters (format 1.5)
  kSlabinfo,          // /proc/slabinfo with the system counters (format 1.5)
  kAccessBits,        // page-table accessed/dirty samples (--access-interval)
  kPageContents,      // compressibility samples (--sample-contents)
  kCount
};
inline constexpr size_t kSourceCount = static_cast<size_t>(Source::kCount);

enum class SourceState : uint8_t {
  kUnknown,       // the capture does not say (written before format 1.3)
  kOn,
  kUnavailable,   // wanted, but the kernel or the host refused it
  kNotRequested,  // optional and not asked for
};

struct SourceStatus {
  SourceState state = SourceState::kUnknown;
  std::string detail;  // the mechanism when on, the reason when off
};

const char* source_name(Source s);         // "reclaim_writes"
const char* source_what(Source s);         // "reclaim writes (swap-outs)": what a reader misses
std::optional<Source> source_from_name(const std::string& name);
const char* state_name(SourceState s);     // "on", "unavailable", "not requested", "unknown"

// The source whose records have this ps_header kind; nullopt for the
// recorder's own bookkeeping records (lost, target) that always exist.
std::optional<Source> source_of_kind(int kind);

class SourceSet {
 public:
  void set(Source s, SourceState state, std::string detail);
  const SourceStatus& status(Source s) const { return status_[static_cast<size_t>(s)]; }
  SourceState state(Source s) const { return status(s).state; }
  // True when the source was on, or when the capture does not say (older
  // captures recorded every source the kernel offered, without a flag).
  bool maybe_on(Source s) const {
    return state(s) == SourceState::kOn || state(s) == SourceState::kUnknown;
  }
  // True when at least one source has a known state.
  bool known() const;

  // "no reclaim writes (swap-outs): vmscan:mm_vmscan_write_folio unavailable: REASON",
  // or nullopt when the source was on or its state is unknown. Not-requested
  // optional sources give a note too ("not requested: --access-interval").
  std::optional<std::string> missing_note(Source s) const;
  // missing_note for every source that was unavailable (not the unrequested ones).
  std::vector<std::string> unavailable_notes() const;

  // The header's text form: one "name<TAB>state<TAB>detail" line per known source.
  std::string encode() const;
  // Unknown names and states are skipped (a newer writer's sources).
  static SourceSet decode(const std::string& text);
  // Best effort for captures written before format 1.3: their feature report
  // ("syscall_tracepoints: no (...)", "attached: pressure: ...; missing: ...").
  static SourceSet from_legacy_features(const std::string& features);

 private:
  std::array<SourceStatus, kSourceCount> status_{};
};

}  // namespace pagescope::capture
