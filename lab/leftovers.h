// What a lab run leaves behind when it cannot clean up itself (the lab
// process was SIGKILLed, the machine lost power mid-run is handled by /run
// being a tmpfs): zram devices named by marker files in the state directory
// and cgroups whose name starts with kLabCgroupPrefix. Only things the lab
// marked as its own are touched; someone else's swap or cgroup never is.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::lab {

struct Leftover {
  std::string what;  // "/dev/zram1 (swap)", "/sys/fs/cgroup/memory/pagescope-lab-123"
};

// Removes every leftover; the caller must hold the SessionLock (or know no lab
// runs). Returns what was removed, or the first thing that could not be.
Result<std::vector<Leftover>> clean_leftovers(const std::string& state_dir);

}  // namespace pagescope::lab
