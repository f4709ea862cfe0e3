// Where the kernel's direct map of physical memory starts (page_offset_base),
// found without kallsyms or BTF: a cookie in a locked page of our own, its
// physical address from /proc/self/pagemap, and a probe that reads candidate
// bases upward from the lowest possible one until the cookie shows.
#pragma once

#include <cstdint>
#include <functional>

#include "common/result.h"

namespace pagescope::live {

// Five paging levels in use: the kernel keeps the CPU flag "la57" only when it
// enabled them (CONFIG_X86_5LEVEL kernels fall back to four without it).
bool five_level_paging();

// The candidate bases, 1 GiB apart (KASLR places the direct map on a PUD
// boundary at or above the lowest of them). Below the real base nothing is
// mapped, so an upward scan that stops at the first match reads nothing else.
struct DirectMapRange {
  uint64_t first;
  uint64_t last;
};
DirectMapRange direct_map_candidates(bool la57);

// Reads 8 bytes at candidate + phys for each candidate in [first, last] and
// returns the first where they equal cookie_a ^ cookie_b, or 0.
using DirectMapProbe = std::function<Result<uint64_t>(uint64_t phys, uint64_t cookie_a,
                                                      uint64_t cookie_b, uint64_t first,
                                                      uint64_t last)>;

// Finds the base with `probe`, then confirms it with a second, fresh cookie
// read at that base alone (a stale copy of the first cookie elsewhere in
// memory cannot match twice). Errors name what is missing (root for pagemap).
Result<uint64_t> find_direct_map_base(const DirectMapProbe& probe, bool la57);

}  // namespace pagescope::live
