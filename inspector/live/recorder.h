// `pagescope record`: runs or attaches to the workload, drains the tracer into
// a capture file, anchors it with /proc snapshots and samples system context.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/capture/writer.h"

namespace pagescope::live {

struct RecordOptions {
  std::string output;                // capture file: written as .NAME.XXXXXX beside it, renamed over it
                                     // at the end; a symlink or non-regular file is refused
                                     // (capture/output_file.h)
  std::vector<std::string> command;  // `-- cmd args`: run and trace it (and its children)
  std::vector<uint32_t> pids;        // -p: attach (and follow future children)
  bool all = false;                  // --all: whole system
  double duration_s = 0;             // -d: stop after this long (0: until the command/pids end or Ctrl-C)
  uint64_t max_file_bytes = 0;       // --max-size: stop once the file is this large (0: no limit)
  std::string cgroup;                // --cgroup DIR: the command's child joins this cgroup before exec
  size_t ring_bytes = 64u << 20;
  int flush_ms = 250;                // seal a chunk at least this often (a hard kill loses less)
  int sample_ms = 1000;              // system context interval
  size_t max_snapshots_per_s = 200;
  int maps_interval_ms = 0;          // --maps-interval: re-snapshot every live traced process's maps
  int wss_interval_ms = 0;           // --wss-interval: smaps Referenced per VMA, then clear_refs
  int access_interval_ms = 0;        // --access-interval: page-granular accessed/dirty bits
  bool sample_contents = false;      // --sample-contents: compressibility of sampled resident pages
  int contents_pages_per_s = 0;      // --contents-rate: pages sampled per second (0: the sampler's default)
  std::string command_line;          // stored in the capture
  bool verbose = false;
};

// `record -- CMD`: the command's faults in the capture against the kernel's
// own count for it (wait4: the command and the children it reaped).
struct FaultCheck {
  bool available = false;          // the command ran to its end with per-fault accounting
  std::string why_not;             // when not available
  uint64_t captured_minor = 0;     // accounted fault records of the traced tree from the exec on
  uint64_t captured_major = 0;
  uint64_t kernel_minor = 0;       // wait4's ru_minflt, before exec included
  uint64_t kernel_major = 0;
  uint64_t pre_exec_minor = 0;     // getrusage in the child just before exec
  uint64_t pre_exec_major = 0;
};

struct RecordSummary {
  capture::WriterStats writer;
  uint64_t lost = 0;
  double seconds = 0;
  // The recorder's own CPU (user + system, every thread of this process, not
  // the command) from the first record to the closed file: draining,
  // encoding, compressing, writing, sampling. The BPF programs' time is not
  // in it: they run in the traced tasks.
  double cpu_seconds = 0;
  bool max_size_reached = false;     // --max-size ended the recording
  int command_status = -1;           // wait status of the command, -1 if none
  uint64_t snapshots = 0;
  uint64_t snapshots_skipped = 0;    // newly seen processes not snapshotted (rate limit)
  std::vector<std::string> attach_report;
  capture::SourceSet sources;               // what was on, and why each missing source was off
  FaultCheck fault_check;                   // record -- CMD only
  std::vector<std::string> sampler_reports; // one line per sampler that ran
};

// Records until the command exits, the duration elapses, every -p process is
// gone, or `stop` becomes true (SIGINT/SIGTERM/SIGHUP). What was captured is
// always closed properly and renamed to `output`, after a write error too;
// errors before recording starts are returned, with the temporary file
// removed and whatever was at `output` untouched. The command is ended
// (SIGTERM, then SIGKILL) and reaped if it outlives the recording by a second.
Result<RecordSummary> record(const RecordOptions& options, const std::atomic<bool>& stop);

}  // namespace pagescope::live
