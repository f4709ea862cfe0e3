// The one access loop: every policy, memory size and trace goes through here.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "simulator/policy.h"
#include "simulator/tiers/tier.h"
#include "simulator/trace.h"

namespace pagescope::sim {

struct SimResult {
  uint64_t references = 0;
  uint64_t faults = 0;           // misses, cold ones included
  uint64_t cold_faults = 0;      // first reference to a page (no policy avoids these)
  uint64_t evictions = 0;
  uint64_t dirty_writebacks = 0; // evicted pages that had been written since loaded
  double hit_ratio() const { return references ? 1.0 - double(faults) / double(references) : 0.0; }
  double miss_ratio() const { return references ? double(faults) / double(references) : 0.0; }
  SimResult& operator+=(const SimResult& o);
};

// Called every ~1M references with (done, total); keep it cheap.
using Progress = std::function<void(uint64_t done, uint64_t total)>;

class Engine {
 public:
  explicit Engine(const Trace& trace) : trace_(trace) {}
  // Replays the whole trace with `frames` page frames under `policy`, which
  // must have been built for this trace and frame count.
  SimResult run(Policy& policy, uint32_t frames, const Progress& progress = {}) const;
  // The same with a compressed tier under memory: evicted pages go to `tier`,
  // faults on pages seen before are served by it, and the policy may use only
  // the frames the tier's RAM leaves free (so it evicts more as the pool grows).
  // Both run the same loop (engine.cpp); without a tier its hooks are inline no-ops.
  SimResult run(Policy& policy, uint32_t frames, tiers::Tier& tier, const Progress& progress = {}) const;

 private:
  const Trace& trace_;
};

// One replay of a streamed trace (trace_stream.h), fed piece by piece: the
// same loop as Engine::run, keeping residency and counts between pieces, and
// growing the policy (Policy::grow) as new pages arrive. Its memory is the
// policy's and one byte per page, whatever the trace's length.
class StreamReplay {
 public:
  // `policy` built for `frames` and the `pages` known at the start.
  StreamReplay(std::unique_ptr<Policy> policy, uint32_t frames, uint32_t pages);
  ~StreamReplay();
  StreamReplay(StreamReplay&&) noexcept;
  // References t0 .. t0 + n - 1; their ids are below `pages`.
  void feed(const PageId* refs, const uint8_t* writes, size_t n, uint64_t t0, uint32_t pages);
  SimResult result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pagescope::sim
