// Parsers for the /proc text the live view reads. Pure functions over text so
// they are tested with fixed strings, and so a capture's PS_EV_PROC_FILE
// snapshots (the same text) can go through the same code.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tui/counters.h"

namespace pagescope::tui {

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

}  // namespace pagescope::tui
