// One lab at a time per machine: the lab owns the machine's zram devices and
// memory pressure for its run. An flock(2) on a file in the state directory;
// the kernel drops it when the process dies, however it dies.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

namespace pagescope::lab {

// /run: tmpfs, root-only, and gone after a reboot, as stale markers should be.
inline constexpr const char* kDefaultStateDir = "/run/pagescope-lab";

class SessionLock {
 public:
  // Creates `state_dir` if needed; fails with "lab busy" if another holder exists.
  static Result<std::unique_ptr<SessionLock>> acquire(const std::string& state_dir);
  ~SessionLock();
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;

 private:
  explicit SessionLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace pagescope::lab
