// One chunk: records -> transform -> compress -> framed with a CRC32C, and
// back. Shared by the writer, the reader and the codec benchmark.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/result.h"
#include "inspector/capture/codec.h"
#include "inspector/capture/column_transform.h"
#include "inspector/capture/format.h"
#include "inspector/capture/record_buffer.h"
#include "inspector/capture/writer.h"

namespace pagescope::capture {

class ChunkEncoder {
 public:
  ChunkEncoder(Codec codec, int level, bool columnar);
  // Replaces `frame` with a ChunkFrame followed by its payload, for `count`
  // well-formed records back to back in `records`.
  Status encode(std::span<const uint8_t> records, uint32_t count, uint64_t first_ts_ns,
                uint64_t last_ts_ns, uint32_t seq, std::vector<uint8_t>& frame);

 private:
  Codec codec_;
  bool columnar_;
  std::unique_ptr<BlockCodec> compressor_;
  ColumnEncoder columns_;
  std::vector<uint8_t> encoded_;
  std::vector<uint8_t> compressed_;
};

class ChunkDecoder {
 public:
  // What can be checked from the 48 header bytes alone: magic, known codec and
  // transform, lengths within format limits. `room` is the number of bytes the
  // file has after the header; a payload longer than that is "truncated".
  static Status check_header(const format::ChunkFrame& frame, uint64_t room);
  static bool crc_matches(const format::ChunkFrame& frame, std::span<const uint8_t> payload);
  // Decompresses and un-transforms a payload whose CRC matched.
  Status decode(const format::ChunkFrame& frame, std::span<const uint8_t> payload, RecordBuffer& out);

 private:
  std::unique_ptr<BlockCodec> codecs_[3];
  std::vector<uint8_t> encoded_;
};

}  // namespace pagescope::capture
