#include "inspector/live/source_probe.h"

#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "inspector/live/access_sampler.h"
#include "inspector/live/tracer.h"

namespace pagescope::live {
namespace {

using capture::Source;
using capture::SourceState;

constexpr long kTracefsMagic = 0x74726163;  // TRACEFS_MAGIC, include/uapi/linux/magic.h

std::string tracefs_line() {
  struct statfs fs {};
  bool mounted = statfs("/sys/kernel/tracing", &fs) == 0 && fs.f_type == kTracefsMagic;
  return std::string(mounted ? "mounted" : "not mounted") +
         " at /sys/kernel/tracing; used only for the ids of the syscalls:* events (memory "
         "syscalls; when not mounted, mounted in a private mount namespace, the host's mounts "
         "unchanged); without it they come from tp_btf/sys_enter and sys_exit";
}

// A /proc file sampled with the system counters: on, or why not in one line.
void add_sampled_file(capture::SourceSet& sources, Source s, const char* path, const char* also,
                      const char* what) {
  if (access(path, R_OK) != 0) {
    sources.set(s, SourceState::kUnavailable,
                std::string(path) + ": " + strerror(errno) + (errno == EACCES ? " (needs root)" : ""));
  } else {
    sources.set(s, SourceState::kOn, std::string(path) + also + " with the system counters: " + what);
  }
}

}  // namespace

void add_proc_sources(capture::SourceSet& sources) {
  sources.set(Source::kMapsSnapshots, SourceState::kOn,
              "/proc/PID/maps and status at start, at fork and at exec");
  if (access("/proc/vmstat", R_OK) != 0) {
    sources.set(Source::kSystemCounters, SourceState::kUnavailable,
                std::string("/proc/vmstat: ") + strerror(errno));
  } else {
    sources.set(Source::kSystemCounters, SourceState::kOn,
                access("/proc/pressure/memory", R_OK) == 0
                    ? "/proc/vmstat, meminfo and pressure/memory every second"
                    : "/proc/vmstat and meminfo every second (no PSI: /proc/pressure/memory absent)");
  }
  add_sampled_file(sources, Source::kBuddyinfo, "/proc/buddyinfo", " and pagetypeinfo",
                   "free blocks per order, fragmentation indices");
  add_sampled_file(sources, Source::kSlabinfo, "/proc/slabinfo", "", "slab caches");
}

SourceProbe probe_sources() {
  SourceProbe probe;
  Features features = Features::probe();
  probe.requirements = features.requirements();
  probe.tracefs = tracefs_line();

  auto tracer = Tracer::start(TracerOptions{}, features);  // traces no process
  if (tracer) {
    probe.sources = (*tracer)->sources();
    probe.can_record = true;
  } else {
    probe.failure = tracer.error().kind;
    for (size_t i = 0; i < capture::kSourceCount; ++i) {
      probe.sources.set(static_cast<Source>(i), SourceState::kUnavailable, tracer.error().message);
    }
  }
  add_proc_sources(probe.sources);

  AccessSamplerOptions access;
  access.interval_ns = 1000000000ull;
  auto sampler = AccessSampler::create(access);
  if (sampler) {
    probe.sources.set(Source::kAccessBits, SourceState::kOn,
                      "page-table walk (BPF syscall program); ask with --access-interval");
  } else {
    probe.sources.set(Source::kAccessBits, SourceState::kUnavailable, sampler.error().message);
  }
  if (geteuid() == 0) {
    probe.sources.set(Source::kPageContents, SourceState::kOn,
                      "/proc/PID/pagemap and mem; ask with --sample-contents");
  } else {
    probe.sources.set(Source::kPageContents, SourceState::kUnavailable,
                      "reading other processes' pages needs root");
  }
  return probe;
}

}  // namespace pagescope::live
