// Sweep mode: for a target fault rate, the smallest memory with a given tier.
// The rate counted is the faults that wait on the swap device or find their
// page lost (swap_faults + lost_faults) per reference: cold faults happen
// whatever the memory, and pool faults are what a compressed tier turns slow
// faults into (they cost a decompression, microseconds, not an I/O).
#pragma once

#include <cstdint>
#include <vector>

#include "simulator/tiers/tiered_replay.h"

namespace pagescope::sim::tiers {

inline uint64_t slow_faults(const TieredRun& r) { return r.tier.swap_loads + r.tier.lost_loads; }
inline double slow_fault_rate(const TieredRun& r) {
  return r.sim.references ? double(slow_faults(r)) / double(r.sim.references) : 0.0;
}

struct SweepResult {
  uint32_t frames = 0;  // smallest memory, in frames, meeting the target
  TieredRun run;        // the replay at that memory
  uint32_t replays = 0; // how many replays the search took
};

// A memory meets the target when the rate is at or below it and no swap-out
// failed (a full zram, or one whose RAM would exceed the memory: the
// simulated OOM), even one whose page never faulted again.
inline bool meets(const TieredRun& r, double target_rate) {
  return slow_fault_rate(r) <= target_rate && r.tier.failed_swapouts == 0;
}

// Binary search over 1..distinct pages (with every page resident nothing is
// evicted, so the target is always met there). The search assumes fewer
// frames never means fewer slow faults; policies with Belady's anomaly
// (FIFO) or tier effects can break that, so the answer is the smallest
// memory the bisection found, checked to meet the target.
SweepResult smallest_memory(const Trace& trace, const policies::PolicyInfo& policy, uint64_t seed, const TierSpec& spec,
                            const std::vector<uint16_t>& sizes, double target_rate, const Progress& progress = {});

}  // namespace pagescope::sim::tiers
