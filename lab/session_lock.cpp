#include "lab/session_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pagescope::lab {

Result<std::unique_ptr<SessionLock>> SessionLock::acquire(const std::string& state_dir) {
  if (::mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Error{"cannot create " + state_dir + ": " + std::strerror(errno)};
  std::string path = state_dir + "/lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error{"cannot open " + path + ": " + std::strerror(errno)};
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return Error{"lab busy: another pagescope lab is running (it holds " + path + ")"};
    return Error{"cannot lock " + path + ": " + std::strerror(err)};
  }
  return std::unique_ptr<SessionLock>(new SessionLock(fd));
}

SessionLock::~SessionLock() { ::close(fd_); }

}  // namespace pagescope::lab
