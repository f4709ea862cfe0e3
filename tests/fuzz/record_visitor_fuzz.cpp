// The record stream itself, past the capture reader's CRCs: records of any
// kind and size (within their own length, as the reader guarantees) fed to
// every model built on RecordVisitor: the address-space tracker, the process
// table, the timeline, the windowed working set, system memory, resident
// pages, the counter fold and the smaps sampler.
//
// Input: records back to back, each starting with a ps_header whose `size`
// (at least the header, at most what is left) says where the next starts.
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "events.h"
#include "inspector/model/counter_fold.h"
#include "inspector/model/process_table.h"
#include "inspector/model/resident_pages.h"
#include "inspector/model/sampled_working_set.h"
#include "inspector/model/space_tracker.h"
#include "inspector/model/system_memory.h"
#include "inspector/model/timeline.h"
#include "inspector/model/windowed_working_set.h"

using namespace pagescope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The pid the per-process views follow and time zero: the first record's.
  uint32_t pid = 0;
  uint64_t zero = 0;
  if (size >= sizeof(ps_header)) {
    std::memcpy(&pid, data + offsetof(ps_header, pid), sizeof pid);
    std::memcpy(&zero, data + offsetof(ps_header, ts_ns), sizeof zero);
  }

  model::SpaceTracker tracker;
  model::ProcessTable processes;
  model::TimelineBuilder timeline(zero, 1'000'000'000, std::nullopt);
  model::TimelineBuilder timeline_pid(zero, 1'000'000, pid);
  model::WindowedWorkingSet wss({100'000'000, 1'000'000'000}, zero);
  model::WindowedWorkingSet wss_pid({1'000'000}, zero, pid, &tracker);
  model::SystemMemory memory;
  model::ResidentPages resident(pid);
  model::CounterFold fold;
  model::SmapsSampler smaps(pid);

  std::vector<uint64_t> record;  // 8-byte aligned, as the reader delivers records
  size_t at = 0;
  while (size - at >= sizeof(ps_header)) {
    ps_header h;
    std::memcpy(&h, data + at, sizeof h);
    if (h.size < sizeof h || h.size > size - at) break;
    record.assign((h.size + 7) / 8, 0);
    std::memcpy(record.data(), data + at, h.size);
    const auto& r = *reinterpret_cast<const ps_header*>(record.data());
    tracker.apply(r);
    processes.apply(r);
    timeline.add(r);
    timeline_pid.add(r);
    wss.apply(r);
    wss_pid.apply(r);
    memory.apply(r);
    resident.apply(r);
    fold.visit(r);
    smaps.apply(r);
    at += h.size;
  }
  (void)timeline.table();
  (void)timeline_pid.table();
  for (size_t t = 0; t < wss.tau_count(); ++t) (void)wss.system(t);
  for (uint32_t p : wss.pids()) (void)wss.windows(p);
  return 0;
}
