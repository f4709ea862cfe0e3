#include <cstring>

#include "inspector/capture/codec.h"

namespace pagescope::capture {
namespace {

class NoneCodec final : public BlockCodec {
 public:
  Status compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) override {
    out.assign(in.begin(), in.end());
    return {};
  }
  Status decompress(std::span<const uint8_t> in, uint8_t* out, size_t out_len) override {
    if (in.size() != out_len) return Error{"stored payload length does not match"};
    if (out_len) std::memcpy(out, in.data(), out_len);
    return {};
  }
};

}  // namespace

std::unique_ptr<BlockCodec> make_none_codec() { return std::make_unique<NoneCodec>(); }

}  // namespace pagescope::capture
