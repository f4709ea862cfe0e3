// `record --sample-contents`: how well the traced processes' resident pages
// compress. Every poll reads a few resident pages (/proc/PID/maps for the
// VMAs, /proc/PID/pagemap bit 63 to find present pages, /proc/PID/mem to read
// them), compresses each with the real libraries and appends one
// ps_page_content per page: compressed sizes and zero/same-filled flags only,
// never the bytes. The time those compressions took is appended as
// ps_compress_calibration (cumulative, every few seconds and at the end).
#pragma once

#include <cstdint>
#include <memory>

#include "inspector/live/interval_sampler.h"

namespace pagescope::live {

// At the default rate the sampler also holds itself to kContentCpuBudget of
// one core (measured in its own thread CPU time): on a busy host where a page
// costs more than the 100 us this rate assumes, it samples fewer pages.
inline constexpr int kDefaultContentPagesPerS = 200;
inline constexpr double kContentCpuBudget = 0.02;

struct ContentSamplerOptions {
  int pages_per_s = 0;            // 0: kDefaultContentPagesPerS with the CPU budget enforced
  uint64_t seed = 0x5eed;         // which pages get picked (tests fix it)
  uint64_t maps_refresh_ns = 1000000000;  // re-read a process's maps at most this often
  uint64_t calibration_every_ns = 5000000000;
  // Skip a process still running our own executable: the recorder's fork
  // before it execs the command. Tests that sample their own forks turn it off.
  bool skip_own_forks = true;
};

std::unique_ptr<IntervalSampler> make_content_sampler(const ContentSamplerOptions& options);

}  // namespace pagescope::live
