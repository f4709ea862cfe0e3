// Reads a capture file: validates the header, then yields records chunk by
// chunk. Corrupt chunks (bad CRC, bad length, undecodable) are reported and
// skipped; a file cut short (recorder killed) yields every complete chunk
// and says how much was recovered. Never crashes on bad input.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "events.h"
#include "inspector/capture/host_info.h"

namespace pagescope::capture {

struct ReadReport {
  bool complete = false;          // footer present: the recorder closed the file cleanly
  uint64_t chunks_ok = 0;
  uint64_t chunks_corrupt = 0;    // skipped (CRC mismatch, bad frame, decompression failed)
  uint64_t bytes_unreadable = 0;  // corrupt chunks plus a truncated tail
  uint64_t records = 0;
  std::vector<std::string> problems;  // one line each, e.g. "chunk 17 at offset 123456: CRC mismatch"
};

struct ChunkInfo {
  uint64_t offset = 0;     // of the chunk frame in the file
  uint64_t first_ts_ns = 0;  // smallest ts in the chunk (records are only roughly ts-ordered)
  uint64_t last_ts_ns = 0;   // largest ts in the chunk
  uint32_t records = 0;
};

class CaptureReader {
 public:
  // Opens and validates the file header. Errors: no such file, not a capture
  // (bad magic), unsupported major version, empty or truncated header.
  static Result<CaptureReader> open(const std::string& path);
  CaptureReader(CaptureReader&&) noexcept;
  CaptureReader& operator=(CaptureReader&&) noexcept;
  ~CaptureReader();

  const HostInfo& host() const;
  uint16_t format_major() const;
  uint16_t format_minor() const;

  // Calls `fn` for every record in file order. A chunk is delivered whole or
  // not at all: one that fails its CRC or does not decode (e.g. an impossible
  // hdr.size) is skipped and counted as corrupt. The record is 8-byte aligned
  // and valid only during the call. Return false from fn to stop early.
  // Can be called more than once; each call reads the file from the start.
  Status for_each(const std::function<bool(const ps_header&)>& fn);
  // Only records with ts in [from_ns, to_ns), in file order, reading only the
  // chunks whose [first_ts, last_ts] overlaps the range (per the chunk index).
  // report() then counts only the chunks this call read.
  Status for_each_between(uint64_t from_ns, uint64_t to_ns,
                          const std::function<bool(const ps_header&)>& fn);

  // Filled in by for_each (and by open() for what the footer says, or what the
  // scan that rebuilt the index found).
  const ReadReport& report() const;
  // The chunk index: from the footer, or rebuilt by scanning if there is none.
  const std::vector<ChunkInfo>& chunks() const;

 private:
  struct Impl;
  explicit CaptureReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pagescope::capture
