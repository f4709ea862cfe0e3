#include "inspector/capture/chunk.h"

#include <cstring>
#include <string>

#include <zstd.h>

#include "events.h"
#include "inspector/capture/crc32c.h"

namespace pagescope::capture {

ChunkEncoder::ChunkEncoder(Codec codec, int level, bool columnar)
    : codec_(codec), columnar_(columnar), compressor_(make_block_codec(codec, level)) {}

Status ChunkEncoder::encode(std::span<const uint8_t> records, uint32_t count, uint64_t first_ts_ns,
                            uint64_t last_ts_ns, uint32_t seq, std::vector<uint8_t>& frame) {
  if (!compressor_) return Error{"unknown codec"};
  std::span<const uint8_t> encoded = records;
  if (columnar_) {
    columns_.encode(records, count, encoded_);
    encoded = encoded_;
  }
  if (auto st = compressor_->compress(encoded, compressed_); !st) return st;
  if (compressed_.size() > format::kMaxChunkBytes || encoded.size() > format::kMaxChunkBytes ||
      records.size() > format::kMaxChunkBytes)
    return Error{"chunk exceeds the format's size limit"};

  format::ChunkFrame h{};
  h.magic = format::kChunkMagic;
  h.codec = static_cast<uint8_t>(codec_);
  h.transform = columnar_ ? format::kTransformColumns : format::kTransformRows;
  h.payload_len = static_cast<uint32_t>(compressed_.size());
  h.encoded_len = static_cast<uint32_t>(encoded.size());
  h.raw_len = static_cast<uint32_t>(records.size());
  h.records = count;
  h.first_ts_ns = first_ts_ns;
  h.last_ts_ns = last_ts_ns;
  h.seq = seq;
  h.crc = crc32c_extend(crc32c(&h, offsetof(format::ChunkFrame, crc)), compressed_.data(), compressed_.size());

  frame.resize(sizeof h + compressed_.size());
  std::memcpy(frame.data(), &h, sizeof h);
  if (!compressed_.empty()) std::memcpy(frame.data() + sizeof h, compressed_.data(), compressed_.size());
  return {};
}

Status ChunkDecoder::check_header(const format::ChunkFrame& f, uint64_t room) {
  if (f.magic != format::kChunkMagic) return Error{"no chunk magic"};
  if (f.codec > static_cast<uint8_t>(Codec::kLz4)) return Error{"unknown codec " + std::to_string(f.codec)};
  if (f.transform > format::kTransformColumns)
    return Error{"unknown transform " + std::to_string(f.transform)};
  if (f.payload_len > format::kMaxChunkBytes || f.encoded_len > format::kMaxChunkBytes ||
      f.raw_len > format::kMaxChunkBytes)
    return Error{"implausible chunk length"};
  if (uint64_t{f.records} * sizeof(ps_header) > f.raw_len) return Error{"implausible record count"};
  // Never allocate more than the payload could hold (issue 17.7): each length
  // is bounded by what the one before it can expand to, not only by the format's
  // 256 MiB limit, so a 100-byte file cannot ask for 512 MiB of buffers.
  if (f.codec == static_cast<uint8_t>(Codec::kNone) && f.encoded_len != f.payload_len)
    return Error{"stored chunk whose lengths differ"};
  if (f.codec == static_cast<uint8_t>(Codec::kLz4) && f.encoded_len > uint64_t{f.payload_len} * 255 + 64)
    return Error{"implausible chunk length (more than lz4 can expand to)"};
  if (f.transform == format::kTransformRows && f.raw_len != f.encoded_len)
    return Error{"row chunk whose lengths differ"};
  // Columns hold at least one byte per record per header field, and bodies verbatim.
  if (f.transform == format::kTransformColumns && f.raw_len > uint64_t{f.encoded_len} * 64 + 4096)
    return Error{"implausible chunk length (more than the columns can hold)"};
  if (f.payload_len > room)
    return Error{"truncated (" + std::to_string(room) + " of " + std::to_string(f.payload_len) +
                 " payload bytes present)"};
  return {};
}

bool ChunkDecoder::crc_matches(const format::ChunkFrame& f, std::span<const uint8_t> payload) {
  uint32_t crc = crc32c_extend(crc32c(&f, offsetof(format::ChunkFrame, crc)), payload.data(), payload.size());
  return crc == f.crc;
}

Status ChunkDecoder::decode(const format::ChunkFrame& f, std::span<const uint8_t> payload, RecordBuffer& out) {
  auto& codec = codecs_[f.codec];
  if (!codec) codec = make_block_codec(static_cast<Codec>(f.codec), 0);
  if (!codec) return Error{"unknown codec"};
  if (f.codec == static_cast<uint8_t>(Codec::kZstd)) {
    // The zstd frame states its size (the writer always records it): it must
    // agree before encoded_len bytes are allocated.
    const unsigned long long n = ZSTD_getFrameContentSize(payload.data(), payload.size());
    if (n == ZSTD_CONTENTSIZE_ERROR) return Error{"zstd: not a zstd frame"};
    if (n != ZSTD_CONTENTSIZE_UNKNOWN && n != f.encoded_len)
      return Error{"zstd frame holds " + std::to_string(n) + " bytes, the chunk says " + std::to_string(f.encoded_len)};
  }
  encoded_.resize(f.encoded_len);
  if (auto st = codec->decompress(payload, encoded_.data(), f.encoded_len); !st) return st;
  Status st = f.transform == format::kTransformColumns ? decode_columns(encoded_, f.records, f.raw_len, out)
                                                       : decode_rows(encoded_, f.records, f.raw_len, out);
  if (!st) return st;
  if (out.count() != f.records) return Error{"record count mismatch"};
  return {};
}

}  // namespace pagescope::capture
