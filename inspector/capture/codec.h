// A block compressor for chunk payloads: one implementation per Codec, each in
// its own codec_<name>.cpp. Instances keep their compression context between
// chunks, so create one per writer/reader, not per chunk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/result.h"
#include "inspector/capture/writer.h"

namespace pagescope::capture {

class BlockCodec {
 public:
  virtual ~BlockCodec() = default;
  // Replaces `out` with the compressed form of `in`.
  virtual Status compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) = 0;
  // Decompresses `in`, which must expand to exactly `out_len` bytes.
  virtual Status decompress(std::span<const uint8_t> in, uint8_t* out, size_t out_len) = 0;
};

std::unique_ptr<BlockCodec> make_none_codec();
std::unique_ptr<BlockCodec> make_zstd_codec(int level);
std::unique_ptr<BlockCodec> make_lz4_codec();

// nullptr for a codec id this build does not know.
std::unique_ptr<BlockCodec> make_block_codec(Codec codec, int level);
const char* codec_name(Codec codec);

}  // namespace pagescope::capture
