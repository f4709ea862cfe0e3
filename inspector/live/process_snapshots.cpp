#include "inspector/live/process_snapshots.h"

#include <string>

#include "inspector/live/proc_reader.h"

namespace pagescope::live {

ProcessSnapshots::ProcessSnapshots(AppendRecord append, size_t max_per_s)
    : append_(std::move(append)), max_per_s_(max_per_s) {}

void ProcessSnapshots::store(uint32_t pid) {
  auto maps = proc_file_record(pid, PS_PROC_MAPS, "/proc/" + std::to_string(pid) + "/maps");
  // Gone, or a zombie (its maps read empty): nothing to anchor.
  if (maps.size() <= sizeof(ps_proc_file)) return;
  append_(maps.data(), maps.size());
  auto status = proc_file_record(pid, PS_PROC_STATUS, "/proc/" + std::to_string(pid) + "/status");
  if (!status.empty()) append_(status.data(), status.size());
  ++taken_;
}

void ProcessSnapshots::take(uint32_t pid, bool alive) {
  seen_.insert(pid);
  store(pid);
  if (alive) live_.insert(pid);
}

void ProcessSnapshots::take_at_exec(uint32_t pid) {
  store(pid);
  seen_.insert(pid);
  exec_snapshot_taken_ = pid;
}

void ProcessSnapshots::on_record(const ps_header& h, const void* data, size_t size) {
  uint32_t fresh = 0;
  if (h.kind == PS_EV_FORK && size >= sizeof(ps_fork)) {
    const auto* f = static_cast<const ps_fork*>(data);
    if (!(f->flags & PS_FORK_THREAD)) fresh = f->child_pid;
  } else if (h.kind == PS_EV_EXEC) {
    if (h.pid == exec_snapshot_taken_) {
      exec_snapshot_taken_ = 0;  // the command's own exec: snapshotted while stopped
    } else {
      fresh = h.pid;
      seen_.erase(fresh);  // a new address space: snapshot again
    }
  } else if (h.kind == PS_EV_EXIT && size >= sizeof(ps_exit) &&
             (static_cast<const ps_exit*>(data)->flags & PS_EXIT_GROUP_DEAD)) {
    live_.erase(h.pid);
  }
  if (!fresh) return;
  if (seen_.insert(fresh).second) queued_.push_back(fresh);
  live_.insert(fresh);
}

void ProcessSnapshots::take_queued(uint64_t now_ns) {
  if (now_ns - window_start_ns_ >= 1000000000ull) {
    window_start_ns_ = now_ns;
    in_window_ = 0;
  }
  while (!queued_.empty()) {
    if (in_window_ >= max_per_s_) {
      skipped_ += queued_.size();
      queued_.clear();
      return;
    }
    store(queued_.front());
    queued_.pop_front();
    ++in_window_;
  }
}

void ProcessSnapshots::take_live() {
  for (uint32_t pid : live_) store(pid);
}

}  // namespace pagescope::live
