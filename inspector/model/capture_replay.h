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

// Where decoding runs. kAhead: on a second thread ahead of `fn` (which still
// runs on the caller's), worth it when `fn` costs about as much as decoding
// (layouts, attribution, working sets); kInline: on the caller's thread, for
// a light `fn` (a per-process summary), where handing records between
// threads would cost more than it saves.
enum class Decode { kAhead, kInline };

// Opens `path` and calls `fn` for every record in time order (see TimeOrderer). Errors name the
// file: "run.psc: not a pagescope capture (bad magic)".
Result<CaptureRun> replay_capture(const std::string& path,
                                  const std::function<void(const ps_header&)>& fn,
                                  Decode decode = Decode::kAhead);

}  // namespace pagescope::model
