// Working set from faults: W(t, tau) = distinct pages that faulted in the
// window (t - tau, t]. Faults only show first touches and refaults (a page
// already present is accessed silently), so this is a LOWER BOUND on the
// working set of Denning's definition.
#pragma once

#include <cstdint>
#include <vector>

#include "events.h"

namespace pagescope::model {

struct WssPoint {
  uint64_t t_ns = 0;     // window end
  uint64_t pages = 0;    // distinct pages faulted in (t - tau, t]
};

// Collects (time, page) of one process's faults (pid 0: every process).
class FaultSampler {
 public:
  explicit FaultSampler(uint32_t pid) : pid_(pid) {}
  void apply(const ps_header& record);
  const std::vector<uint64_t>& times() const { return times_; }
  const std::vector<uint64_t>& pages() const { return pages_; }

 private:
  uint32_t pid_;
  std::vector<uint64_t> times_;  // non-decreasing as the stream is
  std::vector<uint64_t> pages_;
};

// W(t, tau) for t = from + tau, from + 2 tau, ... up to `to` (the last window
// may be partial). Windows are disjoint, so each fault counts once per tau.
std::vector<WssPoint> working_set(const FaultSampler& faults, uint64_t tau_ns, uint64_t from_ns,
                                  uint64_t to_ns);

}  // namespace pagescope::model
