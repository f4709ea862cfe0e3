// Page sizes from a capture's content samples: own sample first, then the
// nearest sampled page of the same process and VMA, then the model.
#include <gtest/gtest.h>

#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/sampled_sizes.h"

namespace pagescope::sim::tiers {
namespace {

constexpr uint64_t kP = 4096;

PageSample sample(uint32_t pid, uint64_t page, uint16_t lz4, uint16_t zstd, uint32_t flags = 0) {
  PageSample s;
  s.pid = pid;
  s.address = page * kP;
  s.flags = flags;
  s.compressed[PS_COMP_LZ4] = lz4;
  s.compressed[PS_COMP_ZSTD] = zstd;
  return s;
}

PageId id_of(const Trace& t, uint64_t page, uint32_t pid) {
  for (PageId p = 0; p < t.distinct_pages(); ++p) {
    if (t.page_of[p] != page) continue;
    for (size_t i = 0; i < t.refs.size(); ++i)
      if (t.refs[i] == p && t.pids[i] == pid) return p;
  }
  ADD_FAILURE() << "no page " << page << " of pid " << pid;
  return 0;
}

TEST(SampledSizes, OwnSampleThenNearestInTheVmaThenTheModel) {
  TraceBuilder b(kP);
  // pid 10: VMA A = pages 100..199, VMA B = pages 200..299. pid 11: pages 100..199.
  for (uint64_t page : {100, 101, 150, 190, 199, 205, 250, 400}) b.add(page, false, 10);
  b.add(150, false, 11);
  Trace t = b.finish();
  CaptureContents c;
  c.regions = {{10, 100 * kP, 200 * kP}, {10, 200 * kP, 300 * kP}, {11, 100 * kP, 200 * kP},
               {10, 100 * kP, 200 * kP}};  // a second snapshot repeats a VMA
  c.pages = {sample(10, 100, 1000, 800), sample(10, 100, 2000, 1600),  // sampled twice: the mean
             sample(10, 180, 3000, 2500), sample(10, 199, 16, 13, PS_PAGE_SAME_FILLED | PS_PAGE_ZERO),
             sample(10, 250, 4110, 4105),                              // did not shrink: stored whole
             sample(11, 120, 500, 400)};
  std::vector<uint16_t> modelled(t.distinct_pages(), 777);
  SizeOrigins o;
  auto lz4 = sampled_page_sizes(t, c, PS_COMP_LZ4, modelled, &o);
  EXPECT_EQ(lz4[id_of(t, 100, 10)], 1500);  // own, mean of two
  EXPECT_EQ(lz4[id_of(t, 101, 10)], 1500);  // nearest in A is page 100
  EXPECT_EQ(lz4[id_of(t, 150, 10)], 3000);  // 180 is nearer than 100
  EXPECT_EQ(lz4[id_of(t, 190, 10)], 0);     // 199 (same-filled) is nearest
  EXPECT_EQ(lz4[id_of(t, 199, 10)], 0);     // own: same-filled
  EXPECT_EQ(lz4[id_of(t, 205, 10)], 4096);  // nearest in B is 250, not 199 across the boundary
  EXPECT_EQ(lz4[id_of(t, 250, 10)], 4096);  // own, incompressible
  EXPECT_EQ(lz4[id_of(t, 400, 10)], 777);   // in no VMA: modelled
  EXPECT_EQ(lz4[id_of(t, 150, 11)], 500);   // its own process's sample, not pid 10's
  EXPECT_EQ(o.own, 3u);
  EXPECT_EQ(o.nearest, 5u);
  EXPECT_EQ(o.modelled, 1u);
  auto zstd = sampled_page_sizes(t, c, PS_COMP_ZSTD, modelled, nullptr);
  EXPECT_EQ(zstd[id_of(t, 100, 10)], 1200);
  // A compressor without samples (lzo) leaves every page to the model.
  auto lzo = sampled_page_sizes(t, c, PS_COMP_LZO, modelled, &o);
  EXPECT_EQ(lzo, modelled);
  EXPECT_EQ(o.modelled, t.distinct_pages());
}

TEST(SampledSizes, HugePagesTakeTheMeanOfTheSamplesInside) {
  TraceBuilder b(2u << 20);
  b.add(1, false, 7);  // bytes 2M..4M
  Trace t = b.finish();
  CaptureContents c;
  c.pages = {sample(7, 512, 1000, 1), sample(7, 700, 3000, 1), sample(7, 2000, 9, 9)};  // the last is in page 3
  auto s = sampled_page_sizes(t, c, PS_COMP_LZ4, std::vector<uint16_t>(1, 5), nullptr);
  EXPECT_EQ(s[0], 2000);
}

TEST(SampledSizes, MeanAndCalibrationFromTheCapture) {
  CaptureContents c;
  c.pages = {sample(1, 1, 1024, 512), sample(1, 2, 2048, 1024), sample(1, 3, 16, 13, PS_PAGE_SAME_FILLED),
             sample(1, 4, 0, 0)};  // not measured: left out
  auto m = sampled_mean(c, PS_COMP_LZ4);
  EXPECT_EQ(m.samples, 3u);
  EXPECT_DOUBLE_EQ(m.same_fraction, 1.0 / 3);
  EXPECT_DOUBLE_EQ(m.ratio, 2.0 * 4096 / 3072);
  EXPECT_EQ(sampled_mean(c, PS_COMP_LZO).samples, 0u);
  CaptureCalibration k{4, 40000, 8000};
  auto cal = calibration_from_capture("lz4", k, m);
  EXPECT_DOUBLE_EQ(cal.text.compress_ns, 10000);
  EXPECT_DOUBLE_EQ(cal.text.decompress_ns, 2000);
  EXPECT_DOUBLE_EQ(cal.random.compress_ns, 10000);
  EXPECT_EQ(cal.text.compressed_bytes, 1536u);
}

TEST(SampledSizes, TracesNumberedInPagesAreModelled) {
  TraceBuilder b(1);
  b.add(5, false);
  Trace t = b.finish();
  CaptureContents c;
  c.pages = {sample(0, 5, 100, 100)};
  SizeOrigins o;
  auto s = sampled_page_sizes(t, c, PS_COMP_LZ4, {42}, &o);
  EXPECT_EQ(s[0], 42);
  EXPECT_EQ(o.modelled, 1u);
}

}  // namespace
}  // namespace pagescope::sim::tiers
