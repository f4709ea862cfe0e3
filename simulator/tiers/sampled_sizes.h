// Page sizes from record --sample-contents: a capture's ps_page_content
// records say how well real pages compressed. For each page of the trace the
// compressed size comes from, in order of preference:
//   1. its own samples (the mean, if it was sampled more than once),
//   2. the nearest sampled page of the same process in the same VMA (per the
//      capture's maps snapshots): neighbouring pages of one mapping tend to
//      hold the same kind of data,
//   3. the model (page_sizes.h), whose ratio and zero fraction default to the
//      capture's sampled mean when the command line does not set them.
// The calibration (ns per page) is the recording host's, from
// ps_compress_calibration, instead of this host's.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "compressors/calibration.h"
#include "events.h"
#include "simulator/trace.h"

namespace pagescope::sim::tiers {

struct PageSample {
  uint32_t pid = 0;
  uint64_t address = 0;
  uint32_t flags = 0;  // PS_PAGE_*
  std::array<uint16_t, PS_COMP_COUNT> compressed{};  // 0: not measured
};

struct SampledRegion {  // one VMA of one maps snapshot
  uint32_t pid = 0;
  uint64_t start = 0, end = 0;
};

struct CaptureCalibration {
  uint64_t pages = 0;  // 0: the capture has none for this compressor
  uint64_t compress_ns = 0, decompress_ns = 0;
};

struct CaptureContents {
  std::vector<PageSample> pages;
  std::vector<SampledRegion> regions;
  std::array<CaptureCalibration, PS_COMP_COUNT> calibration{};  // the last record per compressor
};

// Reads the samples, maps snapshots and calibrations of a capture file.
Result<CaptureContents> read_capture_contents(const std::string& path);

struct SizeOrigins {
  uint64_t own = 0;       // pages with their own sample
  uint64_t nearest = 0;   // sized by the nearest sampled page of their VMA
  uint64_t modelled = 0;  // no sample in their VMA: the model
  uint64_t total() const { return own + nearest + modelled; }
};

// Per dense page id: compressed bytes of a 4 KiB page (0: same-filled), for
// the compressor in `slot` (PS_COMP_*). `modelled` (model_page_sizes) fills
// the pages no sample reaches. Pages larger than 4 KiB take the mean of the
// samples inside them.
std::vector<uint16_t> sampled_page_sizes(const Trace& trace, const CaptureContents& c, int slot,
                                         const std::vector<uint16_t>& modelled, SizeOrigins* origins);

// Mean ratio (4096 / compressed over non-same-filled samples) and the
// fraction of same-filled samples for `slot`; {0, 0} without samples.
struct SampledMean {
  double ratio = 0;
  double same_fraction = 0;
  uint64_t samples = 0;
};
SampledMean sampled_mean(const CaptureContents& c, int slot);

// A Calibration whose text and random costs are the capture's mean per page;
// compressed_bytes is the sampled mean size.
compressors::Calibration calibration_from_capture(const char* name, const CaptureCalibration& k, const SampledMean& m);

}  // namespace pagescope::sim::tiers
