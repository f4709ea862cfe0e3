// What happens to a page the replacement policy evicts, and where a fault on
// it is served from. One tier per file (none.cpp, zswap.cpp, zram.cpp); the
// engine calls store() for every evicted page and load() for every fault on a
// page seen before, and shrinks the frames the policy may use by the RAM the
// tier holds (ram_frames()).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "simulator/trace.h"

namespace pagescope::sim::tiers {

// Where a faulting page was found.
enum class Source : uint8_t {
  kPool,  // the compressed pool in RAM (zswap) or the zram device
  kSwap,  // the swap device (disk)
  kLost,  // nowhere: its swap-out had failed (zram full)
};

struct TierStats {
  uint64_t stores = 0;            // evicted pages accepted into the compressed tier
  uint64_t same_filled = 0;       // of those, zero/same-filled pages (no pool space, no compression)
  uint64_t compressions = 0;      // compressor runs on compressible pages
  uint64_t incompressible = 0;    // compressor runs on pages that did not compress (size 4096)
  uint64_t rejects = 0;           // compressed worse than the threshold: written to swap instead
  uint64_t writebacks = 0;        // pool entries written to swap to make room (oldest first)
  uint64_t swap_outs = 0;         // pages written to the swap device, whatever the reason
  uint64_t failed_swapouts = 0;   // nowhere to put the page (zram full): the simulated OOM
  uint64_t pool_loads = 0;        // faults served from the compressed tier
  uint64_t pool_loads_same = 0;   // of those, same-filled pages (no decompression)
  uint64_t swap_loads = 0;        // faults served from swap
  uint64_t lost_loads = 0;        // faults on pages whose swap-out had failed
  uint64_t peak_pool_bytes = 0;   // RAM held by the tier at its largest
  uint64_t peak_saved_bytes = 0;  // largest (pages held x 4096 - RAM held): memory the tier gained
};

struct TierConfig {
  uint32_t pages = 0;                      // distinct pages (ids are < pages)
  uint64_t memory_frames = 0;              // the memory budget, in frames
  const std::vector<uint16_t>* sizes = nullptr;  // compressed bytes per page (page_sizes.h)
  double pool_percent = 20;                // zswap: max_pool_percent of memory
  uint32_t reject_above = 3263;            // zswap: compressed bytes above this go to swap
  uint64_t capacity_pages = 0;             // zram: disksize in pages (uncompressed)
  bool charged = true;                     // false: the tier's RAM is outside the memory budget
  // The tier's share of the budget is reserved up front (the policy was given
  // fewer frames); ram_frames() reports 0 so the engine never shrinks the
  // policy during the run. For policies that need a fixed capacity (ARC, LIRS).
  bool reserved = false;
};

class Tier {
 public:
  virtual ~Tier() = default;
  // The policy evicted `page`.
  virtual void store(PageId page) = 0;
  // `page` faulted and had been seen before; it leaves the tier (loads are exclusive).
  virtual Source load(PageId page) = 0;

  // Frames of the memory budget the tier's RAM occupies now.
  uint64_t ram_frames() const { return charged_ ? (pool_bytes_ + 4095) / 4096 : 0; }
  uint64_t pool_bytes() const { return pool_bytes_; }
  uint64_t stored_pages() const { return stored_pages_; }
  const TierStats& stats() const { return stats_; }

 protected:
  void grew() {
    if (pool_bytes_ > stats_.peak_pool_bytes) stats_.peak_pool_bytes = pool_bytes_;
    uint64_t held = stored_pages_ * 4096;
    if (held > pool_bytes_ && held - pool_bytes_ > stats_.peak_saved_bytes) stats_.peak_saved_bytes = held - pool_bytes_;
  }
  TierStats stats_;
  uint64_t pool_bytes_ = 0;   // in bytes of 4 KiB model pages
  uint64_t stored_pages_ = 0;
  bool charged_ = true;  // set by tiers whose RAM can sit outside the budget (zram uncharged)
};

std::unique_ptr<Tier> make_none(const TierConfig& c);
std::unique_ptr<Tier> make_zswap(const TierConfig& c);
std::unique_ptr<Tier> make_zram(const TierConfig& c);

}  // namespace pagescope::sim::tiers
