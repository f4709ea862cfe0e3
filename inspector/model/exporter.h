// Export formats: one class per format behind this interface, registered in
// make_exporter(). The export command replays a capture once, attributing
// faults with a SpaceTracker, and hands each record to the exporter.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "events.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/space_tracker.h"

namespace pagescope::model {

// The counter resolutions every trace format shares: faults per 10 ms and the
// working set W(t, 100 ms).
inline constexpr uint64_t kExportFaultBucketNs = 10'000'000;
inline constexpr uint64_t kExportWssTauNs = 100'000'000;

// What the model knew about a fault when it happened.
struct FaultContext {
  const Vma* vma = nullptr;  // nullptr: no VMA known at that address
};

class Exporter {
 public:
  virtual ~Exporter() = default;
  // `zero_ns`: capture time zero; exported times are relative to it.
  // `sources`: which event sources the capture had; a format writes the
  // source table where its readers look for metadata, and leaves fields of
  // a missing source empty (null) rather than 0.
  virtual Status open(const std::string& output, uint64_t zero_ns, const SourceNotes& sources) = 0;
  virtual void record(const ps_header& h, const FaultContext& fault) = 0;
  virtual void vma_change(uint32_t pid, uint32_t mapping, const MappingChange& c,
                          uint64_t mapped_bytes) = 0;
  virtual Status finish() = 0;
};

// "chrome-json" (Perfetto / chrome://tracing), "perfetto" (Perfetto's protobuf
// trace) or "csv"; nullptr if unknown.
std::unique_ptr<Exporter> make_exporter(const std::string& format);
std::vector<std::string> exporter_names();

}  // namespace pagescope::model
