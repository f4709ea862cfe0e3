// A page-replacement policy, as the engine sees it. The engine owns residency
// (which pages are in memory), dirty bits and counting; a policy only orders
// pages. Pages are dense ids (see trace.h), so a policy keeps its state in flat
// arrays indexed by id: sized in its constructor for the pages known then, and
// grown by grow() when a streamed trace (trace_stream.h) brings new ones, once
// per chunk of references at most: nothing is allocated per reference.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "simulator/trace.h"

namespace pagescope::sim {

struct Access {
  PageId page;
  uint64_t time;  // index of this reference in the trace
  bool write;
};

struct PolicyConfig {
  uint32_t frames = 0;       // resident pages at most
  uint32_t pages = 0;        // distinct pages known so far (ids are < pages until grow())
  uint64_t seed = 1;         // for randomized policies
  // The whole trace, for policies that look ahead (PolicyInfo::looks_ahead:
  // OPT, linux); null when the trace is streamed.
  const Trace* trace = nullptr;
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
  // Ids up to `pages` - 1 may come from now on (never fewer than before): the
  // per-page arrays grow, new pages start unseen. The engine calls it before
  // the first reference to a new id, with room to spare (doubling).
  virtual void grow(uint32_t pages) = 0;
};

// For grow(): extends a per-page array to `pages` entries of `fill`.
template <typename T>
void grow_to(std::vector<T>& v, uint32_t pages, T fill) {
  if (v.size() < pages) v.resize(pages, fill);
}

}  // namespace pagescope::sim
