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

// Calls fn(i) for each entry i whose accessed bit is set, in order: a scan of
// the set bits, not a test per entry (most pages of a big mapping are idle).
template <typename Fn>
void for_each_accessed(const AccessBitsView& v, Fn&& fn) {
  for (uint32_t word = 0; word < v.words(); ++word) {
    for (uint64_t bits = v.accessed[word]; bits != 0; bits &= bits - 1) {
      const uint32_t i = word * 64 + uint32_t(__builtin_ctzll(bits));
      if (i >= v.record->pages) return;
      fn(i);
    }
  }
}

// Calls fn(page) with the 4 KiB page number (address >> 12) of every small
// page an accessed entry covers (all 512 of an accessed 2 MiB entry).
template <typename Fn>
void for_each_accessed_page(const AccessBitsView& v, Fn&& fn) {
  const uint64_t per = v.small_pages_per_entry();
  const uint64_t first = v.record->start >> 12;
  for_each_accessed(v, [&](uint32_t i) {
    for (uint64_t j = 0; j < per; ++j) fn(first + uint64_t(i) * per + j);
  });
}

}  // namespace pagescope::model
