// Zstandard at level 3, the kernel crypto API's default (crypto/zstd.c,
// ZSTD_DEF_LEVEL). Contexts are reused so a measurement times compression,
// not allocation, as the kernel does with its per-CPU contexts.
#include <zstd.h>

#include "compressors/compressor.h"

namespace pagescope::compressors {

namespace {

constexpr int kLevel = 3;

class Zstd final : public Compressor {
 public:
  Zstd() : cctx_(ZSTD_createCCtx()), dctx_(ZSTD_createDCtx()) {}
  ~Zstd() override {
    ZSTD_freeCCtx(cctx_);
    ZSTD_freeDCtx(dctx_);
  }
  Zstd(const Zstd&) = delete;
  Zstd& operator=(const Zstd&) = delete;

  const char* name() const override { return "zstd"; }
  size_t bound(size_t n) const override { return ZSTD_compressBound(n); }
  size_t compress(const uint8_t* src, size_t n, uint8_t* dst, size_t cap) const override {
    size_t r = ZSTD_compressCCtx(cctx_, dst, cap, src, n, kLevel);
    return ZSTD_isError(r) ? 0 : r;
  }
  bool decompress(const uint8_t* src, size_t n, uint8_t* out, size_t out_n) const override {
    size_t r = ZSTD_decompressDCtx(dctx_, out, out_n, src, n);
    return !ZSTD_isError(r) && r == out_n;
  }

 private:
  ZSTD_CCtx* cctx_;
  ZSTD_DCtx* dctx_;
};

}  // namespace

std::unique_ptr<Compressor> make_zstd() { return std::make_unique<Zstd>(); }

}  // namespace pagescope::compressors
