#include "inspector/model/locality.h"

#include <algorithm>

namespace pagescope::model {

namespace {
constexpr int kPageShift = 12;
// Page numbers are below 2^45 (57-bit addresses); the bits above hold the
// exec generation, so a page of the new image is not the old one's.
constexpr int kGenerationShift = 48;
}  // namespace

std::optional<double> LocalityStats::sequential_fraction() const {
  if (faults < 2) return std::nullopt;
  return double(sequential) / double(faults - 1);
}

std::optional<uint64_t> LocalityStats::distance_percentile(double fraction) const {
  const uint64_t reuses = distances.references - distances.cold;
  if (reuses == 0) return std::nullopt;
  uint64_t seen = 0;
  for (size_t d = 1; d < distances.hits_at.size(); ++d) {
    seen += distances.hits_at[d];
    if (double(seen) >= fraction * double(reuses)) return d;
  }
  return distances.hits_at.size() - 1;
}

uint64_t LocalityStats::reuses_within(uint64_t pages) const {
  uint64_t n = 0;
  for (size_t d = 1; d < distances.hits_at.size() && d <= pages; ++d) n += distances.hits_at[d];
  return n;
}

uint64_t LocalityStats::max_interval_pages() const {
  uint64_t m = 0;
  for (const IntervalPages& i : intervals) m = std::max(m, i.pages);
  return m;
}

uint64_t LocalityStats::intervals_over(uint64_t pages) const {
  return uint64_t(std::count_if(intervals.begin(), intervals.end(),
                                [&](const IntervalPages& i) { return i.pages > pages; }));
}

LocalityTracker::LocalityTracker(uint64_t origin_ns, uint64_t interval_ns, uint32_t pid)
    : origin_ns_(origin_ns), interval_ns_(interval_ns ? interval_ns : 1'000'000'000), pid_(pid) {}
LocalityTracker::LocalityTracker(LocalityTracker&&) noexcept = default;
LocalityTracker& LocalityTracker::operator=(LocalityTracker&&) noexcept = default;
LocalityTracker::~LocalityTracker() = default;

void LocalityTracker::apply(const ps_header& h) {
  if (origin_ns_ == 0 && h.ts_ns) origin_ns_ = h.ts_ns;
  if (h.pid == 0 || (pid_ && h.pid != pid_)) return;
  visit(h);
}

void LocalityTracker::on_fault(const ps_fault& f) {
  const uint32_t pid = f.hdr.pid;
  auto& slot = live_[pid];
  if (!slot) {
    slot = std::make_unique<Live>();
    slot->row = done_.size();
    done_.emplace_back();
    slot->stats.pid = pid;
    slot->stats.first_ns = f.hdr.ts_ns;
  }
  Live& l = *slot;
  LocalityStats& s = l.stats;
  const uint64_t page = f.address >> kPageShift;
  ++s.faults;
  s.last_ns = f.hdr.ts_ns;
  if (l.has_prev && (page == l.prev_page + 1 || page + 1 == l.prev_page)) ++s.sequential;
  l.prev_page = page;
  l.has_prev = true;

  bool inserted = false;
  PageState& p = l.pages.get(page | (l.generation << kGenerationShift), inserted);
  if (p.id_plus1 == 0) {
    p.id_plus1 = ++l.next_id;
    l.counter.grow(l.next_id);
  }
  l.counter.feed(p.id_plus1 - 1);

  const uint64_t k = f.hdr.ts_ns > origin_ns_ ? (f.hdr.ts_ns - origin_ns_) / interval_ns_ : 0;
  if (!l.in_interval || k != l.interval) {
    if (l.in_interval)
      s.intervals.push_back({l.interval, origin_ns_ + l.interval * interval_ns_, l.interval_pages});
    l.interval = k;
    l.interval_pages = 0;
    l.in_interval = true;
  }
  if (p.interval_plus1 != k + 1) {
    p.interval_plus1 = k + 1;
    ++l.interval_pages;
  }
}

void LocalityTracker::on_exec(const ps_exec& e) {
  auto it = live_.find(e.hdr.pid);
  if (it == live_.end()) return;
  ++it->second->generation;
  it->second->has_prev = false;
}

void LocalityTracker::on_exit(const ps_exit& e) {
  if (!(e.flags & PS_EXIT_GROUP_DEAD)) return;
  auto it = live_.find(e.hdr.pid);
  if (it == live_.end()) return;
  close(*it->second);
  live_.erase(it);  // its page table and counter go; a reused pid is a new row
}

void LocalityTracker::close(Live& l) {
  if (l.in_interval)
    l.stats.intervals.push_back(
        {l.interval, origin_ns_ + l.interval * interval_ns_, l.interval_pages});
  l.in_interval = false;
  l.stats.distances = l.counter.finish();
  // Keep the histogram up to its largest distance, not one slot per page.
  auto& h = l.stats.distances.hits_at;
  size_t n = h.size();
  while (n > 1 && h[n - 1] == 0) --n;
  h.resize(std::max<size_t>(n, 1));
  h.shrink_to_fit();
  done_[l.row] = std::move(l.stats);
}

std::vector<LocalityStats> LocalityTracker::finish() {
  for (auto& [pid, l] : live_) close(*l);
  live_.clear();
  return std::move(done_);
}

}  // namespace pagescope::model
