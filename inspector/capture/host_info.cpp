#include "inspector/capture/host_info.h"

#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <climits>

namespace pagescope::capture {
namespace {

uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// REALTIME - MONOTONIC, sampled as realtime/monotonic/realtime and taking the
// midpoint of the two realtime reads, so the error is half the read latency.
int64_t realtime_minus_monotonic() {
  int64_t best = 0;
  uint64_t best_window = UINT64_MAX;
  for (int i = 0; i < 5; ++i) {
    uint64_t r1 = clock_ns(CLOCK_REALTIME);
    uint64_t m = clock_ns(CLOCK_MONOTONIC);
    uint64_t r2 = clock_ns(CLOCK_REALTIME);
    if (r2 < r1) continue;  // wall clock stepped between the reads
    if (r2 - r1 < best_window) {
      best_window = r2 - r1;
      best = static_cast<int64_t>(r1 + (r2 - r1) / 2) - static_cast<int64_t>(m);
    }
  }
  return best;
}

}  // namespace

HostInfo read_host_info() {
  HostInfo host;
  utsname u{};
  if (uname(&u) == 0) host.kernel_release = u.release;
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) == 0) host.hostname = name;
  long page = sysconf(_SC_PAGESIZE);
  host.page_size = page > 0 ? static_cast<uint32_t>(page) : 0;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  host.cpu_count = cpus > 0 ? static_cast<uint32_t>(cpus) : 0;
  host.realtime_offset_ns = realtime_minus_monotonic();
  host.start_ns = clock_ns(CLOCK_MONOTONIC);
  return host;
}

}  // namespace pagescope::capture
