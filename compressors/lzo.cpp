// LZO1X-1 through liblzo2: the kernel's "lzo" (lib/lzo, the default zswap
// compressor). zram's default "lzo-rle" is the same format plus a
// run-length encoding of zero runs, so it compresses zero-rich pages a bit
// better than this; pages of ordinary data come out the same size.
#include <lzo/lzo1x.h>

#include <mutex>
#include <vector>

#include "compressors/compressor.h"

namespace pagescope::compressors {

namespace {

class Lzo final : public Compressor {
 public:
  Lzo() : work_(LZO1X_1_MEM_COMPRESS) {
    static std::once_flag once;
    std::call_once(once, [] { lzo_init(); });
  }
  const char* name() const override { return "lzo"; }
  // lzo1x worst case (lzo's own FAQ): n + n/16 + 64 + 3.
  size_t bound(size_t n) const override { return n + n / 16 + 64 + 3; }
  size_t compress(const uint8_t* src, size_t n, uint8_t* dst, size_t cap) const override {
    if (cap < bound(n)) return 0;  // lzo1x_1 does not check the output size
    lzo_uint out = cap;
    int r = lzo1x_1_compress(src, lzo_uint(n), dst, &out, work_.data());
    return r == LZO_E_OK ? size_t(out) : 0;
  }
  bool decompress(const uint8_t* src, size_t n, uint8_t* out, size_t out_n) const override {
    lzo_uint got = out_n;
    int r = lzo1x_decompress_safe(src, lzo_uint(n), out, &got, nullptr);
    return r == LZO_E_OK && got == out_n;
  }

 private:
  mutable std::vector<uint8_t> work_;  // compression dictionary, reused like the kernel's per-CPU buffers
};

}  // namespace

std::unique_ptr<Compressor> make_lzo() { return std::make_unique<Lzo>(); }

}  // namespace pagescope::compressors
