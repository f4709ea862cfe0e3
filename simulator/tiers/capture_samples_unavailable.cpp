// Builds without the capture reader cannot read content samples.
#include "simulator/tiers/sampled_sizes.h"

namespace pagescope::sim::tiers {

Result<CaptureContents> read_capture_contents(const std::string& path) {
  return Error{"cannot read content samples from '" + path + "': this build has no capture reader"};
}

}  // namespace pagescope::sim::tiers
