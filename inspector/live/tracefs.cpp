#include "inspector/live/tracefs.h"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

namespace pagescope::live {
namespace {

// Where tracefs shows up when mounted: its own mount point, or debugfs's
// automount (Documentation/trace/ftrace.rst).
constexpr const char* kTracefsDirs[] = {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};

bool has_events(const std::string& dir) {
  return access((dir + "/events/syscalls").c_str(), R_OK) == 0;
}

Result<TracepointIds> read_ids(const std::string& dir, const std::vector<std::string>& events,
                               std::string how) {
  TracepointIds out;
  out.how = std::move(how);
  for (const auto& e : events) {
    std::ifstream in(dir + "/events/" + e + "/id");
    int id = -1;
    if (!(in >> id) || id < 0) {
      return Error{"no tracepoint " + e + " in tracefs (" + dir + "/events/" + e + "/id)",
                   ErrorKind::kUnsupported};
    }
    out.ids[e] = id;
  }
  return out;
}

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

Result<TracepointIds> read_tracepoint_ids(const std::vector<std::string>& events) {
  if (const char* off = std::getenv("PAGESCOPE_NO_TRACEFS"); off && *off && std::strcmp(off, "0")) {
    return Error{"tracefs not used (PAGESCOPE_NO_TRACEFS is set)", ErrorKind::kUnsupported};
  }
  for (const char* dir : kTracefsDirs) {
    if (has_events(dir)) return read_ids(dir, events, std::string("tracefs at ") + dir);
  }
  // Not mounted: mount it where only one thread of ours sees it. unshare()
  // with CLONE_FS gives the thread its own root/cwd, so the new namespace is
  // its alone; it is gone when the thread ends.
  Result<TracepointIds> result = Error{"not read"};
  std::thread reader([&] {
    if (unshare(CLONE_FS | CLONE_NEWNS) != 0) {
      result = Error{"cannot mount tracefs privately: unshare(CLONE_NEWNS): " + errno_text(errno),
                     ErrorKind::kPermission};
      return;
    }
    // Private first, so the mount below never propagates to the host.
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      result = Error{"cannot mount tracefs privately: making / private: " + errno_text(errno),
                     ErrorKind::kPermission};
      return;
    }
    if (mount("nodev", kTracefsDirs[0], "tracefs", 0, nullptr) != 0) {
      result = Error{std::string("cannot mount tracefs at ") + kTracefsDirs[0] + ": " +
                         errno_text(errno),
                     ErrorKind::kUnsupported};
      return;
    }
    result = read_ids(kTracefsDirs[0], events,
                      "tracefs mounted in a private mount namespace (the host's mounts unchanged)");
  });
  reader.join();
  return result;
}

}  // namespace pagescope::live
