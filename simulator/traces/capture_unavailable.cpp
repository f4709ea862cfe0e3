// Built when the capture reader (inspector/capture) is not: the "capture"
// format exists but says why it cannot be read.
#include "simulator/traces/formats.h"

namespace pagescope::sim::traces {

Result<std::unique_ptr<ReferenceSource>> open_capture(const std::string& path, const SourceOptions&) {
  return Error{path + ": reading pagescope captures needs the capture reader, which this build lacks"};
}

}  // namespace pagescope::sim::traces
