// Reads text lines from a plain or gzip'd file (zlib reads both transparently),
// counting line numbers for error messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pagescope::sim::traces {

class LineReader {
 public:
  static Result<LineReader> open(const std::string& path);
  LineReader(LineReader&& other) noexcept;
  LineReader& operator=(LineReader&&) = delete;
  ~LineReader();

  // Next line without its newline; false at end of file.
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
  void* file_ = nullptr;  // gzFile
  std::vector<char> buf_;
  std::string long_line_;
  uint64_t line_ = 0;
  std::string read_error_;
};

// Parses an unsigned integer (decimal, or hex with 0x, or hex when `hex`).
bool parse_u64(std::string_view s, uint64_t* out, bool hex = false);
std::string_view trim(std::string_view s);

}  // namespace pagescope::sim::traces
