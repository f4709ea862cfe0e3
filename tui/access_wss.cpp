#include "tui/access_wss.h"

#include <algorithm>
#include <cstring>

#include "events.h"
#include "inspector/model/access_bits.h"

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
  if (h.kind != PS_EV_ACCESS_BITS || h.size > size) return;
  // Records handed over by the sampler need not be 8-byte aligned: copy.
  aligned_.resize((size + 7) / 8);
  std::memcpy(aligned_.data(), data, size);
  const model::AccessBitsView v = model::access_bits_view(*reinterpret_cast<const ps_header*>(aligned_.data()));
  if (!v.record) return;
  auto& pages = pending_[h.pid];
  model::for_each_accessed_page(v, [&](uint64_t page) { pages.push_back(page); });
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
