// zram (Documentation/admin-guide/blockdev/zram.rst) used as the only swap
// device: a compressed block device in RAM with no disk behind it.
//  - Capacity is the device's disksize, counted in uncompressed pages; the RAM
//    it uses is the compressed size (zsmalloc classes; incompressible pages are
//    stored whole) and comes out of the same memory budget.
//  - "uncharged": the RAM is outside the budget, as for a process under a
//    memory cgroup limit (zsmalloc allocates without __GFP_ACCOUNT).
//  - Same-filled pages take a slot but no RAM (ZRAM_SAME).
//  - A charged device cannot hold more RAM than the memory budget less the
//    one frame the faulting page needs; a store that would is a failed
//    swap-out like a full device (the kernel would be out of memory).
//  - When every slot is taken a swap-out fails: counted as the simulated OOM
//    (the kernel would have to kill something). The page is dropped so the run
//    can go on; a later fault on it is counted as lost.
#include <vector>

#include "simulator/tiers/tier.h"
#include "simulator/tiers/zsmalloc.h"

namespace pagescope::sim::tiers {

namespace {

enum : uint8_t { kOut = 0, kInDevice = 1, kLostPage = 2 };

class Zram final : public Tier {
 public:
  explicit Zram(const TierConfig& c)
      : sizes_(*c.sizes),
        capacity_(c.capacity_pages),
        ram_limit_(c.charged && c.memory_frames > 1 ? (c.memory_frames - 1) * 4096 : UINT64_MAX),
        where_(c.pages, kOut) {
    charged_ = c.charged && !c.reserved;
  }

  void store(PageId page) override {
    const uint32_t ram = sizes_[page] ? zsmalloc_bytes(sizes_[page]) : 0;
    if (stored_pages_ >= capacity_ || pool_bytes_ + ram > ram_limit_) {
      ++stats_.failed_swapouts;
      where_[page] = kLostPage;
      return;
    }
    const uint32_t size = sizes_[page];
    ++stats_.stores;
    ++stored_pages_;
    where_[page] = kInDevice;
    if (size == 0) {
      ++stats_.same_filled;
    } else {
      if (size >= 4096) ++stats_.incompressible; else ++stats_.compressions;
      pool_bytes_ += zsmalloc_bytes(size);
    }
    grew();
  }

  Source load(PageId page) override {
    const uint8_t w = where_[page];
    where_[page] = kOut;
    if (w == kInDevice) {
      ++stats_.pool_loads;
      --stored_pages_;
      if (sizes_[page] == 0) ++stats_.pool_loads_same; else pool_bytes_ -= zsmalloc_bytes(sizes_[page]);
      return Source::kPool;
    }
    ++stats_.lost_loads;
    return Source::kLost;
  }

 private:
  const std::vector<uint16_t>& sizes_;
  const uint64_t capacity_;
  const uint64_t ram_limit_;  // bytes of RAM a charged device may hold
  std::vector<uint8_t> where_;
};

}  // namespace

std::unique_ptr<Tier> make_zram(const TierConfig& c) { return std::make_unique<Zram>(c); }

}  // namespace pagescope::sim::tiers
