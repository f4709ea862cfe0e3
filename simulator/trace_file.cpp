#include "simulator/trace_file.h"

#include "common/units.h"

namespace pagescope::sim {

Result<Trace> load_trace_file(const TraceFileOptions& o) {
  auto page_size = parse_byte_size(o.page_size);
  if (!page_size) return Error{"--page-size: " + page_size.error().message};
  if (*page_size == 0) return Error{"--page-size must be positive"};
  std::string format = o.format.empty() ? traces::guess_format(o.path) : o.format;
  auto source = traces::open_source(format, o.path, o.source);
  if (!source) return source.error();
  auto trace = load_trace(**source, *page_size);
  if (!trace) return trace.error();
  if (trace->size() == 0) return Error{o.path + ": no references in the trace"};
  return trace;
}

}  // namespace pagescope::sim
