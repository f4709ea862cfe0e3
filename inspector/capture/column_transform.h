// The record-aware, lossless transform applied inside a chunk before
// compression (format::kTransformColumns). Records are split into columns
// (kind, size, cpu, ts, pid, tid, body, and for ps_fault: address, ip,
// error_code, flags); numbers are delta- and varint-coded so a page-fault storm
// turns into long runs zstd squeezes to a few bits per record. Decoding
// reproduces every record byte for byte, in append order.
// docs/capture-format.md ("Column transform") is the byte-level description.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "inspector/capture/record_buffer.h"

namespace pagescope::capture {

// Column ids, in the order the columns are stored.
enum Column : uint8_t {
  kColKind,
  kColSize,
  kColCpu,
  kColTs,
  kColPid,
  kColTid,
  kColBody,
  kColFaultAddress,
  kColFaultIp,
  kColFaultIpNew,
  kColFaultError,
  kColFaultFlags,
  kColumnCount,
};

// Reusable encoder state (column buffers), one per writer.
class ColumnEncoder {
 public:
  // `records`: `count` well-formed records back to back (hdr.size each).
  // Replaces `out` with the encoded form.
  void encode(std::span<const uint8_t> records, uint32_t count, std::vector<uint8_t>& out);

 private:
  std::vector<uint8_t> columns_[kColumnCount];
};

// Decodes `count` records of `raw_len` total bytes. Any inconsistency (a
// column too short or too long, an impossible size) is an Error, never a crash.
Status decode_columns(std::span<const uint8_t> encoded, uint32_t count, uint32_t raw_len,
                      RecordBuffer& out);

// The identity transform (format::kTransformRows): checks and copies records.
Status decode_rows(std::span<const uint8_t> rows, uint32_t count, uint32_t raw_len, RecordBuffer& out);

}  // namespace pagescope::capture
