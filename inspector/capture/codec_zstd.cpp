#include <zstd.h>

#include <string>

#include "inspector/capture/codec.h"

namespace pagescope::capture {
namespace {

class ZstdCodec final : public BlockCodec {
 public:
  explicit ZstdCodec(int level) : level_(level) {}
  ~ZstdCodec() override {
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
  }

  Status compress(std::span<const uint8_t> in, std::vector<uint8_t>& out) override {
    if (!cctx_) cctx_ = ZSTD_createCCtx();
    if (!cctx_) return Error{"zstd: cannot allocate a compression context"};
    out.resize(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compressCCtx(cctx_, out.data(), out.size(), in.data(), in.size(), level_);
    if (ZSTD_isError(n)) return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
    out.resize(n);
    return {};
  }

  Status decompress(std::span<const uint8_t> in, uint8_t* out, size_t out_len) override {
    if (!dctx_) dctx_ = ZSTD_createDCtx();
    if (!dctx_) return Error{"zstd: cannot allocate a decompression context"};
    size_t n = ZSTD_decompressDCtx(dctx_, out, out_len, in.data(), in.size());
    if (ZSTD_isError(n)) return Error{std::string("zstd: ") + ZSTD_getErrorName(n)};
    if (n != out_len) return Error{"zstd: payload expands to the wrong length"};
    return {};
  }

 private:
  int level_;
  ZSTD_CCtx* cctx_ = nullptr;
  ZSTD_DCtx* dctx_ = nullptr;
};

}  // namespace

std::unique_ptr<BlockCodec> make_zstd_codec(int level) { return std::make_unique<ZstdCodec>(level); }

}  // namespace pagescope::capture
