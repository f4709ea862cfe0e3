// LZ4 in its default (fast) mode: what zswap and zram use with "lz4".
#include <lz4.h>

#include "compressors/compressor.h"

namespace pagescope::compressors {

namespace {

class Lz4 final : public Compressor {
 public:
  const char* name() const override { return "lz4"; }
  size_t bound(size_t n) const override { return size_t(LZ4_compressBound(int(n))); }
  size_t compress(const uint8_t* src, size_t n, uint8_t* dst, size_t cap) const override {
    int r = LZ4_compress_default(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(dst), int(n), int(cap));
    return r > 0 ? size_t(r) : 0;
  }
  bool decompress(const uint8_t* src, size_t n, uint8_t* out, size_t out_n) const override {
    int r = LZ4_decompress_safe(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(out), int(n), int(out_n));
    return r == int(out_n);
  }
};

}  // namespace

std::unique_ptr<Compressor> make_lz4() { return std::make_unique<Lz4>(); }

}  // namespace pagescope::compressors
