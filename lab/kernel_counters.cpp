#include "lab/kernel_counters.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

#include "lab/sys_file.h"

namespace pagescope::lab {
namespace {

std::uint64_t psi_total(const std::string& text, const std::string& line_kind) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(line_kind + " ", 0) != 0) continue;
    auto at = line.find("total=");
    if (at != std::string::npos) return std::strtoull(line.c_str() + at + 6, nullptr, 10);
  }
  return 0;
}

std::uint64_t tlb_shootdowns() {
  auto text = read_sys_file("/proc/interrupts");
  if (!text) return 0;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string label;
    fields >> label;
    if (label != "TLB:") continue;
    std::uint64_t sum = 0;
    std::string f;
    while (fields >> f && !f.empty() && f[0] >= '0' && f[0] <= '9') sum += std::strtoull(f.c_str(), nullptr, 10);
    return sum;
  }
  return 0;
}

// kswapd runs one thread per NUMA node, named kswapdN.
std::uint64_t kswapd_cpu_ms() {
  std::uint64_t ticks = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  while (dirent* e = ::readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::string dir = std::string("/proc/") + e->d_name;
    auto comm = read_sys_file(dir + "/comm");
    if (!comm || comm->rfind("kswapd", 0) != 0) continue;
    auto stat = read_sys_file(dir + "/stat");
    if (!stat) continue;
    // Fields after the ")" that closes comm: state is field 3, utime 14, stime 15.
    auto close = stat->rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream in(stat->substr(close + 2));
    std::string field;
    for (int i = 3; i <= 15 && in >> field; ++i)
      if (i == 14 || i == 15) ticks += std::strtoull(field.c_str(), nullptr, 10);
  }
  ::closedir(proc);
  long hz = ::sysconf(_SC_CLK_TCK);
  return hz > 0 ? ticks * 1000 / static_cast<std::uint64_t>(hz) : 0;
}

std::uint64_t minus(std::uint64_t after, std::uint64_t before) { return after > before ? after - before : 0; }

}  // namespace

std::uint64_t KernelCounters::vm_prefix_sum(const std::string& prefix) const {
  std::uint64_t sum = 0;
  for (auto it = vmstat.lower_bound(prefix); it != vmstat.end() && it->first.rfind(prefix, 0) == 0; ++it)
    sum += it->second;
  return sum;
}

KernelCounters read_kernel_counters() {
  KernelCounters c;
  if (auto vm = read_sys_file("/proc/vmstat")) c.vmstat = parse_key_values(*vm);
  if (auto psi = read_sys_file("/proc/pressure/memory")) {
    c.psi_available = true;
    c.psi_some_us = psi_total(*psi, "some");
    c.psi_full_us = psi_total(*psi, "full");
  }
  c.tlb_shootdowns = tlb_shootdowns();
  c.kswapd_cpu_ms = kswapd_cpu_ms();
  return c;
}

KernelCounters counter_delta(const KernelCounters& before, const KernelCounters& after) {
  KernelCounters d;
  for (const auto& [key, value] : after.vmstat) {
    auto it = before.vmstat.find(key);
    d.vmstat[key] = minus(value, it == before.vmstat.end() ? 0 : it->second);
  }
  d.psi_available = before.psi_available && after.psi_available;
  d.psi_some_us = minus(after.psi_some_us, before.psi_some_us);
  d.psi_full_us = minus(after.psi_full_us, before.psi_full_us);
  d.tlb_shootdowns = minus(after.tlb_shootdowns, before.tlb_shootdowns);
  d.kswapd_cpu_ms = minus(after.kswapd_cpu_ms, before.kswapd_cpu_ms);
  return d;
}

}  // namespace pagescope::lab
