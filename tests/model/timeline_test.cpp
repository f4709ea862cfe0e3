// TimelineBuilder on hand-made records: which interval each record lands in,
// and which ones a pid filter keeps.
#include "inspector/model/timeline.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pagescope::model {
namespace {

constexpr uint64_t kSec = 1000000000ull;

template <typename T>
T record(uint16_t kind, uint64_t ts, uint32_t pid) {
  T r{};
  r.hdr.kind = kind;
  r.hdr.size = sizeof(T);
  r.hdr.ts_ns = ts;
  r.hdr.pid = r.hdr.tid = pid;
  return r;
}

std::vector<uint8_t> psi(uint64_t ts, uint64_t some_us, uint64_t full_us) {
  std::string text = "some avg10=0.00 avg60=0.00 avg300=0.00 total=" + std::to_string(some_us) +
                     "\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=" + std::to_string(full_us) + "\n";
  std::vector<uint8_t> buf(sizeof(ps_proc_file) + text.size());
  auto h = record<ps_proc_file>(PS_EV_PROC_FILE, ts, 0);
  h.hdr.size = static_cast<uint32_t>(buf.size());
  h.which = PS_PROC_PSI_MEMORY;
  h.length = static_cast<uint32_t>(text.size());
  std::memcpy(buf.data(), &h, sizeof(h));
  std::memcpy(buf.data() + sizeof(h), text.data(), text.size());
  return buf;
}

TEST(Timeline, RecordsLandInTheirIntervalAndPidFilterApplies) {
  const uint64_t t0 = 100 * kSec;
  TimelineBuilder all(t0, kSec, std::nullopt), only7(t0, kSec, 7u);
  auto feed = [&](const ps_header& h) {
    all.add(h);
    only7.add(h);
  };
  auto minor = record<ps_fault>(PS_EV_FAULT, t0 + 10, 7);
  auto major = record<ps_fault>(PS_EV_FAULT, t0 + kSec + 5, 7);
  major.flags = PS_FAULT_MAJOR;
  auto other = record<ps_fault>(PS_EV_FAULT, t0 + kSec + 6, 8);
  auto swap = record<ps_write_folio>(PS_EV_WRITE_FOLIO, t0 + 2 * kSec + 1, 0);
  swap.reclaim_flags = PS_RECLAIM_WB_ANON | PS_RECLAIM_WB_ASYNC;
  auto file = record<ps_write_folio>(PS_EV_WRITE_FOLIO, t0 + 2 * kSec + 2, 0);
  file.reclaim_flags = PS_RECLAIM_WB_FILE;
  auto stall = record<ps_reclaim>(PS_EV_RECLAIM, t0 + kSec + 9, 7);
  stall.what = PS_RECLAIM_MEMCG_END;
  stall.duration_ns = 2500000;  // 2.5 ms
  auto tlb = record<ps_tlb_flush>(PS_EV_TLB_FLUSH, t0 + 3, 8);
  tlb.reason = PS_TLB_REMOTE_SEND_IPI;
  auto ents1 = record<ps_swap_ents>(PS_EV_SWAP_ENTS, t0 + 2 * kSec + 3, 7);
  ents1.swap_pages = 10;
  auto ents2 = record<ps_swap_ents>(PS_EV_SWAP_ENTS, t0 + 2 * kSec + 4, 7);
  ents2.swap_pages = 14;
  for (const ps_header* h : {&minor.hdr, &major.hdr, &other.hdr, &swap.hdr, &file.hdr, &stall.hdr,
                             &tlb.hdr, &ents1.hdr, &ents2.hdr}) {
    feed(*h);
  }
  auto p1 = psi(t0 + 1, 1000, 500), p2 = psi(t0 + 2 * kSec + 7, 4000, 1500);
  feed(*reinterpret_cast<const ps_header*>(p1.data()));
  feed(*reinterpret_cast<const ps_header*>(p2.data()));

  ASSERT_EQ(all.rows().size(), 3u);
  EXPECT_EQ(all.rows()[0].minor_faults, 1u);
  EXPECT_EQ(all.rows()[1].major_faults, 1u);
  EXPECT_EQ(all.rows()[1].minor_faults, 1u);  // pid 8's
  EXPECT_EQ(all.rows()[2].swap_outs, 1u);     // anon writes only
  EXPECT_EQ(all.rows()[2].file_writebacks, 1u);
  EXPECT_DOUBLE_EQ(all.rows()[1].memcg_stall_ms, 2.5);
  EXPECT_EQ(all.rows()[0].tlb_flushes[PS_TLB_REMOTE_SEND_IPI], 1u);
  EXPECT_DOUBLE_EQ(all.rows()[2].psi_some_ms, 3.0);  // (4000 - 1000) us
  EXPECT_DOUBLE_EQ(all.rows()[2].psi_full_ms, 1.0);

  ASSERT_EQ(only7.rows().size(), 3u);
  EXPECT_EQ(only7.rows()[1].minor_faults, 0u);  // pid 8 filtered out
  EXPECT_EQ(only7.rows()[0].tlb_flushes[PS_TLB_REMOTE_SEND_IPI], 0u);
  EXPECT_EQ(only7.rows()[2].swap_outs, 4u);  // its swap-entry count grew 10 -> 14
  EXPECT_EQ(all.table().rows(), 3u);
}

// Issue 17.12: one record stamped near 2^63 in an otherwise small capture
// costs one row, not 2^33 one-second rows (2.3 GB, then std::bad_alloc).
TEST(Timeline, FarFutureRecordCostsOneRow) {
  const uint64_t t0 = 100 * kSec;
  TimelineBuilder all(t0, kSec, std::nullopt);
  auto early = record<ps_fault>(PS_EV_FAULT, t0 + kSec / 2, 7);
  auto late = record<ps_fault>(PS_EV_FAULT, (uint64_t{1} << 63) - 1, 7);
  all.add(early.hdr);
  all.add(late.hdr);
  ASSERT_EQ(all.rows().size(), 2u);
  EXPECT_EQ(all.rows()[0].start_ns, 0u);
  EXPECT_EQ(all.rows()[0].minor_faults, 1u);
  EXPECT_EQ(all.rows()[1].minor_faults, 1u);
  EXPECT_EQ(all.rows()[1].start_ns, ((uint64_t{1} << 63) - 1 - t0) / kSec * kSec);
  EXPECT_EQ(all.table().rows(), 2u);
}

// Short gaps still read as zero rows, as before rows were stored sparsely.
TEST(Timeline, EmptyIntervalsBetweenRecordsAreZeroRows) {
  TimelineBuilder all(0, kSec, std::nullopt);
  auto a = record<ps_fault>(PS_EV_FAULT, 2 * kSec + 1, 7);
  auto b = record<ps_fault>(PS_EV_FAULT, 5 * kSec + 1, 7);
  all.add(b.hdr);  // out of order is fine too
  all.add(a.hdr);
  ASSERT_EQ(all.rows().size(), 6u);
  EXPECT_EQ(all.rows()[2].minor_faults, 1u);
  EXPECT_EQ(all.rows()[3].minor_faults, 0u);
  EXPECT_EQ(all.rows()[3].start_ns, 3 * kSec);
  EXPECT_EQ(all.rows()[5].minor_faults, 1u);
}

// Issue 17.11: a PSI snapshot whose `length` claims more text than the record
// holds is read only up to the record's end; a total that goes down (corrupt
// or another boot) adds no negative stall.
TEST(Timeline, PsiTextIsClampedAndTotalsNeverGoBack) {
  TimelineBuilder all(0, kSec, std::nullopt);
  auto first = psi(kSec, 5000, 2000);
  all.add(*reinterpret_cast<const ps_header*>(first.data()));
  auto lying = psi(2 * kSec, 9000, 3000);
  reinterpret_cast<ps_proc_file*>(lying.data())->length = 0xffffffffu;
  all.add(*reinterpret_cast<const ps_header*>(lying.data()));
  auto smaller = psi(3 * kSec, 1000, 1000);
  all.add(*reinterpret_cast<const ps_header*>(smaller.data()));
  ASSERT_EQ(all.rows().size(), 3u);
  EXPECT_DOUBLE_EQ(all.rows()[2].psi_some_ms, 4.0);
  EXPECT_DOUBLE_EQ(all.rows()[2].psi_full_ms, 1.0);
}

}  // namespace
}  // namespace pagescope::model

namespace pagescope::model {
namespace {

std::vector<uint8_t> memcg_limit(uint64_t ts, uint64_t limit) {
  std::string text = "usage 1000\nlimit " + std::to_string(limit) + "\n";
  std::vector<uint8_t> buf(sizeof(ps_proc_file) + text.size());
  auto h = record<ps_proc_file>(PS_EV_PROC_FILE, ts, 0);
  h.hdr.size = static_cast<uint32_t>(buf.size());
  h.which = PS_PROC_MEMCG;
  h.length = static_cast<uint32_t>(text.size());
  std::memcpy(buf.data(), &h, sizeof(h));
  std::memcpy(buf.data() + sizeof(h), text.data(), text.size());
  return buf;
}

// A loop over `pages` pages, `passes` times, one pass per second; after the
// first pass every fault is major when `evicted` (it did not fit).
void loop(TimelineBuilder& b, uint32_t pid, uint64_t pages, int passes, bool evicted) {
  for (int pass = 0; pass < passes; ++pass) {
    if (pass > 0 && !evicted) continue;  // resident: no faults after the first pass
    for (uint64_t p = 0; p < pages; ++p) {
      auto f = record<ps_fault>(PS_EV_FAULT, pass * kSec + p * (kSec / pages), pid);
      f.address = 0x7f0000000000 + p * 4096;
      f.flags = PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED | (pass > 0 ? PS_FAULT_MAJOR : 0);
      b.add(f.hdr);
    }
  }
}

// Thrashing per interval: refaults at a high rate and most of the faults,
// with a working set that does not fit the limit (or PSI full high).
TEST(Timeline, ThrashingIsRefaultingWhatDoesNotFit) {
  const uint64_t limit = 64ull << 20;  // 16384 pages
  TimelineBuilder over(0, kSec, 42u);
  auto l = memcg_limit(1, limit);
  over.add(*reinterpret_cast<const ps_header*>(l.data()));
  loop(over, 42, 18432, 4, true);  // 1/8 above the limit
  ASSERT_EQ(over.rows().size(), 4u);
  EXPECT_FALSE(over.thrashing(over.rows()[0])) << "the first pass faults new pages, not refaults";
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(over.rows()[i].pages, 18432u);
    EXPECT_EQ(over.rows()[i].refaults, 18432u);
    EXPECT_TRUE(over.thrashing(over.rows()[i])) << i;
  }
  EXPECT_EQ(over.memory_it_can_have(), limit);

  // Half the limit: one pass of first touches, then nothing to refault.
  TimelineBuilder half(0, kSec, 42u);
  half.add(*reinterpret_cast<const ps_header*>(l.data()));
  loop(half, 42, 8192, 4, false);
  for (const TimelineRow& r : half.rows()) EXPECT_FALSE(half.thrashing(r));

  // Refaulting hard within the limit (it was pushed out by others) is paging,
  // not thrashing, unless memory stalls: PSI full over a tenth of the interval.
  TimelineBuilder fits(0, kSec, 42u);
  fits.add(*reinterpret_cast<const ps_header*>(l.data()));
  loop(fits, 42, 4096, 3, true);
  EXPECT_FALSE(fits.thrashing(fits.rows()[1]));
  TimelineRow stalled = fits.rows()[1];
  stalled.psi_full_ms = 150;
  EXPECT_TRUE(fits.thrashing(stalled));

  // The table says so per row, only with a pid.
  Table t = over.table();
  ASSERT_TRUE(t.has_column("THRASHING"));
  EXPECT_FALSE(TimelineBuilder(0, kSec, std::nullopt).table().has_column("THRASHING"));
}

}  // namespace
}  // namespace pagescope::model
