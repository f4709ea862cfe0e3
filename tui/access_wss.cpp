#include "tui/access_wss.h"

#include <algorithm>
#include <cstring>

#include "events.h"

namespace pagescope::tui {

void AccessWss::add(const void* data, size_t size) {
  ps_header h;
  if (size < sizeof h) return;
  std::memcpy(&h, data, sizeof h);
  if (h.kind == PS_EV_ACCESS_INTERVAL) {
    auto& pages = pending_[h.pid];
    std::sort(pages.begin(), pages.end());
    pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
    last_[h.pid] = std::move(pages);
    pending_.erase(h.pid);
    return;
  }
  if (h.kind != PS_EV_ACCESS_BITS || size < sizeof(ps_access_bits)) return;
  ps_access_bits r;
  std::memcpy(&r, data, sizeof r);
  if (r.page_shift < 12 || r.page_shift > 30) return;
  const size_t words = (size_t(r.pages) + 63) / 64;
  if (sizeof r + 3 * 8 * words > size) return;
  std::vector<uint64_t> accessed(words);
  std::memcpy(accessed.data(), static_cast<const char*>(data) + sizeof r + 8 * words, 8 * words);
  const uint64_t per_entry = 1ull << (r.page_shift - 12);
  auto& pages = pending_[h.pid];
  for (uint32_t i = 0; i < r.pages; ++i) {
    if (!((accessed[i / 64] >> (i % 64)) & 1)) continue;
    const uint64_t first = (r.start >> 12) + uint64_t(i) * per_entry;
    for (uint64_t k = 0; k < per_entry; ++k) pages.push_back(first + k);
  }
}

std::optional<uint64_t> AccessWss::wss_kb(uint32_t pid) const {
  auto it = last_.find(pid);
  if (it == last_.end()) return std::nullopt;
  return uint64_t(it->second.size()) * 4;
}

std::optional<uint64_t> AccessWss::wss_kb(uint32_t pid, uint64_t start, uint64_t end) const {
  auto it = last_.find(pid);
  if (it == last_.end()) return std::nullopt;
  const auto& pages = it->second;
  auto lo = std::lower_bound(pages.begin(), pages.end(), start >> 12);
  auto hi = std::lower_bound(pages.begin(), pages.end(), (end + 4095) >> 12);
  return uint64_t(hi - lo) * 4;
}

void AccessWss::forget(uint32_t pid) {
  pending_.erase(pid);
  last_.erase(pid);
}

}  // namespace pagescope::tui
