// The compressors give the sizes the libraries give, round-trip, and the
// calibration measures something for every sample.
#include <gtest/gtest.h>

#include <lz4.h>
#include <zstd.h>
#ifdef PAGESCOPE_HAVE_LZO
#include <lzo/lzo1x.h>
#endif

#include <algorithm>
#include <vector>

#include "compressors/calibration.h"
#include "compressors/compressor.h"
#include "events.h"

namespace pagescope::compressors {
namespace {

size_t direct_lz4(const std::vector<uint8_t>& page) {
  std::vector<char> out(LZ4_compressBound(int(page.size())));
  return size_t(LZ4_compress_default(reinterpret_cast<const char*>(page.data()), out.data(), int(page.size()), int(out.size())));
}

size_t direct_zstd(const std::vector<uint8_t>& page) {
  std::vector<uint8_t> out(ZSTD_compressBound(page.size()));
  return ZSTD_compress(out.data(), out.size(), page.data(), page.size(), 3);
}

#ifdef PAGESCOPE_HAVE_LZO
size_t direct_lzo(const std::vector<uint8_t>& page) {
  std::vector<uint8_t> out(page.size() + page.size() / 16 + 67), work(LZO1X_1_MEM_COMPRESS);
  lzo_uint n = out.size();
  EXPECT_EQ(lzo1x_1_compress(page.data(), page.size(), out.data(), &n, work.data()), LZO_E_OK);
  return n;
}

TEST(Compressors, LzoSizesMatchLiblzo2) {
  auto lzo = make_compressor("lzo");
  ASSERT_TRUE(lzo.ok()) << lzo.error().message;
  EXPECT_STREQ((*lzo)->name(), "lzo");
  EXPECT_EQ(compressor_slot("lzo"), PS_COMP_LZO);
  for (SampleKind k : {SampleKind::kZeros, SampleKind::kRandom, SampleKind::kText}) {
    auto page = sample_page(k);
    std::vector<uint8_t> out((*lzo)->bound(page.size())), back(page.size());
    size_t n = (*lzo)->compress(page.data(), page.size(), out.data(), out.size());
    EXPECT_EQ(n, direct_lzo(page)) << int(k);
    ASSERT_TRUE((*lzo)->decompress(out.data(), n, back.data(), back.size()));
    EXPECT_EQ(back, page);
  }
  // Too small an output buffer is refused, not overrun.
  auto random = sample_page(SampleKind::kRandom);
  std::vector<uint8_t> small(100);
  EXPECT_EQ((*lzo)->compress(random.data(), random.size(), small.data(), small.size()), 0u);
}
#endif

size_t ours(const Compressor& c, const std::vector<uint8_t>& page) {
  std::vector<uint8_t> out(c.bound(page.size())), back(page.size());
  size_t n = c.compress(page.data(), page.size(), out.data(), out.size());
  EXPECT_GT(n, 0u);
  EXPECT_TRUE(c.decompress(out.data(), n, back.data(), back.size()));
  EXPECT_EQ(back, page);
  return n;
}

TEST(Compressors, SizesMatchTheLibrariesOnKnownPages) {
  auto lz4 = make_compressor("lz4");
  auto zstd = make_compressor("zstd");
  ASSERT_TRUE(lz4.ok());
  ASSERT_TRUE(zstd.ok());
  for (SampleKind k : {SampleKind::kZeros, SampleKind::kRandom, SampleKind::kText}) {
    auto page = sample_page(k);
    ASSERT_EQ(page.size(), kSamplePageSize);
    EXPECT_EQ(ours(**lz4, page), direct_lz4(page)) << int(k);
    EXPECT_EQ(ours(**zstd, page), direct_zstd(page)) << int(k);
  }
  auto zeros = sample_page(SampleKind::kZeros), random = sample_page(SampleKind::kRandom),
       text = sample_page(SampleKind::kText);
  EXPECT_LT(ours(**lz4, zeros), 64u);
  EXPECT_LT(ours(**zstd, zeros), 64u);
  EXPECT_GE(ours(**lz4, random), 4096u);  // incompressible: stored with framing overhead
  EXPECT_GE(ours(**zstd, random), 4096u);
  EXPECT_LT(ours(**lz4, text), 4096u * 3 / 4);
  EXPECT_LT(ours(**zstd, text), ours(**lz4, text));  // zstd packs tighter than lz4
}

TEST(Compressors, SamplePagesAreDeterministic) {
  EXPECT_EQ(sample_page(SampleKind::kText, 4), sample_page(SampleKind::kText, 4));
  EXPECT_NE(sample_page(SampleKind::kRandom, 4), sample_page(SampleKind::kRandom, 5));
}

TEST(Compressors, UnknownNameIsAOneLineError) {
  auto c = make_compressor("snappy");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("unknown compressor 'snappy'"), std::string::npos);
  EXPECT_EQ(c.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(compressor_slot("snappy"), -1);
  EXPECT_NE(c.error().message.find("lz4"), std::string::npos);
}

TEST(Calibration, MeasuresEverySampleAndRecordsTheLibrarySizes) {
  for (const char* name : {"lz4", "zstd"}) {
    auto c = make_compressor(name);
    ASSERT_TRUE(c.ok());
    auto calibrated = calibrate(**c, std::chrono::milliseconds(2));
    ASSERT_TRUE(calibrated.ok()) << calibrated.error().message;
    const Calibration& cal = *calibrated;
    EXPECT_EQ(cal.text.compressed_bytes, ours(**c, sample_page(SampleKind::kText)));
    for (const SampleCost* s : {&cal.zeros, &cal.random, &cal.text}) {
      EXPECT_GT(s->compress_ns, 0);
      EXPECT_GT(s->decompress_ns, 0);
    }
    EXPECT_GT(cal.text_ratio(), 1.0);
  }
}

// A library that fails is an Error naming it, never an exception: the TUI
// calibrates on its replay thread.
class Broken final : public Compressor {
 public:
  explicit Broken(bool corrupt) : corrupt_(corrupt) {}
  const char* name() const override { return "broken"; }
  size_t bound(size_t n) const override { return n; }
  size_t compress(const uint8_t*, size_t n, uint8_t* dst, size_t) const override {
    if (!corrupt_) return 0;
    std::fill(dst, dst + n, uint8_t{1});
    return n;
  }
  bool decompress(const uint8_t* src, size_t n, uint8_t* out, size_t) const override {
    std::copy(src, src + n, out);
    return true;
  }

 private:
  bool corrupt_;
};

TEST(Calibration, ALibraryFailureIsAnErrorNamingIt) {
  auto failed = calibrate(Broken(false), std::chrono::microseconds(10));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message, "broken: compressing a sample page failed");
  auto corrupt = calibrate(Broken(true), std::chrono::microseconds(10));
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.error().message, "broken: a sample page did not round-trip");
}

}  // namespace
}  // namespace pagescope::compressors
