#include "tui/proc_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/monotonic_clock.h"
#include "inspector/model/maps_parser.h"
#include "inspector/model/proc_counters.h"
#include "inspector/model/smaps_parser.h"

namespace pagescope::tui {

ProcSource::ProcSource(std::string proc_root) : proc_root_(std::move(proc_root)) {
  traits_.name = "/proc";
  long page = sysconf(_SC_PAGESIZE);
  page_kb_ = page > 0 ? page / 1024 : 4;
  buf_.reserve(1 << 16);
}

bool ProcSource::read_file(const std::string& path) {
  buf_.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char chunk[8192];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf_.append(chunk, size_t(n));
  }
  ::close(fd);
  return true;
}

Result<Snapshot> ProcSource::sample() {
  Snapshot snap;
  snap.ts_ns = monotonic_ns();
  if (!read_file(proc_root_ + "/meminfo")) {
    return Error{proc_root_ + "/meminfo: cannot read (" + std::strerror(errno) + ")"};
  }
  model::parse_meminfo(buf_, snap.system);
  if (read_file(proc_root_ + "/vmstat")) model::parse_vmstat(buf_, snap.system);
  if (read_file(proc_root_ + "/pressure/memory")) model::parse_psi_memory(buf_, snap.system);
  if (read_file(proc_root_ + "/interrupts")) {
    if (auto tlb = model::parse_interrupts_tlb(buf_)) snap.system.tlb.push_back({"shootdown IPI", *tlb});
  }

  const bool swap_in_use = snap.system.swap_total_kb > snap.system.swap_free_kb;
  DIR* dir = opendir(proc_root_.c_str());
  if (!dir) return Error{proc_root_ + ": cannot list (" + std::strerror(errno) + ")"};
  while (dirent* de = readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(de->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    path_ = proc_root_;
    path_ += '/';
    path_ += de->d_name;
    size_t base = path_.size();
    // A process may exit between the listing and any read: skip it then.
    path_ += "/stat";
    if (!read_file(path_)) continue;
    auto stat = model::parse_pid_stat(buf_);
    if (!stat) continue;
    ProcessCounters p;
    p.pid = int32_t(pid);
    p.comm = std::move(stat->comm);
    p.min_flt = stat->min_flt;
    p.maj_flt = stat->maj_flt;
    path_.resize(base);
    path_ += "/statm";
    if (read_file(path_)) {
      if (auto pages = model::parse_statm_resident_pages(buf_)) p.rss_kb = *pages * uint64_t(page_kb_);
    }
    // Kernel threads have no mm, and with no swap in use every VmSwap is 0:
    // skip the third read per process then (a third of top's cost).
    if (p.rss_kb > 0 && swap_in_use) {
      path_.resize(base);
      path_ += "/status";
      if (read_file(path_)) p.swap_kb = model::parse_status_vmswap_kb(buf_).value_or(0);
    }
    snap.processes.push_back(std::move(p));
  }
  closedir(dir);
  std::sort(snap.processes.begin(), snap.processes.end(),
            [](const ProcessCounters& a, const ProcessCounters& b) { return a.pid < b.pid; });
  return snap;
}

Result<std::vector<VmaRow>> ProcSource::vmas(int32_t pid, bool with_rss) {
  std::string dir = proc_root_ + "/" + std::to_string(pid);
  if (!read_file(dir + "/maps")) {
    return Error{dir + "/maps: cannot read (" + std::strerror(errno) + ")"};
  }
  // The process may change its mappings while we read: lax, and say so.
  model::LaxMaps maps = model::parse_maps_lax(buf_);
  if (maps.dropped_lines > 0) {
    note_ = dir + "/maps changed while read: " + std::to_string(maps.dropped_lines) + " line(s) dropped (" +
            maps.first_problem + ")";
  }
  std::vector<VmaRow> out;
  out.reserve(maps.vmas.size());
  for (model::Vma& v : maps.vmas) out.push_back({std::move(v), {}, {}});
  if (with_rss && read_file(dir + "/smaps")) {
    // A torn smaps leaves RSS unknown ("-") for this refresh.
    if (auto smaps = model::parse_smaps(buf_)) {
      size_t i = 0;  // both lists are in address order: one forward walk matches them
      for (const model::SmapsVma& s : smaps->vmas) {
        while (i < out.size() && out[i].vma.start < s.vma.start) ++i;
        if (i < out.size() && out[i].vma.start == s.vma.start) out[i].rss_kb = s.rss / 1024;
      }
    }
  }
  return out;
}

}  // namespace pagescope::tui
