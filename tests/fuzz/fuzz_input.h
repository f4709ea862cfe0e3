// What the fuzz targets share: the input as a file (the readers take paths),
// and a way to cut a few option bytes off the front of it.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace pagescope::fuzz {

// One anonymous in-memory file (memfd) for the whole run, rewritten for each
// input: a regular file with a path (/proc/self/fd/N), no disk traffic.
class MemFile {
 public:
  MemFile() {
    fd_ = memfd_create("pagescope-fuzz", MFD_CLOEXEC);
    if (fd_ < 0) std::abort();
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  const std::string& write(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    size_t at = 0;
    while (at < size) {
      ssize_t n = pwrite(fd_, data + at, size - at, static_cast<off_t>(at));
      if (n <= 0) std::abort();
      at += static_cast<size_t>(n);
    }
    return path_;
  }

 private:
  int fd_ = -1;
  std::string path_;
};

inline MemFile& mem_file() {
  static MemFile f;
  return f;
}

// Takes the first byte of the input (0 when empty) as a selector.
inline uint8_t take_byte(const uint8_t*& data, size_t& size) {
  if (size == 0) return 0;
  uint8_t b = data[0];
  ++data;
  --size;
  return b;
}

}  // namespace pagescope::fuzz
