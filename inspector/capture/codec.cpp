#include "inspector/capture/codec.h"

namespace pagescope::capture {

std::unique_ptr<BlockCodec> make_block_codec(Codec codec, int level) {
  switch (codec) {
    case Codec::kNone: return make_none_codec();
    case Codec::kZstd: return make_zstd_codec(level);
    case Codec::kLz4: return make_lz4_codec();
  }
  return nullptr;
}

const char* codec_name(Codec codec) {
  switch (codec) {
    case Codec::kNone: return "none";
    case Codec::kZstd: return "zstd";
    case Codec::kLz4: return "lz4";
  }
  return "unknown";
}

}  // namespace pagescope::capture
