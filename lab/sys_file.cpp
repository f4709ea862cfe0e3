#include "lab/sys_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace pagescope::lab {

Result<std::string> read_sys_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": " + std::strerror(errno)};
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Error{path + ": " + std::strerror(err)};
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Status write_sys_file(const std::string& path, const std::string& value) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": " + std::strerror(errno)};
  ssize_t n;
  do {
    n = ::write(fd, value.data(), value.size());
  } while (n < 0 && errno == EINTR);
  int err = errno;
  ::close(fd);
  if (n < 0) return Error{"writing '" + value + "' to " + path + ": " + std::strerror(err)};
  return Status::Ok();
}

Status write_regular_file(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{"cannot write " + path + ": " + std::strerror(errno)};
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  int err = errno;
  ::close(fd);
  if (!ok) return Error{"cannot write " + path + ": " + std::strerror(err)};
  return Status::Ok();
}

Result<std::uint64_t> read_sys_number(const std::string& path) {
  auto text = read_sys_file(path);
  if (!text) return text.error();
  const char* p = text->c_str();
  while (*p == ' ' || *p == '\t' || *p == '\n') ++p;
  if (*p < '0' || *p > '9') return Error{path + ": not a number: '" + *text + "'"};
  return static_cast<std::uint64_t>(std::strtoull(p, nullptr, 10));
}

std::map<std::string, std::uint64_t> parse_key_values(const std::string& text) {
  std::map<std::string, std::uint64_t> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    std::string value;
    if (fields >> key >> value && value[0] >= '0' && value[0] <= '9')
      out[key] = std::strtoull(value.c_str(), nullptr, 10);
  }
  return out;
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace pagescope::lab
