// The /proc snapshots that anchor a capture: each traced process's maps and
// status when it is first seen (at start, for each fork child, after each
// exec: a new layout), rate-limited, and every --maps-interval. Also keeps
// the set of traced processes believed alive, which the samplers walk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_set>

#include "events.h"
#include "inspector/live/interval_sampler.h"

namespace pagescope::live {

class ProcessSnapshots {
 public:
  ProcessSnapshots(AppendRecord append, size_t max_per_s);

  // Snapshots now and marks the process as seen; `alive` adds it to live().
  void take(uint32_t pid, bool alive);
  // The command, stopped at its first instruction after exec: its own exec
  // record then needs no second snapshot.
  void take_at_exec(uint32_t pid);
  // Counts the process as alive without a snapshot (the command before its exec).
  void follow(uint32_t pid) { live_.insert(pid); }
  // Fork, exec and exit records: who is new (queued), who is gone.
  void on_record(const ps_header& h, const void* data, size_t size);
  // Queued snapshots, at most max_per_s per second; the rest are skipped and counted.
  void take_queued(uint64_t now_ns);
  // --maps-interval: every live process again.
  void take_live();

  const std::unordered_set<uint32_t>& live() const { return live_; }
  uint64_t taken() const { return taken_; }
  uint64_t skipped() const { return skipped_; }

 private:
  void store(uint32_t pid);

  AppendRecord append_;
  size_t max_per_s_;
  std::unordered_set<uint32_t> seen_;  // snapshotted since their last exec
  std::unordered_set<uint32_t> live_;  // traced processes believed alive
  std::deque<uint32_t> queued_;
  uint32_t exec_snapshot_taken_ = 0;
  uint64_t window_start_ns_ = 0;
  size_t in_window_ = 0;
  uint64_t taken_ = 0;
  uint64_t skipped_ = 0;
};

}  // namespace pagescope::live
