// Something the recorder runs alongside the ring-buffer drain: access-bit
// walks, page-content samples. Each sampler keeps its own clock and does a
// bounded amount of work per call, so the drain is never held up for long.
#pragma once

#include "inspector/capture/sources.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace pagescope::live {

struct RecordOptions;
class Features;

// Appends one whole record (ps_header first) to the capture.
using AppendRecord = std::function<void(const void* data, size_t size)>;

class IntervalSampler {
 public:
  virtual ~IntervalSampler() = default;
  // Called once when the drain loop starts (a command has just been released).
  virtual void begin(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
                     const AppendRecord& append) = 0;
  // Called after every drain of the ring buffer (about every 50 ms); `live`
  // holds the traced processes believed alive.
  virtual void poll(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
                    const AppendRecord& append) = 0;
  // Called once when recording stops, before the capture is closed.
  virtual void end(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
                   const AppendRecord& append) = 0;
  // One line for the record summary: what was sampled and what it cost.
  virtual std::string report() const = 0;
};

// The samplers the options ask for. One that cannot run here (no root, a
// missing kernel feature) is left out, and `sources` says why (access_bits,
// page_contents): a recording never fails because a sampler is unavailable.
std::vector<std::unique_ptr<IntervalSampler>> make_samplers(const RecordOptions& options,
                                                            capture::SourceSet& sources);

}  // namespace pagescope::live
