// Tracepoint ids from tracefs, without depending on the host having it mounted.
//
// The syscalls:sys_enter_NAME events run a BPF program on their own syscall
// only; the sys_enter raw tracepoint runs one on every syscall of the host
// (about 200 ns per call here). Their perf ids live in tracefs, which a host
// as booted does not mount. When it is not mounted, one short-lived thread
// unshares its mount namespace, makes it private, mounts tracefs there and
// reads the ids; the ids are global, the perf events opened with them work
// everywhere, and the host's (and the traced command's) mounts never change.
#ifndef PAGESCOPE_INSPECTOR_LIVE_TRACEFS_H
#define PAGESCOPE_INSPECTOR_LIVE_TRACEFS_H

#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::live {

struct TracepointIds {
  std::map<std::string, int> ids;  // "syscalls/sys_enter_mmap" -> id
  std::string how;                 // where they were read, one phrase
};

// The ids of every event in `events` ("category/name"). An error names the
// first event that has no id or why tracefs could not be reached.
// PAGESCOPE_NO_TRACEFS=1 refuses at once (tests of the fallback path).
Result<TracepointIds> read_tracepoint_ids(const std::vector<std::string>& events);

}  // namespace pagescope::live

#endif
