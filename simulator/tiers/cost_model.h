// From a tier's counts to seconds: CPU spent compressing and decompressing
// (this host's calibration) and the time faulting threads wait (latency model).
//   pool hit  -> decompress (measured; same-filled pages cost nothing)
//   swap read -> --swap-latency (default 100 us, an SSD's 4 KiB random read)
//   zram hit  -> decompress (measured)
// Cold faults (first touch) are the same with or without a tier and not counted.
#pragma once

#include <cstdint>

#include "compressors/calibration.h"
#include "simulator/tiers/tier.h"

namespace pagescope::sim::tiers {

struct LatencyModel {
  double swap_read_ns = 100000;
  // CPU multiplier for pages that are not 4 KiB (2 MiB pages cost 512x a 4 KiB
  // page to compress); a swap read costs swap_read_ns whatever the page size.
  double pages_per_page = 1.0;
};

struct TierCost {
  double compress_s = 0;
  double decompress_s = 0;  // on faults and for write-backs
  double stall_s = 0;       // faults waiting for decompression or a swap read
};

// `cal` may be null for the none tier (no compression).
TierCost estimate_cost(const TierStats& s, const compressors::Calibration* cal, const LatencyModel& m);

}  // namespace pagescope::sim::tiers
