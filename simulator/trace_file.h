// Opening a trace file the way every simulator command does: a format name (or
// a guess from the file name), a page size, format options.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"
#include "simulator/trace.h"
#include "simulator/traces/formats.h"

namespace pagescope::sim {

struct TraceFileOptions {
  std::string path;
  std::string format;          // empty: guessed from the file name
  std::string page_size = "4K";
  traces::SourceOptions source;
  bool per_process = false;    // read by the caller; kept here so commands share the options
};

// Errors name the file: "trace.txt:12: not a page number: 'x'".
Result<Trace> load_trace_file(const TraceFileOptions& options);

}  // namespace pagescope::sim
