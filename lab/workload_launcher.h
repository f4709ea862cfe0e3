// Starting the workload inside the lab's cgroup: the one place that decides
// between recording it and running it bare. When this pagescope has
// `record --cgroup` (asked at run time of /proc/self/exe, so a lab built
// before record learned the flag still works), the recorder starts the
// workload and moves it into the cgroup; otherwise the workload's own child
// process joins the cgroup before exec and no capture is written.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::lab {

struct LaunchRequest {
  std::vector<std::string> workload_argv;  // ps-pressure and its flags
  std::string cgroup_dir;
  std::string capture_path;                // empty: do not record
  std::vector<std::string> record_args;    // more `record` flags (samplers), when recording
  std::string self_exe = "/proc/self/exe";
};

struct LaunchedWorkload {
  pid_t pid = -1;          // the recorder when recording, else the workload
  bool recording = false;
  std::vector<std::string> argv;
  std::string note;        // why there is no capture, when there is none
};

// Runs `self_exe record --help` and looks for --cgroup; false on any failure.
bool record_supports_cgroup(const std::string& self_exe);

Result<LaunchedWorkload> launch_workload(const LaunchRequest& request);

}  // namespace pagescope::lab
