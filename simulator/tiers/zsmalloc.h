// The allocator under zswap and zram, modelled simply: zsmalloc hands out
// objects from size classes 16 bytes apart (ZS_SIZE_CLASS_DELTA = PAGE_SIZE >>
// CLASS_BITS = 4096 >> 8), the smallest being 32 bytes; objects at or above the
// "huge" class size take a whole page (zram stores them uncompressed). The real
// huge threshold depends on the kernel config (zs_huge_class_size(), 3264 on
// x86-64 with 4 KiB pages); the packing of objects into multi-page zspages and
// its fragmentation are not modelled.
#pragma once

#include <cstdint>

namespace pagescope::sim::tiers {

inline constexpr uint32_t kZsClassDelta = 16;
inline constexpr uint32_t kZsMinClass = 32;
inline constexpr uint32_t kZsHugeClass = 3264;

// Bytes of pool a compressed object of `size` bytes (1..4096) occupies.
inline uint32_t zsmalloc_bytes(uint32_t size) {
  if (size >= kZsHugeClass) return 4096;
  uint32_t rounded = (size + kZsClassDelta - 1) / kZsClassDelta * kZsClassDelta;
  return rounded < kZsMinClass ? kZsMinClass : rounded;
}

}  // namespace pagescope::sim::tiers
