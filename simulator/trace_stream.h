// A trace read as a stream: references come in chunks of dense ids, parsed
// on a thread of their own while the previous chunk is replayed, so a trace
// of any length is replayed in memory bounded by its distinct pages (the id
// map, the policies' arrays) plus a few chunks, never by its references.
//
// The file is read once, front to back: every simulation of a sweep
// (policies x sizes) is fed the same chunk in turn (experiment.cpp), so a
// pipe (path "-", stdin) works as well as a file, and nothing is read twice.
// What cannot be done this way (OPT's and the linux model's look ahead,
// tiers, per-process pools, SHARDS) loads the trace instead: see
// ExperimentPlan and docs/simulator.md "Streaming".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/engine.h"
#include "simulator/reference_source.h"
#include "simulator/trace.h"

namespace pagescope::sim {

struct TraceChunk {
  std::vector<PageId> refs;
  std::vector<uint8_t> writes;  // 1 when that reference wrote the page
  uint64_t first = 0;           // index in the trace of refs[0]
  uint32_t pages = 0;           // distinct pages after this chunk (ids are below)
};

struct StreamTotals {
  uint64_t references = 0;
  uint32_t pages = 0;  // distinct
  bool any_write = false;
  std::vector<std::string> caveats;
};

class TraceStream {
 public:
  static constexpr size_t kChunkRefs = size_t{1} << 20;
  // Chunks in memory at most: one being parsed, one queued, one replayed.
  static constexpr size_t kChunksHeld = 3;

  TraceStream(std::unique_ptr<ReferenceSource> source, uint64_t page_size);
  ~TraceStream();

  // Reads the whole trace once. `consume` gets every chunk in order, on the
  // calling thread; `progress` (done, total) is input bytes when the source
  // knows its size, else (references, 0). Errors are the source's (bad
  // line, read error), with what was consumed before them.
  Status run(const std::function<void(const TraceChunk&)>& consume, const Progress& progress = {});
  const StreamTotals& totals() const { return totals_; }
  // Most chunks alive at once during run() (<= kChunksHeld), for tests.
  size_t peak_chunks() const { return peak_chunks_; }

 private:
  std::unique_ptr<ReferenceSource> source_;
  uint64_t page_size_;
  StreamTotals totals_;
  size_t peak_chunks_ = 0;
};

struct TraceFileOptions;
// Opens a trace file (or "-") the way load_trace_file() does, for streaming.
Result<std::unique_ptr<TraceStream>> open_trace_stream(const TraceFileOptions& options);

}  // namespace pagescope::sim
