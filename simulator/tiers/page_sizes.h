// How well each page compresses. Traces carry no page contents, so the size is
// modelled: a deterministic function of the page's number (a hash), so the same
// page gets the same size in every run, every policy and every tier.
//
// Sizes are in bytes of a 4 KiB page (0..4096; 0 = zero/same-filled). For
// traces with other page sizes the same fraction of the page is meant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/trace.h"

namespace pagescope::sim::tiers {

inline constexpr uint32_t kModelPage = 4096;

struct CompressibilityModel {
  double ratio = 2.5;                  // mean compression ratio of ordinary pages
  double zero_fraction = 0.0;          // pages that are zero/same-filled
  double incompressible_fraction = 0;  // pages that do not compress at all (size 4096)
  uint64_t seed = 0;                   // hash salt
};

// Checks ranges: ratio >= 1, fractions in [0,1] summing to at most 1.
Status check_model(const CompressibilityModel& m);

// Per dense page id: compressed bytes. Ordinary pages are spread uniformly over
// [0.5, 1.5] x 4096/ratio (clamped to 1..4096), so a fixed ratio still has
// pages on both sides of a reject threshold.
std::vector<uint16_t> model_page_sizes(const Trace& trace, const CompressibilityModel& m);

}  // namespace pagescope::sim::tiers
