#include "simulator/reference_source.h"

namespace pagescope::sim {

Result<Trace> load_trace(ReferenceSource& source, uint64_t page_size) {
  if (page_size == 0) return Error{"page size must be positive"};
  TraceBuilder builder(page_size);
  const bool bytes = source.unit() == KeyUnit::kByteAddress;
  Status st = source.for_each([&](const RawReference& r) {
    builder.add(bytes ? r.key / page_size : r.key, r.write, r.pid);
  });
  if (!st) return Error{st.message()};
  Trace trace = builder.finish();
  trace.caveats = source.caveats();
  return trace;
}

}  // namespace pagescope::sim
