// CLOCK_MONOTONIC in nanoseconds: the clock of bpf_ktime_get_ns(), so /proc
// snapshots, samplers, the live views and kernel events share one timeline.
#pragma once

#include <time.h>

#include <cstdint>

namespace pagescope {

inline uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace pagescope
