// Leaks and growth (`inspect --growth`): memory whose touched and resident
// pages only grow over the capture, ranked by how much it grew.
//
// What is sampled, at the end of every interval (the timeline's grid from the
// header's start, or the first record without one; an interval with no
// records adds no sample) while its process lives, at the process's exit or
// exec, and at the end of the capture:
//   - with a pid, each mapping lineage of it (SpaceTracker's, as --vmas shows
//     them, followed through splits and moves);
//   - without one, each process's private anonymous memory (VMAs of kind heap,
//     anon, bss, stack, thread-stack: what malloc and friends grow).
// TOUCHED = distinct pages that faulted and are still mapped in it (a page
// unmapped, or in a piece since moved to another lineage, no longer counts).
// A fault trace sees first touches only, so this is a lower bound on the pages
// used, and it never falls on MADV_DONTNEED (the page stays "touched").
// RESIDENT = 4 KiB pages present at the process's latest access-bit interval
// (record --access-interval, ResidentPages); unknown without one.
//
// "Only grows": no sample's TOUCHED is below the highest before it by more
// than the tolerance, 1% of that peak rounded down (0 pages below a peak of
// 100: exact for small series; enough for an allocator's trim or a thread
// stack freed on the way out, not for half a mapping unmapped), and the same
// for RESIDENT over the samples that know it; and TOUCHED grew in all (last >
// first). Unmapping a lineage that had touched pages is a shrink; the exit or
// exec of its process is not (the series ends there, sampled just before).
// Rate = (last - first) / (time of the last sample - time of the first), per
// second; at least two samples are needed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "events.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/resident_pages.h"
#include "inspector/model/space_tracker.h"

namespace pagescope::model {

// One followed thing's samples, summarised as they come (O(1) memory each).
// A fall below the peak of at most peak / kShrinkTolerancePart is no shrink.
inline constexpr uint64_t kShrinkTolerancePart = 100;  // 1%

struct GrowthSeries {
  uint32_t pid = 0;
  uint32_t mapping = 0;  // lineage id (SpaceTracker::mappings()); 0 = the process's anonymous total
  uint32_t samples = 0;
  uint64_t first_ns = 0, last_ns = 0;
  uint64_t touched_first = 0, touched_last = 0;
  // First and last sample that knew RESIDENT, and when.
  std::optional<uint64_t> resident_first, resident_last;
  uint64_t resident_first_ns = 0, resident_last_ns = 0;
  uint64_t touched_peak = 0, resident_peak = 0;
  // The last sample at which TOUCHED rose: a leak rises to the end, a buffer
  // filled once stops early (the rate is an average over FROM..TO either way).
  uint64_t grew_until_ns = 0;
  bool shrank = false;  // a sample fell below its peak by more than kShrinkTolerance
  bool ended = false;   // no more samples: exited, exec'd or unmapped

  uint64_t touched_growth() const { return touched_last - touched_first; }
  bool only_grew() const {
    return !shrank && samples >= 2 && touched_last > touched_first && last_ns > first_ns;
  }
  double touched_per_s() const;
  // Over the samples that knew it; nullopt with fewer than two of them.
  std::optional<double> resident_per_s() const;
};

class GrowthTracker : private RecordVisitor<GrowthTracker> {
 public:
  // `tracker` is fed every record right after this tracker's before(); with
  // pid 0 it must follow every process. `origin_ns`: time zero of the grid.
  GrowthTracker(const SpaceTracker* tracker, uint64_t origin_ns, uint64_t interval_ns,
                uint32_t pid);

  // Before the space tracker applies `h`: samples the interval ends before
  // h's time, and h's process when h is its exit or exec.
  void before(const ps_header& h);
  // After the last record: one more sample of everything still followed.
  void finish(uint64_t end_ns);

  uint32_t pid() const { return pid_; }
  uint64_t interval_ns() const { return interval_ns_; }
  const std::vector<GrowthSeries>& series() const { return series_; }
  // The series that only grew, biggest growth in TOUCHED pages first (then
  // the higher rate, then the pid and lineage).
  std::vector<GrowthSeries> growing() const;

 private:
  friend class RecordVisitor<GrowthTracker>;
  void on_exit(const ps_exit& e);
  void on_exec(const ps_exec& e);
  void on_access_bits(const AccessBitsView& v);
  void on_access_interval(const ps_access_interval& iv);

  struct Point {
    uint64_t touched = 0;
    std::optional<uint64_t> resident;
  };
  // TOUCHED and RESIDENT of what `pid` has now, keyed like live_.
  void measure(uint32_t pid, std::unordered_map<uint32_t, Point>& out) const;
  void sample_process(uint32_t pid, uint64_t t_ns);
  void sample_all(uint64_t t_ns);
  void end_process(uint32_t pid);
  void add(GrowthSeries& s, uint64_t t_ns, const Point& p);
  ResidentPages& resident_of(uint32_t pid);

  const SpaceTracker* tracker_;
  uint64_t origin_ns_;
  uint64_t interval_ns_;
  uint32_t pid_;
  uint64_t next_end_ = 0;  // the next interval end to sample at
  std::vector<GrowthSeries> series_;
  // Per live process: its followed series, lineage (or 0) -> index in series_,
  // and whether a record of it came since its last sample. A process with
  // none has not changed (only its own records move its space and its
  // resident pages), so its sample repeats the last one without walking its
  // pages: an idle process costs O(series) per interval, not O(pages).
  struct Followed {
    std::unordered_map<uint32_t, size_t> series;
    bool changed = true;
  };
  std::unordered_map<uint32_t, Followed> live_;
  std::unordered_map<uint32_t, std::unique_ptr<ResidentPages>> resident_;
};

}  // namespace pagescope::model
