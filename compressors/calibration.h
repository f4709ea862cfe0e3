// How fast this host compresses and decompresses one 4 KiB page with a given
// compressor, measured on three kinds of sample page: all zeros, random bytes
// (incompressible) and text-like bytes (words from a small vocabulary, the
// compressible middle). The tiers' CPU and stall figures come from these.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/result.h"
#include "compressors/compressor.h"

namespace pagescope::compressors {

inline constexpr size_t kSamplePageSize = 4096;

enum class SampleKind { kZeros, kRandom, kText };

// One deterministic 4 KiB sample page of that kind (same bytes on every host).
std::vector<uint8_t> sample_page(SampleKind kind, uint64_t seed = 1);

struct SampleCost {
  size_t compressed_bytes = 0;  // what the library produced for the sample
  double compress_ns = 0;       // per page, mean over the measurement
  double decompress_ns = 0;
};

struct Calibration {
  const char* compressor = "";
  SampleCost zeros, random, text;
  // Ratio on the text-like sample: the default compressibility of a page.
  double text_ratio() const { return text.compressed_bytes ? double(kSamplePageSize) / double(text.compressed_bytes) : 1.0; }
};

// Runs each operation for about `per_measure` (at least a few iterations).
// A library that fails to compress a sample page or to give it back intact is
// an Error naming the compressor, not an exception: the TUI calibrates on its
// replay thread, where an exception would end the program.
Result<Calibration> calibrate(const Compressor& c,
                              std::chrono::nanoseconds per_measure = std::chrono::milliseconds(20));

}  // namespace pagescope::compressors
