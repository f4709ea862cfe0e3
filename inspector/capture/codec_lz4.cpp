#include <lz4.h>

#include <climits>

#include "inspector/capture/codec.h"

namespace pagescope::capture {
namespace {

class Lz4Codec final : public BlockCodec {
 public:
  Status compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) override {
    if (in.size() > LZ4_MAX_INPUT_SIZE) return Error{"lz4: chunk too large"};
    out.resize(LZ4_compressBound(static_cast<int>(in.size())));
    int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()),
                                 reinterpret_cast<char*>(out.data()), static_cast<int>(in.size()),
                                 static_cast<int>(out.size()));
    if (n <= 0 && !in.empty()) return Error{"lz4: compression failed"};
    out.resize(n);
    return {};
  }

  Status decompress(std::span<const uint8_t> in, uint8_t* out, size_t out_len) override {
    if (in.size() > INT_MAX || out_len > INT_MAX) return Error{"lz4: payload too large"};
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out),
                                static_cast<int>(in.size()), static_cast<int>(out_len));
    if (n < 0 || static_cast<size_t>(n) != out_len) return Error{"lz4: payload is corrupt"};
    return {};
  }
};

}  // namespace

std::unique_ptr<BlockCodec> make_lz4_codec() { return std::make_unique<Lz4Codec>(); }

}  // namespace pagescope::capture
