// AddressSpace operations on hand-built layouts whose kernel result is known
// (mm/mmap.c, mm/mprotect.c, mm/mremap.c semantics).
#include <gtest/gtest.h>

#include "inspector/model/address_space.h"
#include "inspector/model/maps_parser.h"

using namespace pagescope::model;

namespace {
constexpr uint64_t P = 4096;
constexpr uint64_t B = 0x7f0000000000;

Vma anon(uint64_t start, uint64_t pages, uint8_t perms = kPermRead | kPermWrite, uint32_t id = 1) {
  Vma v;
  v.start = start;
  v.end = start + pages * P;
  v.perms = perms;
  v.offset = start;
  v.mapping = id;
  v.accounted = perms & kPermWrite;  // as mmap charges private writable memory
  return v;
}

Vma file_map(uint64_t start, uint64_t pages, uint64_t offset, uint32_t id) {
  Vma v = anon(start, pages, kPermRead, id);
  v.file = true;
  v.offset = offset;
  v.base_kind = VmaKind::kFile;
  return v;
}

// "start-end perms" for every VMA of the view, in pages from B.
std::string view(const AddressSpace& as) {
  std::string s;
  for (const Vma& v : as.vmas()) {
    s += std::to_string((v.start - B) / P) + "-" + std::to_string((v.end - B) / P) + " " +
         perms_string(v) + (v.uncertain ? "?" : "") + "; ";
  }
  return s;
}
}  // namespace

TEST(AddressSpace, MunmapOfAMiddleSliceSplitsInTwo) {
  AddressSpace as;
  as.map(anon(B, 10));
  as.unmap(B + 3 * P, 2 * P);
  EXPECT_EQ(view(as), "0-3 rw-p; 5-10 rw-p; ");
  EXPECT_EQ(as.find(B + 3 * P), nullptr);
  EXPECT_NE(as.find(B + 5 * P), nullptr);
  EXPECT_EQ(as.pieces().size(), 2u);
}

TEST(AddressSpace, MprotectSplitsAndMergesBack) {
  AddressSpace as;
  as.map(anon(B, 10));
  as.protect(B + 2 * P, 3 * P, kPermRead);
  EXPECT_EQ(view(as), "0-2 rw-p; 2-5 r--p; 5-10 rw-p; ");
  as.protect(B + 2 * P, 3 * P, kPermRead | kPermWrite);
  EXPECT_EQ(view(as), "0-10 rw-p; ");
  // The pieces stay apart underneath (one lineage), only the view merges.
  EXPECT_EQ(as.pieces().size(), 3u);
  for (const auto& [start, v] : as.pieces()) EXPECT_EQ(v.mapping, 1u);
}

TEST(AddressSpace, MprotectNoneMakesAGuard) {
  AddressSpace as;
  as.map(anon(B, 4));
  as.protect(B, P, 0);
  EXPECT_EQ(as.find(B)->kind, VmaKind::kGuard);
  // Anonymous memory right above a guard is a thread stack (glibc's layout).
  EXPECT_EQ(as.find(B + P)->kind, VmaKind::kThreadStack);
}

TEST(AddressSpace, MapFixedReplacesPartOfAMapping) {
  AddressSpace as;
  as.map(file_map(B, 8, 0, 1));
  Vma over = anon(B + 3 * P, 2, kPermRead | kPermWrite, 2);
  as.map(over);
  EXPECT_EQ(view(as), "0-3 r--p; 3-5 rw-p; 5-8 r--p; ");
  // The file piece after the hole keeps its file offset.
  EXPECT_EQ(as.find(B + 5 * P)->offset, 5 * P);
  EXPECT_EQ(as.find(B + 4 * P)->mapping, 2u);
}

TEST(AddressSpace, AdjacentFileMappingsMergeOnlyWithContiguousOffsets) {
  AddressSpace as;
  Vma a = file_map(B, 2, 0, 1);
  Vma b = file_map(B + 2 * P, 2, 2 * P, 1);
  Vma c = file_map(B + 4 * P, 2, 10 * P, 1);
  as.map(a);
  as.map(b);
  as.map(c);
  EXPECT_EQ(view(as), "0-4 r--p; 4-6 r--p; ");
}

TEST(AddressSpace, MremapGrowInPlaceShrinkAndMove) {
  AddressSpace as;
  as.map(anon(B, 4));
  as.remap(B, 4 * P, B, 6 * P, false);
  EXPECT_EQ(view(as), "0-6 rw-p; ");
  as.remap(B, 6 * P, B, 2 * P, false);
  EXPECT_EQ(view(as), "0-2 rw-p; ");
  // Move and grow: the old range is gone, the new one is bigger.
  as.remap(B, 2 * P, B + 100 * P, 3 * P, false);
  EXPECT_EQ(view(as), "100-103 rw-p; ");
  EXPECT_EQ(as.find(B + 100 * P)->mapping, 1u);  // same lineage, moved
}

TEST(AddressSpace, MremapMoveOverAnExistingMappingReplacesIt) {
  AddressSpace as;
  as.map(anon(B, 2, kPermRead | kPermWrite, 1));
  as.map(anon(B + 10 * P, 8, kPermRead, 2));
  as.remap(B, 2 * P, B + 12 * P, 2 * P, false);
  EXPECT_EQ(view(as), "10-12 r--p; 12-14 rw-p; 14-18 r--p; ");
}

TEST(AddressSpace, MremapDontUnmapKeepsTheSourceAndMovedMemoryDoesNotMergeBack) {
  AddressSpace as;
  as.map(anon(B, 4));
  as.remap(B, 4 * P, B + 4 * P, 4 * P, /*dont_unmap=*/true);
  // Both stay; the moved piece's pages are indexed from B, not B + 4P, so the
  // kernel does not merge it with its new neighbour.
  EXPECT_EQ(view(as), "0-4 rw-p; 4-8 rw-p; ");
}

TEST(AddressSpace, SeparatelyWrittenRegionsDoNotMergeButFreshOnesDo) {
  AddressSpace as;
  as.map(anon(B + 4 * P, 4, kPermRead | kPermWrite, 1));
  as.map(anon(B, 4, kPermRead | kPermWrite, 2));
  EXPECT_EQ(view(as), "0-8 rw-p; ");  // a new mapping has no anon_vma: it merges
  AddressSpace apart;
  apart.map(anon(B, 4, kPermRead, 1));
  apart.map(anon(B + 4 * P, 4, kPermRead | kPermWrite, 2));
  apart.note_write_fault(B + 4 * P);
  apart.protect(B, 4 * P, kPermRead | kPermWrite);
  EXPECT_EQ(view(apart), "0-8 rw-p; ");  // first piece still has no anon_vma
  AddressSpace both;
  both.map(anon(B, 4, kPermRead | kPermWrite, 1));
  both.note_write_fault(B);
  both.map(anon(B + 4 * P, 4, kPermRead | kPermWrite | kPermExec, 2));
  both.note_write_fault(B + 4 * P);
  both.protect(B + 4 * P, 4 * P, kPermRead | kPermWrite);
  // The second region borrowed its neighbour's anon_vma (they differed only
  // in permissions), so once the permissions match they merge.
  EXPECT_EQ(view(both), "0-8 rw-p; ");
  AddressSpace moved;
  moved.map(anon(B, 4, kPermRead | kPermWrite, 1));
  moved.note_write_fault(B);
  moved.map(anon(B + 100 * P, 4, kPermRead | kPermWrite, 2));
  moved.note_write_fault(B + 100 * P);
  moved.remap(B + 100 * P, 4 * P, B + 4 * P, 4 * P, false);
  EXPECT_EQ(view(moved), "0-4 rw-p; 4-8 rw-p; ") << "two anon_vmas, and pages indexed apart";
}

TEST(AddressSpace, RelroStaysApartFromTheReadOnlySegmentBeforeIt) {
  // ld.so maps a library's read-only and writable segments, then makes the
  // start of the writable one read-only (RELRO). The kernel keeps it apart
  // from the read-only segment: it stays VM_ACCOUNTed.
  auto maps = parse_maps(
      "7f0000000000-7f0000004000 r--p 00000000 08:01 5 /usr/lib/libx.so\n"
      "7f0000004000-7f0000008000 rw-p 00004000 08:01 5 /usr/lib/libx.so\n");
  ASSERT_TRUE(maps.ok());
  AddressSpace as;
  as.reset(maps.value());
  as.protect(B + 4 * P, 2 * P, kPermRead);
  EXPECT_EQ(view(as), "0-4 r--p; 4-6 r--p; 6-8 rw-p; ");
  // Made writable again, it merges back with its writable rest.
  as.protect(B + 4 * P, 2 * P, kPermRead | kPermWrite);
  EXPECT_EQ(view(as), "0-4 r--p; 4-8 rw-p; ");
}

TEST(AddressSpace, BrkGrowsAndShrinksTheHeap) {
  AddressSpace as;
  const uint64_t start = 0x555555560000;
  as.brk(start, 7);  // brk(0) before any heap: learns start_brk
  EXPECT_EQ(as.brk_start(), start);
  as.brk(start + 10 * P + 100, 7);
  const Vma* heap = as.find(start);
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ(heap->kind, VmaKind::kHeap);
  EXPECT_EQ(as.vmas().back().end, start + 11 * P);  // page-aligned up
  as.brk(start + 20 * P, 7);
  EXPECT_EQ(as.vmas().size(), 1u);
  EXPECT_EQ(as.vmas()[0].end, start + 20 * P);
  as.brk(start + 4 * P, 7);
  EXPECT_EQ(as.vmas()[0].end, start + 4 * P);
  as.brk(start, 7);
  EXPECT_TRUE(as.vmas().empty());
}

TEST(AddressSpace, UncertaintyIsMarkedAndClearedByASnapshot) {
  AddressSpace as;
  as.map(anon(B, 4));
  as.map(anon(B + 8 * P, 4, kPermRead));
  as.mark_uncertain(B + 9 * P, P);
  EXPECT_TRUE(as.uncertain());
  EXPECT_FALSE(as.find(B)->uncertain);
  EXPECT_TRUE(as.find(B + 8 * P)->uncertain);
  auto maps = parse_maps("7f0000000000-7f0000004000 rw-p 00000000 00:00 0 \n");
  ASSERT_TRUE(maps.ok());
  as.reset(maps.value());
  EXPECT_FALSE(as.uncertain());
  EXPECT_TRUE(as.seeded());
  EXPECT_EQ(view(as), "0-4 rw-p; ");
}

TEST(AddressSpace, LayoutDifferenceNamesTheFirstMismatch) {
  auto a = parse_maps("7f0000000000-7f0000004000 rw-p 00000000 00:00 0 \n");
  auto b = parse_maps("7f0000000000-7f0000005000 rw-p 00000000 00:00 0 \n");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(layout_difference(a.value(), a.value()), "");
  const std::string d = layout_difference(a.value(), b.value());
  EXPECT_NE(d.find("7f0000004000"), std::string::npos) << d;
  EXPECT_NE(d.find("7f0000005000"), std::string::npos) << d;
  EXPECT_NE(layout_difference(a.value(), {}), "");
}
