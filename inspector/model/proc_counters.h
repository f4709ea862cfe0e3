// Cumulative counters of the system and of each process at one instant, as
// /proc shows them, and the parsers of that /proc text. One model for every
// source: the live /proc reader, the BPF tally and a capture's snapshots
// (PS_EV_PROC_FILE holds the same text) fill these, and views derive rates
// from two of them, so a source never has to know the refresh interval.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pagescope::model {

struct SystemCounters {
  uint64_t mem_total_kb = 0;
  uint64_t mem_available_kb = 0;
  uint64_t swap_total_kb = 0;
  uint64_t swap_free_kb = 0;
  // /proc/vmstat, cumulative pages or events.
  uint64_t pswpin = 0;
  uint64_t pswpout = 0;
  uint64_t pgscan_kswapd = 0;
  uint64_t pgscan_direct = 0;
  uint64_t pgsteal_kswapd = 0;
  uint64_t pgsteal_direct = 0;
  uint64_t allocstall = 0;  // sum of allocstall_* (direct-reclaim entries)
  uint64_t pgfault = 0;
  uint64_t pgmajfault = 0;
  // PSI memory: averages are already rates (percent of wall time stalled).
  double psi_some_avg10 = 0;
  double psi_full_avg10 = 0;
  bool psi_available = false;
  // TLB flushes by reason. Without BPF only the x86 "TLB shootdowns" IPI
  // count of /proc/interrupts (summed over CPUs) is visible; a BPF source
  // fills the per-reason counts of the tlb_flush tracepoint.
  struct TlbReason {
    std::string reason;
    uint64_t count = 0;
  };
  std::vector<TlbReason> tlb;
};

struct ProcessCounters {
  int32_t pid = 0;
  std::string comm;
  uint64_t min_flt = 0;  // /proc/PID/stat field 10
  uint64_t maj_flt = 0;  // field 12
  uint64_t rss_kb = 0;   // /proc/PID/statm resident * page size
  uint64_t swap_kb = 0;  // /proc/PID/status VmSwap
  // Filled only by sources that can see them (BPF): empty means "unknown",
  // which the table shows as "-" rather than a misleading zero.
  std::optional<uint64_t> wss_kb;
  std::optional<uint64_t> tlb_flushes;       // cumulative
  std::optional<uint64_t> reclaim_stall_ns;  // cumulative direct-reclaim time
  // Gross swap traffic in pages, cumulative (BPF: swap-entry count changes).
  // Empty: the rates come from VmSwap changes (net, a proxy).
  std::optional<uint64_t> swap_in_pages;
  std::optional<uint64_t> swap_out_pages;
};

struct Snapshot {
  uint64_t ts_ns = 0;  // CLOCK_MONOTONIC
  SystemCounters system;
  std::vector<ProcessCounters> processes;  // sorted by pid
};

// Parsers: pure functions over the text of one /proc file.
struct StatFields {
  std::string comm;
  uint64_t min_flt = 0;
  uint64_t maj_flt = 0;
};
// /proc/PID/stat. comm may contain spaces and ')' so fields are counted from
// the LAST ')' (proc(5)).
std::optional<StatFields> parse_pid_stat(std::string_view text);
// /proc/PID/statm: the second field, resident pages.
std::optional<uint64_t> parse_statm_resident_pages(std::string_view text);
// "VmSwap:     123 kB" in /proc/PID/status; nullopt for kernel threads (no Vm* lines).
std::optional<uint64_t> parse_status_vmswap_kb(std::string_view text);

void parse_meminfo(std::string_view text, SystemCounters& out);
void parse_vmstat(std::string_view text, SystemCounters& out);
void parse_psi_memory(std::string_view text, SystemCounters& out);
// The "TLB:" row of /proc/interrupts summed over CPUs; nullopt when absent
// (not x86).
std::optional<uint64_t> parse_interrupts_tlb(std::string_view text);

// "Key:   123 kB" in /proc/PID/status (VmRSS, VmSwap, ...): the number, in kB.
std::optional<uint64_t> parse_status_kb(std::string_view text, std::string_view key);

}  // namespace pagescope::model
