#include "inspector/model/growth.h"

#include <algorithm>
#include <tuple>

namespace pagescope::model {

namespace {
constexpr int kPageShift = 12;

// Private anonymous memory: what a heap, malloc's arenas and stacks grow in.
bool anonymous_private(VmaKind k) {
  return k == VmaKind::kHeap || k == VmaKind::kAnon || k == VmaKind::kBss || k == VmaKind::kStack ||
         k == VmaKind::kThreadStack;
}
// Below the peak by more than the tolerance.
bool fell(uint64_t now, uint64_t peak) { return now + peak / kShrinkTolerancePart < peak; }
}  // namespace

double GrowthSeries::touched_per_s() const {
  if (last_ns <= first_ns) return 0;
  return (double(touched_last) - double(touched_first)) / (double(last_ns - first_ns) / 1e9);
}

std::optional<double> GrowthSeries::resident_per_s() const {
  if (!resident_first || !resident_last || resident_last_ns <= resident_first_ns)
    return std::nullopt;
  return (double(*resident_last) - double(*resident_first)) /
         (double(resident_last_ns - resident_first_ns) / 1e9);
}

GrowthTracker::GrowthTracker(const SpaceTracker* tracker, uint64_t origin_ns, uint64_t interval_ns,
                             uint32_t pid)
    : tracker_(tracker),
      origin_ns_(origin_ns),
      interval_ns_(interval_ns ? interval_ns : 1'000'000'000),
      pid_(pid),
      next_end_(origin_ns ? origin_ns + interval_ns_ : 0) {}

void GrowthTracker::before(const ps_header& h) {
  if (origin_ns_ == 0 && h.ts_ns) {  // no header start: the first record is zero
    origin_ns_ = h.ts_ns;
    next_end_ = origin_ns_ + interval_ns_;
  }
  if (next_end_ && h.ts_ns >= next_end_) {
    // Nothing changed between the interval end passed first and h: one sample.
    sample_all(next_end_);
    next_end_ = origin_ns_ + ((h.ts_ns - origin_ns_) / interval_ns_ + 1) * interval_ns_;
  }
  if (h.pid == 0 || (pid_ && h.pid != pid_)) return;
  live_[h.pid].changed = true;
  visit(h);
}

void GrowthTracker::finish(uint64_t end_ns) { sample_all(end_ns); }

void GrowthTracker::on_exit(const ps_exit& e) {
  if (!(e.flags & PS_EXIT_GROUP_DEAD)) return;
  sample_process(e.hdr.pid, e.hdr.ts_ns);
  end_process(e.hdr.pid);
  resident_.erase(e.hdr.pid);  // a reused pid starts afresh
}

void GrowthTracker::on_exec(const ps_exec& e) {
  // The old image's memory goes with it: its series end here, not shrink.
  sample_process(e.hdr.pid, e.hdr.ts_ns);
  end_process(e.hdr.pid);
  live_.try_emplace(e.hdr.pid);
  resident_of(e.hdr.pid).apply(e.hdr);
}

void GrowthTracker::on_access_bits(const AccessBitsView& v) {
  resident_of(v.record->hdr.pid).apply(v.record->hdr);
}

void GrowthTracker::on_access_interval(const ps_access_interval& iv) {
  resident_of(iv.hdr.pid).apply(iv.hdr);
}

ResidentPages& GrowthTracker::resident_of(uint32_t pid) {
  auto& r = resident_[pid];
  if (!r) r = std::make_unique<ResidentPages>(pid);
  return *r;
}

void GrowthTracker::measure(uint32_t pid, std::unordered_map<uint32_t, Point>& out) const {
  const ProcessSpace* ps = tracker_->find(pid);
  if (!ps || ps->exited) return;
  auto res_it = resident_.find(pid);
  const ResidentPages* res =
      res_it != resident_.end() && res_it->second->sampled() ? res_it->second.get() : nullptr;
  // Every piece makes its key exist (an untouched lineage is a sample of 0).
  if (!pid_) out[0].resident = res ? std::optional<uint64_t>(0) : std::nullopt;
  for (const auto& [start, v] : ps->space.pieces()) {
    if (!pid_ && !anonymous_private(v.kind)) continue;
    Point& p = out[pid_ ? v.mapping : 0];
    if (res) p.resident = p.resident.value_or(0) + res->present_in(v.start, v.end).value_or(0);
  }
  ps->pages.for_each([&](uint64_t page, const PageInfo& info) {
    const Vma* piece = ps->space.find(page << kPageShift);
    if (!piece || piece->mapping != info.mapping)
      return;  // unmapped since, or now another lineage's
    if (!pid_ && !anonymous_private(piece->kind)) return;
    ++out[pid_ ? info.mapping : 0].touched;
  });
}

void GrowthTracker::add(GrowthSeries& s, uint64_t t_ns, const Point& p) {
  if (s.samples && t_ns <= s.last_ns) return;  // one sample per instant
  if (s.samples == 0) {
    s.first_ns = t_ns;
    s.touched_first = p.touched;
  } else if (fell(p.touched, s.touched_peak)) {
    s.shrank = true;
  }
  if (s.samples && p.touched > s.touched_last) s.grew_until_ns = t_ns;
  s.touched_peak = std::max(s.touched_peak, p.touched);
  if (p.resident) {
    if (!s.resident_first) {
      s.resident_first = p.resident;
      s.resident_first_ns = t_ns;
    } else if (fell(*p.resident, s.resident_peak)) {
      s.shrank = true;
    }
    s.resident_peak = std::max(s.resident_peak, *p.resident);
    s.resident_last = p.resident;
    s.resident_last_ns = t_ns;
  }
  s.last_ns = t_ns;
  s.touched_last = p.touched;
  ++s.samples;
}

void GrowthTracker::sample_process(uint32_t pid, uint64_t t_ns) {
  auto live = live_.find(pid);
  if (live == live_.end()) return;
  auto& followed = live->second.series;
  if (!live->second.changed) {
    for (const auto& [key, index] : followed) {
      GrowthSeries& s = series_[index];
      add(s, t_ns, Point{s.touched_last, s.resident_last});
    }
    return;
  }
  live->second.changed = false;
  std::unordered_map<uint32_t, Point> now;
  measure(pid, now);
  if (now.empty() && followed.empty()) return;
  // Followed before, gone now: unmapped (its touched pages went with it).
  for (auto it = followed.begin(); it != followed.end();) {
    if (now.count(it->first)) {
      ++it;
      continue;
    }
    GrowthSeries& s = series_[it->second];
    if (fell(0, s.touched_peak)) s.shrank = true;
    s.ended = true;
    it = followed.erase(it);
  }
  for (const auto& [key, point] : now) {
    auto [it, inserted] = followed.try_emplace(key, series_.size());
    if (inserted) {
      GrowthSeries s;
      s.pid = pid;
      s.mapping = key;
      series_.push_back(s);
    }
    add(series_[it->second], t_ns, point);
  }
}

void GrowthTracker::sample_all(uint64_t t_ns) {
  for (auto& [pid, followed] : live_) sample_process(pid, t_ns);
}

void GrowthTracker::end_process(uint32_t pid) {
  auto live = live_.find(pid);
  if (live == live_.end()) return;
  for (const auto& [key, index] : live->second.series) series_[index].ended = true;
  live_.erase(live);
}

std::vector<GrowthSeries> GrowthTracker::growing() const {
  std::vector<GrowthSeries> out;
  for (const GrowthSeries& s : series_) {
    if (s.only_grew()) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const GrowthSeries& a, const GrowthSeries& b) {
    const double ra = a.touched_per_s(), rb = b.touched_per_s();
    return std::make_tuple(b.touched_growth(), rb, a.pid, a.mapping) <
           std::make_tuple(a.touched_growth(), ra, b.pid, b.mapping);
  });
  return out;
}

}  // namespace pagescope::model
