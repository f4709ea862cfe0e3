#include "inspector/model/working_set.h"

#include <algorithm>

#include "inspector/model/record_view.h"

namespace pagescope::model {

void FaultSampler::apply(const ps_header& h) {
  if (h.kind != PS_EV_FAULT || (pid_ != 0 && h.pid != pid_)) return;
  const auto* f = record_as<ps_fault>(h);
  if (!f) return;
  times_.push_back(h.ts_ns);
  // The pid in the key keeps equal addresses of different processes apart.
  pages_.push_back((f->address >> 12) ^ (uint64_t(h.pid) << 52));
}

std::vector<WssPoint> working_set(const FaultSampler& faults, uint64_t tau_ns, uint64_t from_ns,
                                  uint64_t to_ns) {
  std::vector<WssPoint> out;
  if (tau_ns == 0 || to_ns <= from_ns) return out;
  const auto& times = faults.times();
  const auto& pages = faults.pages();
  std::vector<uint64_t> window;
  size_t i = 0;
  // Records are in file order; a fault slightly out of order lands in the window it is read in.
  while (i < times.size() && times[i] <= from_ns) ++i;
  for (uint64_t t = from_ns + tau_ns;; t += tau_ns) {
    const uint64_t end = std::min(t, to_ns);
    window.clear();
    while (i < times.size() && times[i] <= end) window.push_back(pages[i++]);
    std::sort(window.begin(), window.end());
    const uint64_t distinct = uint64_t(std::unique(window.begin(), window.end()) - window.begin());
    out.push_back(WssPoint{end, distinct});
    if (end >= to_ns) break;
  }
  return out;
}

}  // namespace pagescope::model
