// The working set of the whole system against RAM and the memory cgroup's
// limit, one row per window (`inspect --wss` without --pid, and the report's
// working-set chart): the same numbers whoever asks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/table.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/system_memory.h"
#include "inspector/model/windowed_working_set.h"

namespace pagescope::model {

// The windows first..last a table prints: every one while there are at most
// kMaxDenseWindows (empty ones print as 0), else only those in `present`
// (indices, ascending) and `last`: one record stamped far in the future must
// not make 2^40 rows (issue 17.12).
constexpr size_t kMaxDenseWindows = 100'000;
template <typename Fn>
void for_each_window(size_t first, size_t last, const std::vector<size_t>& present, Fn&& fn) {
  if (last < first) return;
  if (last - first < kMaxDenseWindows) {
    for (size_t k = first; k <= last; ++k) fn(k);
    return;
  }
  for (size_t k : present)
    if (k >= first && k < last) fn(k);
  fn(last);
}

// W(t, tau) is faults ∪ accessed bits: a total is known while one of them was on.
void mark_wss_columns(Table& t, SourceNotes& notes);

// Columns TAU, T, PROCS, PAGES, BYTES, FAULT_PAGES, BIT_PAGES, SOURCE,
// MEM_TOTAL, PCT_RAM, MEMCG_USAGE, MEMCG_LIMIT ("max" without a limit),
// PCT_LIMIT; one row per window of each tau from time zero `zero` to `last_ts`.
Table system_wss_table(const WindowedWorkingSet& w, const SystemMemory& mem, uint64_t last_ts, uint64_t zero,
                       uint64_t page_size, SourceNotes& notes);

}  // namespace pagescope::model
