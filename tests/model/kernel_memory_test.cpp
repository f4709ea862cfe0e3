// Fragmentation indices from a hand-computed buddyinfo (the kernel's formulas
// of mm/vmstat.c worked by hand), and KernelMemory over hand-built records:
// compaction tallies, per-order counter deltas, slab growth, page tables, and
// "-" (never 0) for sources a capture does not have.
#include "inspector/model/kernel_memory.h"

#include <gtest/gtest.h>

#include <cstring>

#include "tests/support/record_buffer.h"

namespace pagescope::model {
namespace {

using capture::Source;
using capture::SourceState;

// Zone with free blocks {4, 2, 1, 0}: 12 free pages in 7 blocks.
//   order 0: suitable 4+2*2+1*4 = 12  unusable (12-12)*1000/12 = 0      frag -1000 (would succeed)
//   order 1: suitable 2+1*2 = 4       unusable (12-8)*1000/12  = 333    frag -1000
//   order 2: suitable 1               unusable (12-4)*1000/12  = 666    frag -1000
//   order 3: suitable 0               unusable 1000                     frag 1000-(1000+12000/8)/7
//   = 643 order 4: suitable 0               unusable 1000                     frag
//   1000-(1000+12000/16)/7 = 750
TEST(Fragmentation, IndicesMatchTheKernelsFormulasByHand) {
  const std::vector<uint64_t> free{4, 2, 1, 0, 0};
  const int unusable[] = {0, 333, 666, 1000, 1000};
  const int frag[] = {-1000, -1000, -1000, 643, 750};
  for (unsigned o = 0; o < 5; ++o) {
    const ContigPageInfo info = contig_page_info(free, o);
    EXPECT_EQ(info.free_pages, 12u);
    EXPECT_EQ(info.free_blocks_total, 7u);
    EXPECT_EQ(unusable_free_index(o, info), unusable[o]) << "order " << o;
    EXPECT_EQ(fragmentation_index(o, info), frag[o]) << "order " << o;
  }
  // Nothing free: all of it unusable (the kernel's comment), index 0 (lack of memory).
  const ContigPageInfo none = contig_page_info({0, 0, 0}, 2);
  EXPECT_EQ(unusable_free_index(2, none), 1000);
  EXPECT_EQ(fragmentation_index(2, none), 0);
}

TEST(Fragmentation, ParsesBuddyinfoAndPagetypeinfo) {
  auto zones = parse_buddyinfo(
      "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1 "
      "     3 \n"
      "Node 0, zone   Normal    366   6810   7517   5049   2752    902    202     26      8      1 "
      "    21 \n"
      "garbage\n");
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[1].zone, "Normal");
  EXPECT_EQ(zones[1].node, 0);
  ASSERT_EQ(zones[1].free.size(), 11u);
  EXPECT_EQ(zones[1].free[1], 6810u);
  EXPECT_EQ(parse_pageblock_order("Page block order: 9\nPages per block:  512\n").value(), 9u);
  EXPECT_FALSE(parse_pageblock_order("Pages per block: 512\n").has_value());
}

TEST(KernelMemory, SlabinfoParses) {
  auto caches = parse_slabinfo(
      "slabinfo - version: 2.1\n"
      "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
      "<limit> "
      "<batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
      "bio-312               12     12    320   12    1 : tunables    0    0    0 : slabdata      "
      "1      1      0\n"
      "short 1 2 3\n");
  ASSERT_EQ(caches.size(), 1u);
  EXPECT_EQ(caches[0].name, "bio-312");
  EXPECT_EQ(caches[0].objsize, 320u);
  EXPECT_EQ(caches[0].num_slabs, 1u);
  EXPECT_EQ(caches[0].pages_per_slab, 1u);
}

void compaction(RecordBuffer& b, uint64_t ts, uint32_t pid, uint32_t what, int order,
                uint32_t flags, uint64_t duration = 0) {
  ps_compaction c{};
  c.hdr.kind = PS_EV_COMPACTION;
  c.hdr.size = sizeof(c);
  c.hdr.ts_ns = ts;
  c.hdr.pid = c.hdr.tid = pid;
  c.what = what;
  c.order = order;
  c.flags = flags;
  c.duration_ns = duration;
  c.migrate_scanned = 10;
  c.free_scanned = 20;
  b.append(&c, sizeof(c));
}

void counts(RecordBuffer& b, uint64_t ts, uint64_t allocs0, uint64_t allocs3, uint64_t extfrag1) {
  ps_order_counts c{};
  c.hdr.kind = PS_EV_ORDER_COUNTS;
  c.hdr.size = sizeof(c);
  c.hdr.ts_ns = ts;
  c.slots = PS_ORDER_SLOTS;
  c.flags = PS_ORDER_ALLOCS | PS_ORDER_EXTFRAG;
  c.page_allocs[0] = allocs0;
  c.page_allocs[3] = allocs3;
  c.extfrag_by_alloc[1] = extfrag1;
  c.extfrag_by_fallback[4] = extfrag1;
  b.append(&c, sizeof(c));
}

capture::SourceSet all_on() {
  capture::SourceSet s;
  for (size_t i = 0; i < capture::kSourceCount; ++i) s.set(Source(i), SourceState::kOn, "");
  return s;
}

TEST(KernelMemory, FoldsRecordsIntoTheViews) {
  RecordBuffer b;
  b.proc_file(1000000000, 0, PS_PROC_VMSTAT,
              "pgalloc_dma32 100\npgalloc_normal 1000\ncompact_stall 5\n");
  b.proc_file(1000000000, 0, PS_PROC_BUDDYINFO, "Node 0, zone Normal 4 2 1 0 0\n");
  b.proc_file(1000000000, 0, PS_PROC_PAGETYPEINFO, "Page block order: 3\n");
  b.proc_file(1000000000, 0, PS_PROC_SLABINFO,
              "a 10 10 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
              "b 10 10 64 64 1 : tunables 0 0 0 : slabdata 5 5 0\n");
  b.proc_file(1000000000, 0, PS_PROC_MEMINFO, "PageTables:  100 kB\nSecPageTables: 0 kB\n");
  b.proc_file(1000000000, 42, PS_PROC_STATUS, "Name:\tworker\nVmPTE:\t      48 kB\n");
  counts(b, 1000000000, 100, 10, 2);
  compaction(b, 1100000000, 7, PS_COMPACT_TRY, 3, 0);
  compaction(b, 1100000000, 7, PS_COMPACT_BEGIN, 3, PS_COMPACT_DIRECT);
  compaction(b, 1200000000, 7, PS_COMPACT_END, 3, PS_COMPACT_DIRECT, 100000000);
  compaction(b, 1300000000, 9, PS_COMPACT_BEGIN, -1, PS_COMPACT_WHOLE | PS_COMPACT_SYNC);
  compaction(b, 1400000000, 9, PS_COMPACT_END, -1, PS_COMPACT_WHOLE | PS_COMPACT_SYNC, 5000);
  compaction(b, 1400000000, 8, PS_COMPACT_END, 2, 0,
             5000);  // kcompactd, its begin before the capture
  b.proc_file(3000000000, 42, PS_PROC_STATUS, "Name:\tworker\nVmPTE:\t      96 kB\n");
  b.proc_file(3000000000, 0, PS_PROC_VMSTAT,
              "pgalloc_dma32 150\npgalloc_normal 1090\ncompact_stall 6\n");
  b.proc_file(3000000000, 0, PS_PROC_BUDDYINFO, "Node 0, zone Normal 12 0 0 0 0\n");
  b.proc_file(3000000000, 0, PS_PROC_SLABINFO,
              "a 10 20 64 64 1 : tunables 0 0 0 : slabdata 3 3 0\n"
              "b 10 10 64 64 1 : tunables 0 0 0 : slabdata 4 4 0\n");
  b.proc_file(3000000000, 0, PS_PROC_MEMINFO, "PageTables:  300 kB\nSecPageTables: 0 kB\n");
  counts(b, 3000000000, 150, 15, 7);  // +50 order-0 and +5 order-3 blocks: 50 + 40 = 90 pages

  KernelMemory km;
  b.for_each([&](const ps_header& h) { km.apply(h); });
  ASSERT_EQ(km.zones().size(), 1u);
  const auto& z = km.zones()[0];
  ASSERT_EQ(z.orders.size(), 5u);
  EXPECT_EQ(z.orders[1].unusable_start, 333);
  EXPECT_EQ(z.orders[1].unusable_end, 1000);  // only order-0 blocks left
  EXPECT_EQ(z.orders[1].unusable_worst, 1000);
  EXPECT_EQ(z.orders[3].frag_start, 643);
  // End: 12 order-0 blocks; order 3: 1000 - (1000 + 12000/8)/12 = 1000 - 208 = 792.
  EXPECT_EQ(z.orders[3].frag_end, 792);
  EXPECT_EQ(z.orders[3].frag_worst, 792);
  EXPECT_EQ(z.orders[0].frag_worst, -1000);

  const auto& c3 = km.compaction().at(3);
  EXPECT_EQ(c3.tries, 1u);
  EXPECT_EQ(c3.begins, 1u);
  EXPECT_EQ(c3.direct_ends, 1u);
  EXPECT_EQ(c3.direct_stall_ns, 100000000u);
  EXPECT_EQ(km.compaction().at(-1).ends, 1u);
  EXPECT_EQ(km.compaction_totals().direct, 1u);
  EXPECT_EQ(km.compaction_totals().manual, 1u);
  EXPECT_EQ(km.compaction_totals().kcompactd, 1u);
  EXPECT_EQ(km.compaction_totals().unmatched_ends, 1u);
  EXPECT_EQ(km.pgalloc_delta().value(), 140u);
  EXPECT_EQ(km.vmstat_delta("compact_stall").value(), 1u);

  SourceNotes notes(all_on());
  KernelTables frag = fragmentation_tables(km, notes);
  ASSERT_EQ(frag.tables.size(), 2u);
  const Table& orders = frag.tables[1].table;
  // Rows: "whole", then orders 0..10.
  EXPECT_EQ(orders.at(0, 0).shown(), "whole");
  EXPECT_EQ(orders.at(2, 0).shown(), "1");
  EXPECT_EQ(orders.at(2, 1).shown(), "5");  // EXTFRAG of order 1: 7 - 2
  EXPECT_EQ(orders.at(5, 2).shown(), "5");  // EXTFRAG_TAKEN of order 4
  EXPECT_EQ(orders.at(5, 3).shown(),
            "no");  // pageblock order 3: a 4-order block is not fragmenting
  EXPECT_EQ(orders.at(3, 3).shown(), "yes");
  EXPECT_EQ(orders.at(4, 7).shown(), "1");  // DIRECT_COMPACT of order 3
  EXPECT_TRUE(frag.missing.empty());

  KernelTables kmem = kernel_memory_tables(km, notes, 4096, 15);
  ASSERT_EQ(kmem.tables.size(), 4u);
  const Table& slab = kmem.tables[0].table;
  ASSERT_EQ(slab.rows(), 2u);
  EXPECT_EQ(slab.at(0, 0).shown(), "a");  // grew by 2 slabs of one page; b shrank by one
  EXPECT_EQ(slab.at(0, 7).csv(), Cell::bytes(8192).csv());
  EXPECT_EQ(slab.at(1, 7).csv(), Cell::bytes(4096, true).csv());
  const Table& allocs = kmem.tables[1].table;
  EXPECT_EQ(allocs.at(0, 1).shown(), "50");
  EXPECT_EQ(allocs.at(3, 2).shown(), "40");
  const auto& summary = kmem.tables[1].summary;
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_NE(summary[0].find("90 pages"), std::string::npos) << summary[0];
  EXPECT_NE(summary[0].find("pgalloc_* over the same samples: 140 pages"), std::string::npos);
  const Table& mem = kmem.tables[2].table;
  EXPECT_EQ(mem.at(0, 0).shown(), "PageTables");
  EXPECT_EQ(mem.at(0, 3).csv(), Cell::bytes(300 * 1024).csv());
  const Table& pte = kmem.tables[3].table;
  ASSERT_EQ(pte.rows(), 1u);
  EXPECT_EQ(pte.at(0, 1).shown(), "worker");
  EXPECT_EQ(pte.at(0, 2).csv(), Cell::bytes(48 * 1024).csv());
  EXPECT_EQ(pte.at(0, 4).csv(), Cell::bytes(96 * 1024).csv());
}

// A capture older than format 1.5 has none of these records and does not say
// the sources were off: every number is "-", with a note each, never 0.
TEST(KernelMemory, OldCaptureShowsMissingNeverZero) {
  RecordBuffer b;
  b.proc_file(1000, 0, PS_PROC_VMSTAT, "pgalloc_normal 1\n");
  KernelMemory km;
  b.for_each([&](const ps_header& h) { km.apply(h); });
  SourceNotes notes;  // the capture does not say
  KernelTables frag = fragmentation_tables(km, notes);
  const Table& zones = frag.tables[0].table;
  ASSERT_GT(zones.rows(), 0u);
  EXPECT_FALSE(zones.measured("UNUSABLE_END"));
  EXPECT_NE(zones.csv().find("\n,,0,,,,,,,,\n"), std::string::npos) << zones.csv();  // only ORDER
  const Table& orders = frag.tables[1].table;
  EXPECT_FALSE(orders.measured("COMPACT_BEGIN"));
  EXPECT_FALSE(orders.measured("EXTFRAG"));
  EXPECT_EQ(orders.aligned().find(" 0 "), std::string::npos) << orders.aligned();
  EXPECT_EQ(frag.missing.size(), 3u);  // buddyinfo, extfrag, compaction
  KernelTables kmem = kernel_memory_tables(km, notes, 4096, 15);
  EXPECT_FALSE(kmem.tables[0].table.measured("GROWTH"));
  EXPECT_FALSE(kmem.tables[1].table.measured("ALLOCS"));
  EXPECT_TRUE(kmem.tables[1].summary.empty());

  // A capture that says the source was unavailable: SourceNotes words the note.
  capture::SourceSet said = all_on();
  said.set(Source::kCompaction, SourceState::kUnavailable, "no raw tracepoint mm_compaction_begin");
  SourceNotes n2(said);
  KernelTables f2 = fragmentation_tables(km, n2);
  EXPECT_FALSE(f2.tables[1].table.measured("COMPACT_END"));
  ASSERT_EQ(n2.notes().size(), 1u);
  EXPECT_NE(n2.notes()[0].find("mm_compaction_begin"), std::string::npos);
}

}  // namespace
}  // namespace pagescope::model
