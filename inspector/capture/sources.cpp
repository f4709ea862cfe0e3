#include "inspector/capture/sources.h"

#include <sstream>

#include "events.h"

namespace pagescope::capture {
namespace {

struct SourceInfo {
  const char* name;
  const char* what;
};

constexpr std::array<SourceInfo, kSourceCount> kInfo = {{
    {"faults", "page-fault records"},
    {"fault_kinds", "minor/major per fault"},
    {"fault_error_codes", "fault error codes (read/write/exec)"},
    {"mm_syscalls", "memory-syscall records (mmap, munmap, mprotect, mremap, brk, madvise)"},
    {"process_lifecycle", "fork/exec/exit records"},
    {"reclaim", "reclaim records (kswapd, direct and memcg reclaim)"},
    {"lru_shrink", "LRU shrink records"},
    {"reclaim_writes", "reclaim writes (swap-outs and file writeback)"},
    {"swap_entries", "per-process swap-entry records"},
    {"tlb_flushes", "TLB-flush records"},
    {"oom", "OOM-kill records"},
    {"signals", "SIGSEGV/SIGBUS records"},
    {"compaction", "compaction records (begin/end, direct-compaction stalls)"},
    {"extfrag", "migrate-type fallback counts (mm_page_alloc_extfrag)"},
    {"page_allocs", "page allocations by order"},
    {"maps_snapshots", "/proc maps snapshots"},
    {"system_counters", "system counters (/proc/vmstat, meminfo, PSI)"},
    {"buddyinfo", "free blocks per order (/proc/buddyinfo, pagetypeinfo)"},
    {"slabinfo", "slab caches (/proc/slabinfo)"},
    {"access_bits", "accessed-bit samples"},
    {"page_contents", "page-content samples"},
}};

constexpr std::array<const char*, 4> kStateNames = {"unknown", "on", "unavailable", "not requested"};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

const char* source_name(Source s) { return kInfo[static_cast<size_t>(s)].name; }
const char* source_what(Source s) { return kInfo[static_cast<size_t>(s)].what; }
const char* state_name(SourceState s) { return kStateNames[static_cast<size_t>(s)]; }

std::optional<Source> source_from_name(const std::string& name) {
  for (size_t i = 0; i < kSourceCount; ++i) {
    if (name == kInfo[i].name) return static_cast<Source>(i);
  }
  return std::nullopt;
}

std::optional<Source> source_of_kind(int kind) {
  switch (kind) {
    case PS_EV_FAULT: return Source::kFaults;
    case PS_EV_MMAP:
    case PS_EV_MUNMAP:
    case PS_EV_MPROTECT:
    case PS_EV_MREMAP:
    case PS_EV_BRK:
    case PS_EV_MADVISE:
    case PS_EV_SHMAT:
    case PS_EV_SHMDT:
    case PS_EV_MMAP_FILE: return Source::kMmSyscalls;
    case PS_EV_FORK:
    case PS_EV_EXEC:
    case PS_EV_EXIT: return Source::kProcessLifecycle;
    case PS_EV_RECLAIM: return Source::kReclaim;
    case PS_EV_LRU_SHRINK: return Source::kLruShrink;
    case PS_EV_WRITE_FOLIO: return Source::kReclaimWrites;
    case PS_EV_SWAP_ENTS: return Source::kSwapEntries;
    case PS_EV_TLB_FLUSH: return Source::kTlbFlushes;
    case PS_EV_OOM_VICTIM: return Source::kOom;
    case PS_EV_SIGNAL: return Source::kSignals;
    case PS_EV_COMPACTION: return Source::kCompaction;
    case PS_EV_ACCESS_BITS:
    case PS_EV_ACCESS_INTERVAL: return Source::kAccessBits;
    case PS_EV_PAGE_CONTENT:
    case PS_EV_COMPRESS_CALIBRATION: return Source::kPageContents;
    default: return std::nullopt;  // proc files (maps or system), lost, target, order counts
  }
}

void SourceSet::set(Source s, SourceState state, std::string detail) {
  status_[static_cast<size_t>(s)] = {state, std::move(detail)};
}

bool SourceSet::known() const {
  for (const auto& st : status_) {
    if (st.state != SourceState::kUnknown) return true;
  }
  return false;
}

std::optional<std::string> SourceSet::missing_note(Source s) const {
  const auto& st = status(s);
  switch (st.state) {
    case SourceState::kUnavailable:
      return std::string("no ") + source_what(s) + ": " + st.detail;
    case SourceState::kNotRequested:
      return std::string("no ") + source_what(s) + ": not requested" +
             (st.detail.empty() ? "" : " (" + st.detail + ")");
    default: return std::nullopt;
  }
}

std::vector<std::string> SourceSet::unavailable_notes() const {
  std::vector<std::string> notes;
  for (size_t i = 0; i < kSourceCount; ++i) {
    if (status_[i].state == SourceState::kUnavailable) {
      notes.push_back(*missing_note(static_cast<Source>(i)));
    }
  }
  return notes;
}

std::string SourceSet::encode() const {
  std::string out;
  for (size_t i = 0; i < kSourceCount; ++i) {
    const auto& st = status_[i];
    if (st.state == SourceState::kUnknown) continue;
    std::string detail = st.detail;
    for (char& c : detail) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    out += std::string(kInfo[i].name) + "\t" + state_name(st.state) + "\t" + detail + "\n";
  }
  return out;
}

SourceSet SourceSet::decode(const std::string& text) {
  SourceSet set;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t t1 = line.find('\t');
    if (t1 == std::string::npos) continue;
    size_t t2 = line.find('\t', t1 + 1);
    auto source = source_from_name(line.substr(0, t1));
    std::string state = line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1);
    std::string detail = t2 == std::string::npos ? "" : line.substr(t2 + 1);
    if (!source) continue;
    for (size_t k = 1; k < kStateNames.size(); ++k) {
      if (state == kStateNames[k]) set.set(*source, static_cast<SourceState>(k), detail);
    }
  }
  return set;
}

SourceSet SourceSet::from_legacy_features(const std::string& features) {
  SourceSet set;
  const std::string suffix = " (as probed by a pagescope before format 1.3)";
  std::istringstream in(features);
  std::string line;
  // Feature probe lines of format 1.0-1.2: "name: yes|no (detail)".
  struct Probe {
    const char* feature;
    Source source;
  };
  const Probe probes[] = {{"fault_tracepoints", Source::kFaultErrorCodes},
                          {"perf_fault_events", Source::kFaultKinds},
                          {"syscall_tracepoints", Source::kMmSyscalls},
                          {"sched_tracepoints", Source::kProcessLifecycle}};
  // Pressure programs and their source, as named in "attached: pressure: ...; missing: ...".
  struct Pressure {
    const char* tracepoint;
    Source source;
  };
  const Pressure pressure[] = {
      {"vmscan:mm_vmscan_kswapd_wake", Source::kReclaim},
      {"vmscan:mm_vmscan_kswapd_sleep", Source::kReclaim},
      {"vmscan:mm_vmscan_direct_reclaim_begin", Source::kReclaim},
      {"vmscan:mm_vmscan_direct_reclaim_end", Source::kReclaim},
      {"vmscan:mm_vmscan_memcg_reclaim_begin", Source::kReclaim},
      {"vmscan:mm_vmscan_memcg_reclaim_end", Source::kReclaim},
      {"vmscan:mm_vmscan_lru_shrink_inactive", Source::kLruShrink},
      {"vmscan:mm_vmscan_write_folio", Source::kReclaimWrites},
      {"kmem:rss_stat", Source::kSwapEntries},
      {"tlb:tlb_flush", Source::kTlbFlushes},
      {"oom:mark_victim", Source::kOom}};
  while (std::getline(in, line)) {
    for (const auto& p : probes) {
      std::string head = std::string(p.feature) + ": ";
      if (line.rfind(head, 0) != 0) continue;
      bool yes = line.compare(head.size(), 3, "yes") == 0;
      size_t open = line.find('(');
      std::string detail = open == std::string::npos ? "" : trim(line.substr(open + 1));
      if (!detail.empty() && detail.back() == ')') detail.pop_back();
      set.set(p.source, yes ? SourceState::kOn : SourceState::kUnavailable,
              yes ? detail : detail + suffix);
    }
    const std::string pressure_head = "attached: pressure: ";
    if (line.rfind(pressure_head, 0) == 0) {
      size_t missing_at = line.find("missing:");
      std::string missing = missing_at == std::string::npos ? "" : line.substr(missing_at);
      for (const auto& p : pressure) {
        if (missing.find(p.tracepoint) != std::string::npos) {
          set.set(p.source, SourceState::kUnavailable,
                  std::string(p.tracepoint) + " was not found in tracefs" + suffix);
        } else if (set.state(p.source) == SourceState::kUnknown) {
          set.set(p.source, SourceState::kOn, p.tracepoint);
        }
      }
    }
  }
  if (set.state(Source::kFaultKinds) != SourceState::kUnknown ||
      set.state(Source::kFaultErrorCodes) != SourceState::kUnknown) {
    set.set(Source::kFaults, SourceState::kOn, "");
  }
  return set;
}

}  // namespace pagescope::capture
