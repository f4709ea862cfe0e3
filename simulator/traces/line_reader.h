// Reads text lines from a plain or gzip'd file (zlib reads both transparently),
// counting line numbers for error messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pagescope::sim::traces {

// Opens `path` for reading if it is a regular file, without blocking: a FIFO
// with no writer would hang open() forever (issue 17.14). Returns the fd.
Result<int> open_regular_file(const std::string& path);

class LineReader {
 public:
  // A regular file only (see open_regular_file).
  static Result<LineReader> open(const std::string& path);
  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&&) = delete;
  ~LineReader();

  // Next line without its newline; false at end of file, or at a read error
  // or a NUL byte (binary data is not a text trace: issue 17.16), which
  // read_error() then names.
  bool next(std::string_view* line);
  uint64_t line_number() const { return line_; }
  const std::string& path() const { return path_; }
  // "path:line: what" for a malformed line.
  Error error_here(std::string_view what) const;
  // Non-empty after next() returned false because of a read error.
  const std::string& read_error() const { return read_error_; }

 private:
  LineReader(std::string path, void* file);
  std::string path_;
  bool fill();
  void* file_ = nullptr;  // gzFile
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;  // unread bytes of buf_
  bool eof_ = false;
  std::string long_line_;
  uint64_t line_ = 0;
  std::string read_error_;
};

// Parses an unsigned integer (decimal, or hex with 0x, or hex when `hex`).
bool parse_u64(std::string_view s, uint64_t* out, bool hex = false);
std::string_view trim(std::string_view s);

}  // namespace pagescope::sim::traces
