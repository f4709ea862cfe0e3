// Turns /proc files into ps_proc_file records: the snapshots that anchor a
// capture (a process's maps at attach and when first seen) and the sampled
// system context (vmstat, PSI, meminfo, the traced memory cgroup).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/monotonic_clock.h"

namespace pagescope::live {

using pagescope::monotonic_ns;

// Reads a whole file (procfs files report size 0, so read until EOF).
// Returns false if it cannot be opened.
bool read_text_file(const std::string& path, std::string& out);

// A ps_proc_file record (header + text) for `path`, or empty if unreadable
// (the process exited, or permission). ts is taken before reading.
std::vector<uint8_t> proc_file_record(uint32_t pid, uint32_t which, const std::string& path);

// Same, for text already in hand.
std::vector<uint8_t> proc_text_record(uint32_t pid, uint32_t which, uint64_t ts_ns,
                                      const std::string& text);

// The text stored for PS_PROC_MEMCG: "usage N\nlimit N\n" then memory.stat,
// for a v1 or v2 memory cgroup directory. Empty if unreadable.
std::string memcg_text(const std::string& cgroup_dir);

// Thread-group ids of every process now in /proc.
std::vector<uint32_t> all_pids();

}  // namespace pagescope::live
