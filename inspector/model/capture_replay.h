// Feeds the records of a capture file to the model, one pass.
#pragma once

#include <functional>
#include <string>

#include "common/result.h"
#include "events.h"
#include "inspector/capture/reader.h"

namespace pagescope::model {

struct CaptureRun {
  capture::HostInfo host;
  capture::ReadReport report;   // completeness and recovery, after the pass
  uint16_t format_major = 0;
  uint16_t format_minor = 0;
};

// Opens `path` and reads only what its header (and footer) say: host, format.
Result<CaptureRun> read_capture_info(const std::string& path);

// Opens `path` and calls `fn` for every record in time order (see TimeOrderer). Errors name the
// file: "run.psc: not a pagescope capture (bad magic)".
Result<CaptureRun> replay_capture(const std::string& path,
                                  const std::function<void(const ps_header&)>& fn);

}  // namespace pagescope::model
