// System-wide counters the lab reads before and after the workload: the
// kernel's own account of swapping, faults, reclaim and pressure. They are
// machine-wide, so anything else running at the same time shows up too; the
// lab's zram device and cgroup give the per-run cross-checks.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace pagescope::lab {

struct KernelCounters {
  std::map<std::string, std::uint64_t> vmstat;  // /proc/vmstat
  std::uint64_t psi_some_us = 0;                // /proc/pressure/memory "some total="
  std::uint64_t psi_full_us = 0;                // "full total="
  bool psi_available = false;
  std::uint64_t tlb_shootdowns = 0;             // /proc/interrupts "TLB", summed over CPUs
  std::uint64_t kswapd_cpu_ms = 0;              // utime+stime of every kswapdN thread

  std::uint64_t vm(const std::string& key) const {
    auto it = vmstat.find(key);
    return it == vmstat.end() ? 0 : it->second;
  }
  // Sum of every vmstat key starting with `prefix` (allocstall_dma, _normal, ...).
  std::uint64_t vm_prefix_sum(const std::string& prefix) const;
};

KernelCounters read_kernel_counters();

// after - before for every field (0 where a counter went backwards).
KernelCounters counter_delta(const KernelCounters& before, const KernelCounters& after);

}  // namespace pagescope::lab
