#include "inspector/model/resident_pages.h"

#include <algorithm>

#include "inspector/model/access_bits.h"

namespace pagescope::model {

void ResidentPages::apply(const ps_header& h) {
  if (h.pid == pid_) visit(h);
}

void ResidentPages::on_access_bits(const AccessBitsView& v) {
  const uint64_t ts = v.record->hdr.ts_ns;
  if (ts != building_ts_) {
    building_.clear();
    building_ts_ = ts;
  }
  Range r;
  r.start = v.record->start;
  r.pages = v.record->pages;
  r.page_shift = v.record->page_shift;
  r.present.assign(v.present, v.present + v.words());
  building_.push_back(std::move(r));
}

void ResidentPages::on_access_interval(const ps_access_interval& iv) {
  // The interval record closes the set; one with no bits: nothing present.
  const uint64_t ts = iv.hdr.ts_ns;
  if (ts != building_ts_) building_.clear();
  last_.swap(building_);
  building_.clear();
  building_ts_ = 0;
  std::sort(last_.begin(), last_.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  last_ts_ = ts;
}

void ResidentPages::on_exec(const ps_exec&) {
  last_.clear();
  building_.clear();
}

std::optional<uint64_t> ResidentPages::present_in(uint64_t start, uint64_t end) const {
  if (!sampled()) return std::nullopt;
  uint64_t pages = 0;
  for (const Range& r : last_) {
    const uint64_t size = uint64_t(1) << r.page_shift;
    const uint64_t r_end = r.start + uint64_t(r.pages) * size;
    if (r_end <= start || r.start >= end) continue;
    for (uint32_t i = 0; i < r.pages; ++i) {
      const uint64_t a = r.start + i * size;
      if (a + size <= start || a >= end) continue;
      if (!((r.present[i / 64] >> (i % 64)) & 1)) continue;
      // A huge page counts the 4 KiB pages of it inside [start, end).
      pages += (std::min(a + size, end) - std::max(a, start)) >> 12;
    }
  }
  return pages;
}

}  // namespace pagescope::model
