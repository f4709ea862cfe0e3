// Locality of one process's page faults (`inspect --locality`), from the
// fault stream alone:
//   - reuse distances: the exact LRU stack distance of every fault (the
//     distinct pages faulted since that page's previous fault, itself
//     included; a page's first fault is cold), counted by the one
//     LruStackCounter the simulator's MRCs use (stack_distance.h). A page
//     faults again only after it left the page tables (reclaim, munmap and
//     a new mapping, MADV_DONTNEED, copy-on-write, a protection change):
//     these are refault distances, not the distances of every access;
//   - sequential faults: a fault whose page is the previous fault's page of
//     the same process (any thread) plus or minus one 4 KiB page; the
//     fraction is over the faults that have a previous one (faults - 1);
//   - distinct pages faulted per interval (the timeline's grid), against a
//     TLB reach of `tlb_entries` 4 KiB pages. A lower bound on the pages
//     used per interval: pages used while present do not fault.
// One row per process; a pid reused after its process exited is a new row,
// and an exec starts a new address space (its pages are new pages).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "events.h"
#include "inspector/model/page_map.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/stack_distance.h"

namespace pagescope::model {

struct IntervalPages {
  uint64_t index = 0;     // interval k: [origin + k*interval, origin + (k+1)*interval)
  uint64_t start_ns = 0;  // origin + k*interval, capture time
  uint64_t pages = 0;     // distinct pages faulted in it
};

struct LocalityStats {
  uint32_t pid = 0;
  uint64_t first_ns = 0, last_ns = 0;  // first and last fault
  uint64_t faults = 0;
  uint64_t sequential = 0;   // faults at the previous fault's page +- 1
  StackDistances distances;  // hits_at[d]: faults at reuse distance d; cold: first faults
  std::vector<IntervalPages> intervals;  // intervals with faults, in order

  uint64_t distinct_pages() const { return distances.cold; }
  // sequential / (faults - 1); nullopt with fewer than two faults.
  std::optional<double> sequential_fraction() const;
  // The smallest distance d such that at least `fraction` of the reuses
  // (non-cold faults) have a distance <= d; nullopt without reuses.
  std::optional<uint64_t> distance_percentile(double fraction) const;
  // Reuses at a distance <= `pages` (an LRU of that many entries would hit them).
  uint64_t reuses_within(uint64_t pages) const;
  uint64_t max_interval_pages() const;
  uint64_t intervals_over(uint64_t pages) const;
};

class LocalityTracker : private RecordVisitor<LocalityTracker> {
 public:
  // pid 0: every process. `origin_ns` 0: the first record's time.
  LocalityTracker(uint64_t origin_ns, uint64_t interval_ns, uint32_t pid);
  LocalityTracker(LocalityTracker&&) noexcept;
  LocalityTracker& operator=(LocalityTracker&&) noexcept;
  ~LocalityTracker();

  void apply(const ps_header& h);
  // Processes in the order they first faulted; live ones are finished here.
  std::vector<LocalityStats> finish();

  uint64_t origin_ns() const { return origin_ns_; }
  uint64_t interval_ns() const { return interval_ns_; }

 private:
  friend class RecordVisitor<LocalityTracker>;
  void on_fault(const ps_fault& f);
  void on_exec(const ps_exec& e);
  void on_exit(const ps_exit& e);

  struct PageState {
    uint32_t id_plus1 = 0;        // dense id + 1 for the counter; 0 = not seen
    uint64_t interval_plus1 = 0;  // last interval it faulted in + 1
  };
  struct Live {
    size_t row = 0;  // index in done_ (reserved when first seen)
    LocalityStats stats;
    BasicPageMap<PageState> pages;
    LruStackCounter counter{0, LruStackCounter::kSmallSlots};
    uint32_t next_id = 0;
    uint64_t generation = 0;  // bumped at exec: the same address is another page
    uint64_t prev_page = 0;
    bool has_prev = false;
    uint64_t interval = 0, interval_pages = 0;
    bool in_interval = false;
  };
  void close(Live& l);

  uint64_t origin_ns_;
  uint64_t interval_ns_;
  uint32_t pid_;
  std::unordered_map<uint32_t, std::unique_ptr<Live>> live_;
  std::vector<LocalityStats> done_;  // a row per process, filled at its exit (or finish)
};

}  // namespace pagescope::model
