// Appends records to a capture file: a file header, then self-contained
// compressed chunks, each framed with its length and a CRC32C, then on close
// a footer indexing the chunks by time. See docs/capture-format.md.
//
// Durability: every chunk is written with one write() as soon as it is sealed,
// so a recorder killed with SIGKILL leaves every sealed chunk readable; close()
// adds the footer and fsyncs.
//
// Not thread-safe: append, flush and close belong to one thread (the
// recorder's drain loop).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/capture/host_info.h"

namespace pagescope::capture {

enum class Codec : uint8_t { kNone = 0, kZstd = 1, kLz4 = 2 };

struct WriterOptions {
  Codec codec = Codec::kZstd;
  int level = 3;                         // zstd level (ignored by others)
  size_t chunk_bytes = 1 << 20;          // seal a chunk when its raw records reach this size
                                         // (clamped to [4 KiB, 64 MiB])
  bool columnar = true;                  // record-aware column transform before compressing;
                                         // false stores rows as appended (for comparison only)
};

struct WriterStats {
  std::array<uint64_t, 256> records_by_kind{};  // indexed by ps_header.kind
  uint64_t records = 0;
  uint64_t raw_bytes = 0;        // records as appended
  uint64_t file_bytes = 0;       // bytes written to the file so far
  uint64_t chunks = 0;
};

class CaptureWriter {
 public:
  // Creates (or truncates) `path` with mode 0600 and writes the file header.
  static Result<CaptureWriter> create(const std::string& path, const HostInfo& host,
                                      const WriterOptions& options = {});
  CaptureWriter(CaptureWriter&&) noexcept;
  CaptureWriter& operator=(CaptureWriter&&) noexcept;
  ~CaptureWriter();  // closes if still open (errors are lost: call close() to see them)

  // Copies one record (it starts with a ps_header whose size == `size`;
  // 24 <= size <= 16 MiB, else an Error and nothing is written).
  // Seals the current chunk when it is full. After a write error every call
  // returns that error.
  Status append(const void* record, size_t size);
  // Seals and writes the current chunk now (the recorder calls this periodically
  // so a hard kill loses at most one interval).
  Status flush();
  // Flushes, writes the footer, fsyncs and closes. Idempotent.
  Status close();

  const WriterStats& stats() const;

 private:
  struct Impl;
  explicit CaptureWriter(Impl* impl);
  Impl* impl_ = nullptr;
};

}  // namespace pagescope::capture
