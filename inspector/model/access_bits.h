// Typed access to a ps_access_bits record (record --access-interval, format
// 1.2): the three bitmaps that follow the fixed part, validated against the
// record's size so a truncated record reads as absent, not past its end.
#pragma once

#include <cstdint>

#include "events.h"

namespace pagescope::model {

struct AccessBitsView {
  const ps_access_bits* record = nullptr;
  const uint64_t* present = nullptr;   // words() words each
  const uint64_t* accessed = nullptr;
  const uint64_t* dirty = nullptr;

  uint32_t words() const { return (record->pages + 63) / 64; }
  static bool bit(const uint64_t* map, uint32_t i) { return (map[i / 64] >> (i % 64)) & 1; }
  // 4 KiB pages one bitmap entry stands for (512 for a 2 MiB mapping).
  uint64_t small_pages_per_entry() const {
    return record->page_shift > 12 ? 1ull << (record->page_shift - 12) : 1;
  }
};

// Empty (record == nullptr) when `h` is not a well-formed ps_access_bits.
inline AccessBitsView access_bits_view(const ps_header& h) {
  AccessBitsView v;
  if (h.kind != PS_EV_ACCESS_BITS || h.size < sizeof(ps_access_bits)) return v;
  const auto* r = reinterpret_cast<const ps_access_bits*>(&h);
  if (r->page_shift < 12 || r->page_shift > 30) return v;
  const uint64_t words = (uint64_t(r->pages) + 63) / 64;
  if (sizeof(ps_access_bits) + 3 * 8 * words > h.size) return v;
  const auto* maps = reinterpret_cast<const uint64_t*>(r + 1);
  v.record = r;
  v.present = maps;
  v.accessed = maps + words;
  v.dirty = maps + 2 * words;
  return v;
}

}  // namespace pagescope::model
