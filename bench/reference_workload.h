// The simulator benchmarks' one reference workload (the issue's): 10 million
// references, zipf(1.0) over 1 million distinct pages, a quarter of them
// writes, memory = 10% of the pages. Built once per process.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "simulator/trace.h"

namespace pagescope::bench {

constexpr size_t kRefs = 10'000'000;
constexpr uint64_t kPages = 1'000'000;
constexpr uint32_t kFrames = 100'000;

inline const sim::Trace& zipf_trace() {
  static const sim::Trace trace = [] {
    std::vector<double> cdf(kPages);
    double sum = 0;
    for (uint64_t k = 0; k < kPages; ++k) cdf[k] = (sum += 1.0 / double(k + 1));
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0, sum);
    // Ranks scattered over a sparse page-number space, as in a real address trace.
    sim::TraceBuilder b(4096);
    for (size_t i = 0; i < kRefs; ++i) {
      uint64_t k = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
      b.add(0x7f0000000ull + k * 977, rng() % 4 == 0);
    }
    return b.finish();
  }();
  return trace;
}

}  // namespace pagescope::bench
