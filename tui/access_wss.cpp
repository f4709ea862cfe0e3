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
  if (h.size < sizeof h || h.size > size) return;
  // Records handed over by the sampler need not be 8-byte aligned: copy.
  aligned_.resize((h.size + 7) / 8);
  std::memcpy(aligned_.data(), data, h.size);
  visit(*reinterpret_cast<const ps_header*>(aligned_.data()));
}

void AccessWss::on_access_interval(const ps_access_interval& iv) {
  const uint32_t pid = iv.hdr.pid;
  auto& pages = pending_[pid];
  std::sort(pages.begin(), pages.end());
  pages.erase(std::unique(pages.begin(), pages.end()), pages.end());
  last_[pid] = std::move(pages);
  pending_.erase(pid);
}

void AccessWss::on_access_bits(const model::AccessBitsView& v) {
  auto& pages = pending_[v.record->hdr.pid];
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
