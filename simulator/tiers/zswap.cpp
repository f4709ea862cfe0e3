// zswap (mm/zswap.c, Documentation/admin-guide/mm/zswap.rst): a compressed
// cache in RAM in front of swap.
//  - The pool may hold at most max_pool_percent of memory (kernel default 20).
//  - Same-filled pages are kept as an entry without pool space (the
//    same_filled_pages feature; newer kernels keep only zero pages this way).
//  - Pages whose compressed size is above the threshold are rejected: they go
//    to swap as they are (storing them would save nothing).
//  - When a store would overflow the pool, the oldest entries are written back
//    to swap until it fits (the zswap LRU / shrinker).
//  - Loads are exclusive: a faulting page leaves the pool.
#include <algorithm>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/tiers/tier.h"
#include "simulator/tiers/zsmalloc.h"

namespace pagescope::sim::tiers {

namespace {

enum : uint8_t { kOut = 0, kInPool = 1, kInSwap = 2 };

// max_pool_percent of memory; with the pool's RAM reserved up front it must
// also leave the policy one frame (a 100% pool would otherwise take them all).
uint64_t pool_limit(const TierConfig& c) {
  const uint64_t pct = uint64_t(double(c.memory_frames) * 4096.0 * c.pool_percent / 100.0);
  if (!c.reserved || c.memory_frames < 1) return pct;
  return std::min<uint64_t>(pct, (c.memory_frames - 1) * 4096);
}

class Zswap final : public Tier {
 public:
  explicit Zswap(const TierConfig& c)
      : sizes_(*c.sizes),
        limit_bytes_(pool_limit(c)),
        reject_above_(c.reject_above),
        where_(c.pages, kOut),
        links_(c.pages),
        lru_(links_) {
    charged_ = !c.reserved;
  }

  void store(PageId page) override {
    const uint32_t size = sizes_[page];
    if (size == 0) {
      ++stats_.stores;
      ++stats_.same_filled;
      ++stored_pages_;
      where_[page] = kInPool;
      grew();
      return;
    }
    if (size >= kModelPageBytes) ++stats_.incompressible; else ++stats_.compressions;
    const uint64_t bytes = zsmalloc_bytes(size);
    if (size > reject_above_ || bytes > limit_bytes_) {
      ++stats_.rejects;
      to_swap(page);
      return;
    }
    while (pool_bytes_ + bytes > limit_bytes_ && !lru_.empty()) {
      PageId old = lru_.tail();
      remove_from_pool(old);
      ++stats_.writebacks;
      to_swap(old);
    }
    ++stats_.stores;
    ++stored_pages_;
    pool_bytes_ += bytes;
    where_[page] = kInPool;
    lru_.push_head(page);
    grew();
  }

  Source load(PageId page) override {
    if (where_[page] == kInPool) {
      ++stats_.pool_loads;
      if (sizes_[page] == 0) {
        ++stats_.pool_loads_same;
        --stored_pages_;
      } else {
        remove_from_pool(page);
      }
      where_[page] = kOut;
      return Source::kPool;
    }
    where_[page] = kOut;
    ++stats_.swap_loads;
    return Source::kSwap;
  }

 private:
  static constexpr uint32_t kModelPageBytes = 4096;

  void remove_from_pool(PageId page) {
    lru_.unlink(page);
    pool_bytes_ -= zsmalloc_bytes(sizes_[page]);
    --stored_pages_;
  }
  void to_swap(PageId page) {
    ++stats_.swap_outs;
    where_[page] = kInSwap;
  }

  const std::vector<uint16_t>& sizes_;
  const uint64_t limit_bytes_;
  const uint32_t reject_above_;
  std::vector<uint8_t> where_;
  PageLinks links_;
  PageList lru_;  // head newest, tail oldest: the write-back order
};

}  // namespace

std::unique_ptr<Tier> make_zswap(const TierConfig& c) { return std::make_unique<Zswap>(c); }

}  // namespace pagescope::sim::tiers
