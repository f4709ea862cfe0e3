// SmapsSampler on a hand-made record stream: intervals, totals, kinds.
#include <gtest/gtest.h>

#include "inspector/model/sampled_working_set.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

namespace {
std::string smaps(uint64_t heap_ref_kb, uint64_t anon_ref_kb) {
  return "555555554000-555555556000 r-xp 00000000 fe:00 11 /usr/bin/prog\n"
         "Rss: 8 kB\nReferenced: 8 kB\n"
         "555555600000-555555700000 rw-p 00000000 00:00 0 [heap]\n"
         "Rss: 1024 kB\nReferenced: " + std::to_string(heap_ref_kb) + " kB\n"
         "7f0000000000-7f0000400000 rw-p 00000000 00:00 0 \n"
         "Rss: 4096 kB\nReferenced: " + std::to_string(anon_ref_kb) + " kB\n";
}
}  // namespace

TEST(SampledWss, OneSamplePerSmapsRecordOfThePid) {
  const uint64_t s = 1'000'000'000;
  RecordBuffer b;
  b.proc_file(1 * s, 7, PS_PROC_SMAPS, smaps(1024, 4096));
  b.proc_file(1 * s, 8, PS_PROC_SMAPS, smaps(1, 1));     // another process
  b.proc_file(2 * s, 7, PS_PROC_MAPS, "ignored");        // not smaps
  b.proc_file(2 * s, 7, PS_PROC_SMAPS, smaps(100, 2000));
  b.proc_file(4 * s, 7, PS_PROC_SMAPS, smaps(0, 12));
  b.proc_file(5 * s, 7, PS_PROC_SMAPS, "garbage line\n");
  SmapsSampler sampler(7);
  b.for_each([&](const ps_header& h) { sampler.apply(h); });
  ASSERT_EQ(sampler.samples().size(), 3u);
  EXPECT_EQ(sampler.bad_samples(), 1u);
  EXPECT_FALSE(sampler.last_error().empty());
  const auto& w = sampler.samples();
  EXPECT_EQ(w[0].interval_ns, 0u);  // the first sample only clears
  EXPECT_EQ(w[1].t_ns, 2 * s);
  EXPECT_EQ(w[1].interval_ns, 1 * s);
  EXPECT_EQ(w[2].interval_ns, 2 * s);
  EXPECT_EQ(w[1].referenced, (8u + 100 + 2000) * 1024);
  EXPECT_EQ(w[1].rss, (8u + 1024 + 4096) * 1024);
  EXPECT_EQ(w[1].referenced_by_kind[size_t(VmaKind::kHeap)], 100u * 1024);
  EXPECT_EQ(w[1].referenced_by_kind[size_t(VmaKind::kAnon)], 2000u * 1024);
  EXPECT_EQ(w[1].referenced_by_kind[size_t(VmaKind::kText)], 8u * 1024);
  EXPECT_EQ(referenced_in(w[2], 0x7f0000000000, 0x7f0000400000), 12u * 1024);
  EXPECT_EQ(referenced_in(w[2], 0x7f0000000000, 0x7f0000001000), 0u);  // VMA not inside
}
