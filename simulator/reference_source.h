// Where references come from. One trace format (or the capture reader) is one
// ReferenceSource; load_trace() turns any of them into a replayable Trace.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/trace.h"

namespace pagescope::sim {

enum class KeyUnit {
  kByteAddress,  // divided by the page size
  kPageNumber,   // already a page (or block, or object) number: the page size does not apply
};

struct RawReference {
  uint64_t key = 0;
  bool write = false;
  uint32_t pid = 0;
};

class ReferenceSource {
 public:
  using Sink = std::function<void(const RawReference&)>;
  virtual ~ReferenceSource() = default;
  virtual KeyUnit unit() const = 0;
  // Calls `sink` for every reference in order. A malformed record stops the read
  // with an Error naming the file and line (or record) number.
  virtual Status for_each(const Sink& sink) = 0;
  // After for_each: what the reader had to skip or knows is missing (lost
  // events, corrupt chunks), one line each, for the user to see.
  virtual std::vector<std::string> caveats() const { return {}; }
  // Progress while for_each runs, from any thread: input bytes consumed and
  // the input's size (0 when unknown: a pipe, or a source that cannot say).
  virtual uint64_t bytes_read() const { return 0; }
  virtual uint64_t bytes_total() const { return 0; }
};

// Reads the whole source and remaps its pages to dense ids.
Result<Trace> load_trace(ReferenceSource& source, uint64_t page_size);

}  // namespace pagescope::sim
