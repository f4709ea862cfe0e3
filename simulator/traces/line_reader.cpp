#include "simulator/traces/line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace pagescope::sim::traces {

Result<int> open_regular_file(const std::string& path) {
  if (path == "-") {
    // Standard input, whatever it is: the user chose it, so a pipe is meant.
    int fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) return Error{"stdin: cannot read: " + std::string(std::strerror(errno))};
    return fd;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const char* what = S_ISFIFO(st.st_mode)  ? "a FIFO"
                       : S_ISDIR(st.st_mode) ? "a directory"
                       : S_ISCHR(st.st_mode) ? "a device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "not a regular file";
    ::close(fd);
    return Error{path + ": cannot read a trace from " + std::string(what) + "; give a file"};
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

Result<LineReader> LineReader::open(const std::string& path) {
  auto fd = open_regular_file(path);
  if (!fd) return fd.error();
  gzFile f = gzdopen(*fd, "rb");
  if (!f) {
    ::close(*fd);
    return Error{path + ": cannot open: " + std::strerror(errno ? errno : ENOMEM)};
  }
  gzbuffer(f, 1 << 17);
  struct stat st {};
  const uint64_t total = fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
  return LineReader(input_name(path), f, total);
}

LineReader::LineReader(std::string path, void* file, uint64_t total)
    : path_(std::move(path)), file_(file), buf_(1 << 16), total_(total) {}

LineReader::LineReader(LineReader&& o) noexcept
    : path_(std::move(o.path_)), file_(o.file_), buf_(std::move(o.buf_)), pos_(o.pos_), end_(o.end_),
      eof_(o.eof_), long_line_(std::move(o.long_line_)), carry_(std::move(o.carry_)), split_(o.split_),
      partial_(o.partial_), peak_(o.peak_), consumed_(o.consumed_.load()), total_(o.total_), line_(o.line_) {
  o.file_ = nullptr;
}

LineReader::~LineReader() {
  if (file_) gzclose(static_cast<gzFile>(file_));
}

bool LineReader::fill() {
  if (eof_ || !read_error_.empty()) return false;
  gzFile f = static_cast<gzFile>(file_);
  int n = gzread(f, buf_.data(), static_cast<unsigned>(buf_.size()));
  if (n < 0) {
    int err = 0;
    read_error_ = path_ + ": read error: " + gzerror(f, &err);
    return false;
  }
  pos_ = 0;
  end_ = static_cast<size_t>(n);
  consumed_.store(uint64_t(gzoffset(f)), std::memory_order_relaxed);
  if (n == 0) eof_ = true;
  return n > 0;
}

bool LineReader::next(std::string_view* line) {
  const bool continuing = partial_;  // the last piece was not its line's end
  partial_ = false;
  long_line_.swap(carry_);
  carry_.clear();
  bool any = !long_line_.empty();
  for (;;) {
    if (pos_ == end_ && !fill()) {
      if (!read_error_.empty() || !any) return false;
      break;  // last line without a newline
    }
    any = true;
    const char* b = buf_.data() + pos_;
    const void* nl = std::memchr(b, '\n', end_ - pos_);
    const size_t n = nl ? static_cast<size_t>(static_cast<const char*>(nl) - b) : end_ - pos_;
    const size_t room = kMaxLine - long_line_.size();
    if (n > room) {
      // Longer than the bound: an error, or (split_) a piece up to the last
      // separator, the rest kept for the next call.
      const uint64_t number = line_ + (continuing ? 0 : 1);
      if (!split_) {
        read_error_ = path_ + ":" + std::to_string(number) + ": line longer than " + std::to_string(kMaxLine) +
                      " bytes (not a trace of this format?)";
        return false;
      }
      long_line_.append(b, room);
      pos_ += room;
      const size_t cut = long_line_.find_last_of(" \t,");
      if (cut == std::string::npos) {
        read_error_ = path_ + ":" + std::to_string(number) + ": a token longer than " + std::to_string(kMaxLine) +
                      " bytes";
        return false;
      }
      carry_.assign(long_line_, cut + 1, std::string::npos);
      long_line_.resize(cut + 1);
      partial_ = true;
      break;
    }
    long_line_.append(b, n);
    pos_ += n;
    if (nl) {
      ++pos_;
      break;
    }
  }
  if (!continuing) ++line_;
  peak_ = std::max(peak_, buffer_bytes());
  if (const void* nul = std::memchr(long_line_.data(), '\0', long_line_.size())) {
    read_error_ = path_ + ":" + std::to_string(line_) + ": NUL byte at column " +
                  std::to_string(static_cast<const char*>(nul) - long_line_.data() + 1) +
                  " (binary data, not a text trace)";
    return false;
  }
  std::string_view s = long_line_;
  if (!partial_)
    while (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  *line = s;
  return true;
}

Error LineReader::error_here(std::string_view what) const {
  return Error{path_ + ":" + std::to_string(line_) + ": " + std::string(what)};
}

bool parse_u64(std::string_view s, uint64_t* out, bool hex) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  } else if (hex) {
    base = 16;
  }
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace pagescope::sim::traces
