#include "inspector/model/windowed_working_set.h"

#include <algorithm>

#include "inspector/model/access_bits.h"
#include "inspector/model/record_view.h"
#include "inspector/model/space_tracker.h"

namespace pagescope::model {

const char* wss_source_name(const WssWindow& w) {
  if (w.access_intervals == 0) return "faults";
  return w.incomplete_intervals ? "faults+access-bits(incomplete)" : "faults+access-bits";
}

WindowedWorkingSet::WindowedWorkingSet(uint64_t tau_ns, uint64_t origin_ns, uint32_t pid,
                                       const SpaceTracker* tracker)
    : tau_(tau_ns ? tau_ns : 1), origin_(origin_ns), pid_(pid), tracker_(tracker) {}
WindowedWorkingSet::~WindowedWorkingSet() = default;
WindowedWorkingSet::WindowedWorkingSet(WindowedWorkingSet&&) noexcept = default;

size_t WindowedWorkingSet::window_of(uint64_t ts) const {
  return ts <= origin_ ? 0 : size_t((ts - origin_ - 1) / tau_);
}

WindowedWorkingSet::Process& WindowedWorkingSet::process(uint32_t pid) {
  if (last_ && last_pid_ == pid) return *last_;
  auto& slot = processes_[pid];
  if (!slot) slot = std::make_unique<Process>();
  last_pid_ = pid;
  last_ = slot.get();
  return *slot;
}

WssWindow& WindowedWorkingSet::window(Process& p, size_t k) {
  // Records come in time order, so k is almost always the last window or a new one.
  auto& ws = p.windows;
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

uint32_t WindowedWorkingSet::mapping_at(uint32_t pid, uint64_t address) const {
  if (!tracker_) return 0;
  const ProcessSpace* ps = tracker_->find(pid);
  if (!ps) return 0;
  const Vma* v = ps->space.find(address);
  return v ? v->mapping : 0;
}

void WindowedWorkingSet::reference(Process& p, uint32_t pid, uint64_t page, size_t k,
                                   uint8_t source, uint32_t mapping) {
  (void)pid;
  bool inserted = false;
  PageState& s = p.pages.get(page, inserted);
  const uint32_t stamp = uint32_t(k + 1);
  WssWindow& w = window(p, k);
  WssWindow* m = nullptr;
  if (mapping != 0 && pid_ != 0) m = &by_mapping_[mapping_key(mapping, k)];
  if (s.window != stamp) {
    s.window = stamp;
    s.sources = 0;
    ++w.pages;
    if (m) ++m->pages;
  }
  if (!(s.sources & source)) {
    s.sources |= source;
    if (source == kWssFromFaults) {
      ++w.fault_pages;
      if (m) ++m->fault_pages;
    } else {
      ++w.bit_pages;
      if (m) ++m->bit_pages;
    }
  }
}

void WindowedWorkingSet::apply(const ps_header& h) {
  if (origin_ == 0 && h.ts_ns != 0) origin_ = h.ts_ns;
  if (pid_ != 0 && h.pid != pid_) return;
  switch (h.kind) {
    case PS_EV_FAULT: {
      const auto* f = record_as<ps_fault>(h);
      if (!f) return;
      const uint32_t mapping = pid_ ? mapping_at(h.pid, f->address) : 0;
      reference(process(h.pid), h.pid, f->address >> 12, window_of(h.ts_ns), kWssFromFaults,
                mapping);
      return;
    }
    case PS_EV_ACCESS_BITS: {
      const AccessBitsView v = access_bits_view(h);
      if (!v.record) return;
      Process& p = process(h.pid);
      const size_t k = window_of(h.ts_ns);
      window(p, k);
      const uint64_t per = v.small_pages_per_entry();
      const uint64_t first = v.record->start >> 12;
      // The mapping of the last page looked up, reused while pages stay in its piece.
      uint64_t piece_start = 1, piece_end = 0;
      uint32_t mapping = 0;
      const ProcessSpace* ps = pid_ && tracker_ ? tracker_->find(h.pid) : nullptr;
      for (uint32_t word = 0; word < v.words(); ++word) {
        for (uint64_t bits = v.accessed[word]; bits != 0; bits &= bits - 1) {
          const uint32_t i = word * 64 + uint32_t(__builtin_ctzll(bits));
          if (i >= v.record->pages) break;
          for (uint64_t j = 0; j < per; ++j) {
            const uint64_t page = first + i * per + j;
            if (ps && !(page >= piece_start && page < piece_end)) {
              const Vma* piece = ps->space.find(page << 12);
              mapping = piece ? piece->mapping : 0;
              piece_start = piece ? piece->start >> 12 : page;
              piece_end = piece ? piece->end >> 12 : page + 1;
            }
            reference(p, h.pid, page, k, kWssFromAccessBits, mapping);
          }
        }
      }
      return;
    }
    case PS_EV_ACCESS_INTERVAL: {
      const auto* iv = record_as<ps_access_interval>(h);
      if (!iv) return;
      WssWindow& w = window(process(h.pid), window_of(h.ts_ns));
      ++w.access_intervals;
      if (iv->flags & (PS_ACCESS_TRUNCATED | PS_ACCESS_PARTIAL)) ++w.incomplete_intervals;
      if (iv->begin_ns < h.ts_ns) longest_interval_ = std::max<uint64_t>(longest_interval_, h.ts_ns - iv->begin_ns);
      return;
    }
    case PS_EV_EXEC: {
      // A new address space: the same address is another page now.
      if (auto it = processes_.find(h.pid); it != processes_.end()) it->second->pages.clear();
      return;
    }
    case PS_EV_EXIT: {
      const auto* e = record_as<ps_exit>(h);
      if (!e || !(e->flags & PS_EXIT_GROUP_DEAD)) return;
      if (auto it = processes_.find(h.pid); it != processes_.end()) {
        it->second->pages = BasicPageMap<PageState>();  // keep the windows, free the pages
      }
      return;
    }
    default:
      return;
  }
}

const std::vector<WssWindow>& WindowedWorkingSet::windows(uint32_t pid) const {
  static const std::vector<WssWindow> kNone;
  auto it = processes_.find(pid);
  return it == processes_.end() ? kNone : it->second->windows;
}

std::vector<uint32_t> WindowedWorkingSet::pids() const {
  std::vector<uint32_t> out;
  for (const auto& [pid, p] : processes_) out.push_back(pid);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<SystemWssWindow> WindowedWorkingSet::system() const {
  std::vector<SystemWssWindow> out;
  for (const auto& [pid, p] : processes_) {
    if (!p->windows.empty() && p->windows.back().index >= out.size()) {
      out.resize(p->windows.back().index + 1);
    }
    for (const WssWindow& w : p->windows) {
      SystemWssWindow& s = out[w.index];
      if (w.pages) ++s.processes;
      if (w.access_intervals) ++s.sampled;
      s.pages += w.pages;
      s.fault_pages += w.fault_pages;
      s.bit_pages += w.bit_pages;
    }
  }
  for (size_t k = 0; k < out.size(); ++k) out[k].end_ns = window_end(k);
  return out;
}

size_t WindowedWorkingSet::memory_bytes() const {
  size_t bytes = by_mapping_.size() * (sizeof(uint64_t) + sizeof(WssWindow) + 16);
  for (const auto& [pid, p] : processes_) {
    bytes += sizeof(Process) + p->pages.memory_bytes() + p->windows.capacity() * sizeof(WssWindow);
  }
  return bytes;
}

size_t WindowedWorkingSet::pages_tracked() const {
  size_t n = 0;
  for (const auto& [pid, p] : processes_) n += p->pages.size();
  return n;
}

}  // namespace pagescope::model
