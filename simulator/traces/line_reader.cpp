#include "simulator/traces/line_reader.h"

#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace pagescope::sim::traces {

Result<LineReader> LineReader::open(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return Error{path + ": cannot open: " + std::strerror(errno ? errno : ENOENT)};
  gzbuffer(f, 1 << 17);
  return LineReader(path, f);
}

LineReader::LineReader(std::string path, void* file)
    : path_(std::move(path)), file_(file), buf_(1 << 16) {}

LineReader::LineReader(LineReader&& o) noexcept
    : path_(std::move(o.path_)), file_(o.file_), buf_(std::move(o.buf_)),
      long_line_(std::move(o.long_line_)), line_(o.line_) {
  o.file_ = nullptr;
}

LineReader::~LineReader() {
  if (file_) gzclose(static_cast<gzFile>(file_));
}

bool LineReader::next(std::string_view* line) {
  gzFile f = static_cast<gzFile>(file_);
  long_line_.clear();
  for (;;) {
    if (!gzgets(f, buf_.data(), static_cast<int>(buf_.size()))) {
      int err = 0;
      const char* msg = gzerror(f, &err);
      if (err != Z_OK && err != Z_STREAM_END) {
        read_error_ = path_ + ": read error: " + msg;
        return false;
      }
      if (long_line_.empty()) return false;
      break;  // last line without a newline
    }
    size_t n = std::strlen(buf_.data());
    bool complete = n > 0 && buf_[n - 1] == '\n';
    long_line_.append(buf_.data(), n);
    if (complete || gzeof(f)) break;
  }
  ++line_;
  std::string_view s = long_line_;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
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
