// `record --probe`: every source pagescope could record on this host, each
// with how it would be had or why it cannot, found by really loading and
// attaching the programs (tracing no process), not by reading versions.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/capture/sources.h"
#include "inspector/live/features.h"

namespace pagescope::live {

struct SourceProbe {
  std::vector<Feature> requirements;  // bpf, btf, ringbuf, task_storage: without one, nothing records
  capture::SourceSet sources;         // optional samplers show as on when they could run
  std::string tracefs;                // whether tracefs is mounted, and that nothing needs it
  ErrorKind failure = ErrorKind::kFailure;  // why recording is impossible, when it is
  bool can_record = false;
};

SourceProbe probe_sources();

// The sources user space provides itself: /proc snapshots and system counters.
void add_proc_sources(capture::SourceSet& sources);

}  // namespace pagescope::live
