// Reads text lines from a plain or gzip'd file (zlib reads both transparently),
// counting line numbers for error messages.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pagescope::sim::traces {

// Opens `path` for reading if it is a regular file, without blocking: a FIFO
// with no writer would hang open() forever (issue 17.14). Returns the fd.
// "-" is standard input (a pipe or a file; read once, front to back).
Result<int> open_regular_file(const std::string& path);
// How an input is named in messages: "stdin" for "-".
inline std::string input_name(const std::string& path) { return path == "-" ? "stdin" : path; }

// Memory is bounded whatever the input: the read buffer and at most
// kMaxLine bytes of one line (buffer_bytes() <= kBufferCap, checked by
// tests/simulator/trace_stream_test.cpp on an input far larger).
class LineReader {
 public:
  static constexpr size_t kMaxLine = size_t{1} << 20;
  static constexpr size_t kBufferCap = (size_t{1} << 16) + 4 * kMaxLine;
  // A regular file or "-" (see open_regular_file).
  static Result<LineReader> open(const std::string& path);
  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&&) = delete;
  ~LineReader();

  // Next line without its newline; false at end of file, or at a read error
  // or a NUL byte (binary data is not a text trace: issue 17.16), which
  // read_error() then names.
  // A line longer than kMaxLine is an error, unless split_long_lines():
  // then it comes in pieces cut after a space, tab or comma, and partial()
  // says a piece is not the line's end (a text trace may be one long line).
  bool next(std::string_view* line);
  void split_long_lines() { split_ = true; }
  bool partial() const { return partial_; }
  // Bytes held now, and the most ever held (for the bound above).
  size_t buffer_bytes() const { return buf_.size() + long_line_.capacity() + carry_.capacity(); }
  size_t peak_buffer_bytes() const { return peak_; }
  // Input consumed so far and its size (compressed bytes for .gz; size 0 when
  // unknown, e.g. a pipe). Safe to read from another thread.
  uint64_t bytes_read() const { return consumed_.load(std::memory_order_relaxed); }
  uint64_t bytes_total() const { return total_; }
  uint64_t line_number() const { return line_; }
  const std::string& path() const { return path_; }
  // "path:line: what" for a malformed line.
  Error error_here(std::string_view what) const;
  // Non-empty after next() returned false because of a read error.
  const std::string& read_error() const { return read_error_; }

 private:
  LineReader(std::string path, void* file, uint64_t total);
  std::string path_;
  bool fill();
  void* file_ = nullptr;  // gzFile
  std::vector<char> buf_;
  size_t pos_ = 0, end_ = 0;  // unread bytes of buf_
  bool eof_ = false;
  std::string long_line_, carry_;  // carry_: the rest of a line split last time
  bool split_ = false, partial_ = false;
  size_t peak_ = 0;
  std::atomic<uint64_t> consumed_{0};
  uint64_t total_ = 0;
  uint64_t line_ = 0;
  std::string read_error_;
};

// Parses an unsigned integer (decimal, or hex with 0x, or hex when `hex`).
bool parse_u64(std::string_view s, uint64_t* out, bool hex = false);
std::string_view trim(std::string_view s);

}  // namespace pagescope::sim::traces
