// A page-replacement policy, as the engine sees it. The engine owns residency
// (which pages are in memory), dirty bits and counting; a policy only orders
// pages. Pages are dense ids (see trace.h), so a policy keeps its state in flat
// arrays sized once in its constructor: nothing is allocated per reference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "simulator/trace.h"

namespace pagescope::sim {

struct Access {
  PageId page;
  uint64_t time;  // index of this reference in the trace
  bool write;
};

struct PolicyConfig {
  uint32_t frames = 0;       // resident pages at most
  uint32_t pages = 0;        // distinct pages in the trace (ids are < pages)
  uint64_t seed = 1;         // for randomized policies
  const Trace* trace = nullptr;  // for policies that look ahead (OPT)
};

class Policy {
 public:
  virtual ~Policy() = default;
  // The page is resident and was referenced again.
  virtual void on_hit(const Access& a) = 0;
  // The page was not resident and now is (after a victim made room if needed).
  virtual void on_insert(const Access& a) = 0;
  // Memory is full and `incoming` faulted: choose a resident page to evict and
  // forget it as resident (ghost/history state may keep remembering it).
  virtual PageId pick_victim(const Access& incoming) = 0;
  // The page leaves memory for a reason other than eviction (process exit,
  // munmap). Default policies simply forget it.
  virtual void remove(PageId page) = 0;
};

}  // namespace pagescope::sim
