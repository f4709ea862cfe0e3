#include "inspector/capture/output_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>

namespace pagescope::capture {
namespace {

// "dir/" (empty for the current directory) and the last component.
std::pair<std::string, std::string> split(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {"", path};
  return {path.substr(0, slash + 1), path.substr(slash + 1)};
}

std::string temp_name(const std::string& path, const std::string& suffix) {
  auto [dir, base] = split(path);
  // NAME_MAX is 255: a long name must still leave room for ".", "." and six.
  if (base.size() > 240) base.resize(240);
  return dir + "." + base + "." + suffix;
}

std::string random_suffix() {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  unsigned char bytes[6] = {};
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // No entropy yet (early boot): O_EXCL still makes the name ours.
    uint64_t v = static_cast<uint64_t>(getpid()) * 2654435761u ^ static_cast<uint64_t>(time(nullptr));
    for (auto& b : bytes) b = static_cast<unsigned char>(v >>= 5);
  }
  std::string s;
  for (unsigned char b : bytes) s += kChars[b % (sizeof kChars - 1)];
  return s;
}

const char* file_type(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

Error cannot_write(const std::string& path, const std::string& why) {
  return Error{"cannot write " + path + ": " + why, ErrorKind::kUsage};
}

}  // namespace

std::string OutputFile::temp_pattern(const std::string& path) { return temp_name(path, "XXXXXX"); }

Result<OutputFile> OutputFile::create(const std::string& path) {
  if (path.empty()) return cannot_write("''", "no file name");
  if (path.back() == '/') return cannot_write(path, "a directory, not a file name");
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t n = readlink(path.c_str(), target, sizeof target - 1);
      std::string to = n > 0 ? std::string(target, static_cast<size_t>(n)) : "?";
      return cannot_write(path, "a symbolic link (to " + to +
                                    "); a capture is never written through one: give the path it "
                                    "points to, or remove the link");
    }
    if (!S_ISREG(st.st_mode)) {
      return cannot_write(path, std::string(file_type(st.st_mode)) + "; a capture must be a regular file");
    }
  } else if (errno != ENOENT) {
    return cannot_write(path, std::strerror(errno));
  }

  OutputFile out;
  out.path_ = path;
  for (int attempt = 0; attempt < 100; ++attempt) {
    out.temp_ = temp_name(path, random_suffix());
    // O_EXCL: a new file, ours; O_NOFOLLOW: says so outright (O_EXCL already
    // fails on a symlink). 0600: captures hold addresses and /proc text.
    out.fd_ = ::open(out.temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out.fd_ >= 0 || errno != EEXIST) break;
  }
  if (out.fd_ < 0) {
    // The file is created in the directory, so it is the directory that must
    // be writable (a writable file in a read-only directory is not enough).
    int err = errno;
    std::string dir = split(path).first;
    struct stat d {};
    if (err == ENOENT && stat(dir.empty() ? "." : dir.c_str(), &d) != 0) return cannot_write(path, std::strerror(err));
    return cannot_write(path, "cannot create a file in " + (dir.empty() ? std::string("./") : dir) + " (" +
                                  std::strerror(err) + ")");
  }
  out.done_ = false;
  // Our own new regular file: the umask may have taken bits from 0600 (a
  // umask of 0277 would leave it read-only to a later reader).
  if (fchmod(out.fd_, 0600) != 0) {
    Error e = cannot_write(path, std::string("cannot set mode 0600: ") + std::strerror(errno));
    out.discard();
    return e;
  }
  return out;
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      temp_(std::move(other.temp_)),
      fd_(std::exchange(other.fd_, -1)),
      done_(std::exchange(other.done_, true)) {}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    if (!done_) discard();
    path_ = std::move(other.path_);
    temp_ = std::move(other.temp_);
    fd_ = std::exchange(other.fd_, -1);
    done_ = std::exchange(other.done_, true);
  }
  return *this;
}

OutputFile::~OutputFile() {
  if (!done_) discard();
  close_fd();
}

void OutputFile::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status OutputFile::commit() {
  if (done_) return Error{"cannot rename " + temp_ + " to " + path_ + ": already closed"};
  done_ = true;
  Status st;
  if (fsync(fd_) != 0) st = Error{"fsync " + temp_ + ": " + std::strerror(errno)};
  if (::close(fd_) != 0 && st) st = Error{"close " + temp_ + ": " + std::strerror(errno)};
  fd_ = -1;
  const std::string kept = "; the capture is kept as " + temp_;
  struct stat now {};
  if (lstat(path_.c_str(), &now) == 0 && !S_ISREG(now.st_mode) && !S_ISLNK(now.st_mode)) {
    // It was checked at create(); something replaced it meanwhile. A symlink
    // is fine to replace (rename never touches its target); a device is not.
    return Error{path_ + " is now " + file_type(now.st_mode) + ", not replaced" + kept};
  }
  if (rename(temp_.c_str(), path_.c_str()) != 0) {
    return Error{"cannot rename " + temp_ + " to " + path_ + ": " + std::strerror(errno) + kept};
  }
  // The rename itself must survive a crash too (rename(2), fsync(2)).
  std::string dir = split(path_).first;
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    ::close(dfd);
  }
  return st;
}

void OutputFile::discard() {
  if (done_) return;
  done_ = true;
  close_fd();
  unlink(temp_.c_str());
}

void OutputFile::keep() {
  done_ = true;
  close_fd();
}

}  // namespace pagescope::capture
