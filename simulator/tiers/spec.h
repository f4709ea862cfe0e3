// The --tier list: "none,zswap:lz4:20%,zram:zstd:1G".
//   none                      evicted pages go to swap
//   zswap[:COMPRESSOR[:PCT%]] compressed pool in RAM in front of swap; PCT of memory at most (default 20%)
//   zram[:COMPRESSOR[:SIZE[:uncharged]]]  compressed swap device of SIZE (uncompressed; default half
//                             the memory); "uncharged": its RAM is not taken from the memory budget, as
//                             under a memory cgroup limit (zram's zsmalloc pages are not charged to the
//                             cgroup whose pages it stores; zswap's are)
// COMPRESSOR is lz4 (default), zstd, or lzo when liblzo2 was found at build time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::sim::tiers {

enum class TierKind { kNone, kZswap, kZram };

struct TierSpec {
  std::string text;              // as given, for tables
  TierKind kind = TierKind::kNone;
  std::string compressor;        // empty for none
  double pool_percent = 20;      // zswap
  uint64_t capacity_bytes = 0;   // zram; 0 = half the memory
  bool charged = true;           // zram: false = its RAM is outside the memory budget
};

Result<std::vector<TierSpec>> parse_tier_list(const std::string& list);

}  // namespace pagescope::sim::tiers
