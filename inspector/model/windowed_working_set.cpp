#include "inspector/model/windowed_working_set.h"

#include <algorithm>
#include <map>

#include "inspector/model/access_bits.h"
#include "inspector/model/record_view.h"
#include "inspector/model/space_tracker.h"

namespace pagescope::model {

const char* wss_source_name(const WssWindow& w) {
  if (w.access_intervals == 0) return "faults";
  return w.incomplete_intervals ? "faults+access-bits(incomplete)" : "faults+access-bits";
}

WindowedWorkingSet::WindowedWorkingSet(std::vector<uint64_t> taus_ns, uint64_t origin_ns,
                                       uint32_t pid, const SpaceTracker* tracker)
    : taus_(std::move(taus_ns)), origin_(origin_ns), pid_(pid), tracker_(tracker) {
  if (taus_.size() > kMaxTaus) taus_.resize(kMaxTaus);
  if (taus_.empty()) taus_.push_back(1'000'000'000);
  for (uint64_t& t : taus_) t = t ? t : 1;
}
WindowedWorkingSet::~WindowedWorkingSet() = default;
WindowedWorkingSet::WindowedWorkingSet(WindowedWorkingSet&&) noexcept = default;

size_t WindowedWorkingSet::window_of(size_t t, uint64_t ts) const {
  return ts <= origin_ ? 0 : size_t((ts - origin_ - 1) / taus_[t]);
}

WindowedWorkingSet::Process& WindowedWorkingSet::process(uint32_t pid) {
  if (last_ && last_pid_ == pid) return *last_;
  auto& slot = processes_[pid];
  if (!slot) slot = std::make_unique<Process>();
  last_pid_ = pid;
  last_ = slot.get();
  return *slot;
}

WssWindow& WindowedWorkingSet::window(Process& p, size_t t, size_t k) {
  // Records come in time order, so k is almost always the last window or a new one.
  auto& ws = p.windows[t];
  if (!ws.empty() && ws.back().index == k) return ws.back();
  if (ws.empty() || ws.back().index < k) {
    ws.emplace_back().index = k;
    return ws.back();
  }
  auto it = std::lower_bound(ws.begin(), ws.end(), k,
                             [](const WssWindow& w, size_t key) { return w.index < key; });
  if (it == ws.end() || it->index != k) {
    it = ws.insert(it, WssWindow{});
    it->index = k;
  }
  return *it;
}

uint32_t WindowedWorkingSet::mapping_at(Process& p, uint32_t pid, uint64_t page) {
  if (!tracker_ || pid_ == 0) return 0;
  if (page >= p.piece_start && page < p.piece_end) return p.piece_mapping;
  const ProcessSpace* ps = tracker_->find(pid);
  const Vma* v = ps ? ps->space.find(page << 12) : nullptr;
  p.piece_mapping = v ? v->mapping : 0;
  p.piece_start = v ? v->start >> 12 : page;
  p.piece_end = v ? v->end >> 12 : page + 1;
  return p.piece_mapping;
}

void WindowedWorkingSet::reference(Process& p, uint64_t page, uint64_t ts, uint8_t source,
                                   uint32_t mapping) {
  bool inserted = false;
  PageState& s = p.pages.get(page, inserted);
  for (size_t t = 0; t < taus_.size(); ++t) {
    const size_t k = window_of(t, ts);
    const uint32_t stamp = uint32_t(k + 1);
    const bool new_page = s.window[t] != stamp;
    if (new_page) {
      s.window[t] = stamp;
      s.sources[t] = 0;
    }
    const bool new_source = !(s.sources[t] & source);
    if (!new_page && !new_source) continue;  // the common case: nothing to count
    s.sources[t] |= source;
    WssWindow& w = window(p, t, k);
    WssWindow* m = mapping != 0 && pid_ != 0 ? &by_mapping_[t][mapping_key(mapping, k)] : nullptr;
    if (new_page) {
      ++w.pages;
      if (m) ++m->pages;
    }
    if (new_source) {
      uint64_t WssWindow::*count = source == kWssFromFaults ? &WssWindow::fault_pages : &WssWindow::bit_pages;
      ++(w.*count);
      if (m) ++(m->*count);
    }
  }
}

void WindowedWorkingSet::apply(const ps_header& h) {
  if (origin_ == 0 && h.ts_ns != 0) origin_ = h.ts_ns;
  visit(h);
}

void WindowedWorkingSet::forget_pieces() {
  for (auto& [pid, p] : processes_) p->piece_end = 0;
}

inline void WindowedWorkingSet::on_other(const ps_header& h) {
  if (!ours(h)) return;
  if (auto it = processes_.find(h.pid); it != processes_.end()) it->second->piece_end = 0;
}

void WindowedWorkingSet::on_malformed(const ps_header& h, const char*) {
  if (h.kind == PS_EV_LOST) forget_pieces();
  else on_other(h);
}

inline void WindowedWorkingSet::on_fork(const ps_fork& f) {
  const ps_header& h = f.hdr;
  if (pid_ == 0) {
    // A reused pid's child starts with no cached piece.
    if (auto it = processes_.find(f.child_pid); it != processes_.end()) it->second->piece_end = 0;
  }
  if (!ours(h)) {
    if (f.child_pid == pid_ && last_) last_->piece_end = 0;
    return;
  }
  on_other(h);
}

inline void WindowedWorkingSet::on_fault(const ps_fault& f) {
  const ps_header& h = f.hdr;
  if (!ours(h)) return;
  Process& p = process(h.pid);
  const uint64_t page = f.address >> 12;
  reference(p, page, h.ts_ns, kWssFromFaults, mapping_at(p, h.pid, page));
}

inline void WindowedWorkingSet::on_access_bits(const AccessBitsView& v) {
  const ps_header& h = v.record->hdr;
  if (!ours(h)) return;
  Process& p = process(h.pid);
  for (size_t t = 0; t < taus_.size(); ++t) window(p, t, window_of(t, h.ts_ns));
  for_each_accessed_page(v, [&](uint64_t page) {
    reference(p, page, h.ts_ns, kWssFromAccessBits, mapping_at(p, h.pid, page));
  });
}

inline void WindowedWorkingSet::on_access_interval(const ps_access_interval& iv) {
  const ps_header& h = iv.hdr;
  if (!ours(h)) return;
  Process& p = process(h.pid);
  for (size_t t = 0; t < taus_.size(); ++t) {
    WssWindow& w = window(p, t, window_of(t, h.ts_ns));
    ++w.access_intervals;
    if (iv.flags & (PS_ACCESS_TRUNCATED | PS_ACCESS_PARTIAL)) ++w.incomplete_intervals;
  }
  if (iv.begin_ns < h.ts_ns) {
    longest_interval_ = std::max<uint64_t>(longest_interval_, h.ts_ns - iv.begin_ns);
  }
}

inline void WindowedWorkingSet::on_exec(const ps_exec& e) {
  if (!ours(e.hdr)) return;
  // A new address space: the same address is another page now.
  if (auto it = processes_.find(e.hdr.pid); it != processes_.end()) {
    it->second->pages.clear();
    it->second->piece_end = 0;
  }
}

inline void WindowedWorkingSet::on_exit(const ps_exit& e) {
  if (!ours(e.hdr) || !(e.flags & PS_EXIT_GROUP_DEAD)) return;
  if (auto it = processes_.find(e.hdr.pid); it != processes_.end()) {
    it->second->pages = BasicPageMap<PageState>();  // keep the windows, free the pages
    it->second->piece_end = 0;
  }
}

const std::vector<WssWindow>& WindowedWorkingSet::windows(uint32_t pid, size_t t) const {
  static const std::vector<WssWindow> kNone;
  auto it = processes_.find(pid);
  return it == processes_.end() || t >= taus_.size() ? kNone : it->second->windows[t];
}

std::vector<uint32_t> WindowedWorkingSet::pids() const {
  std::vector<uint32_t> out;
  for (const auto& [pid, p] : processes_) out.push_back(pid);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<SystemWssWindow> WindowedWorkingSet::system(size_t t) const {
  std::vector<SystemWssWindow> out;
  if (t >= taus_.size()) return out;
  std::map<size_t, SystemWssWindow> by_index;
  for (const auto& [pid, p] : processes_) {
    for (const WssWindow& w : p->windows[t]) {
      SystemWssWindow& s = by_index[w.index];
      if (w.pages) ++s.processes;
      if (w.access_intervals) ++s.sampled;
      s.pages += w.pages;
      s.fault_pages += w.fault_pages;
      s.bit_pages += w.bit_pages;
    }
  }
  out.reserve(by_index.size());
  for (auto& [k, s] : by_index) {
    s.index = k;
    s.end_ns = window_end(t, k);
    out.push_back(s);
  }
  return out;
}

size_t WindowedWorkingSet::memory_bytes() const {
  size_t bytes = 0;
  for (const auto& m : by_mapping_) bytes += m.size() * (sizeof(uint64_t) + sizeof(WssWindow) + 16);
  for (const auto& [pid, p] : processes_) {
    bytes += sizeof(Process) + p->pages.memory_bytes();
    for (const auto& ws : p->windows) bytes += ws.capacity() * sizeof(WssWindow);
  }
  return bytes;
}

size_t WindowedWorkingSet::pages_tracked() const {
  size_t n = 0;
  for (const auto& [pid, p] : processes_) n += p->pages.size();
  return n;
}

}  // namespace pagescope::model
