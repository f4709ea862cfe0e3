// Appends records to a capture file: a file header, then self-contained
// compressed chunks, each framed with its length and a CRC32C, then on close
// a footer indexing the chunks by time. See docs/capture-format.md.
//
// The file is written under a temporary name beside its path and renamed over
// it by close() (output_file.h says why: symlinks, device nodes and the
// previous capture are never written through or lost).
//
// Durability: every chunk is written with one write() as soon as it is sealed,
// so a recorder killed with SIGKILL leaves every sealed chunk readable under
// the temporary name (".NAME.XXXXXX"); close() adds the footer, fsyncs and
// renames.
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
#include "inspector/capture/output_file.h"

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
  // Creates the temporary file for `path` (OutputFile::create: mode 0600,
  // never through a symlink, never over anything but a regular file) and
  // writes the file header. `path` itself is untouched until close().
  static Result<CaptureWriter> create(const std::string& path, const HostInfo& host,
                                      const WriterOptions& options = {});
  // The same into a file the caller created earlier (record creates its
  // output before any work starts, and learns the host facts only later).
  static Result<CaptureWriter> create(OutputFile file, const HostInfo& host,
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
  // Flushes, writes the footer, fsyncs, closes and renames the file to its
  // path. After a write error (disk full) what was written is still renamed
  // into place: a prefix is a readable capture. Idempotent.
  Status close();
  // Closes and removes the temporary file without renaming it: nothing was
  // recorded worth keeping, and the previous file at the path stays as it
  // was. No-op after close().
  void discard();

  const WriterStats& stats() const;

 private:
  struct Impl;
  explicit CaptureWriter(Impl* impl);
  Impl* impl_ = nullptr;
};

}  // namespace pagescope::capture
