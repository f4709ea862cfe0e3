// The shared header's layout is part of the capture format: offsets here are
// what docs/capture-format.md promises, so a change must fail a test.
#include <cstddef>

#include <gtest/gtest.h>

#include "events.h"

TEST(EventsHeader, HeaderOffsets) {
  EXPECT_EQ(offsetof(ps_header, kind), 0u);
  EXPECT_EQ(offsetof(ps_header, cpu), 2u);
  EXPECT_EQ(offsetof(ps_header, size), 4u);
  EXPECT_EQ(offsetof(ps_header, ts_ns), 8u);
  EXPECT_EQ(offsetof(ps_header, pid), 16u);
  EXPECT_EQ(offsetof(ps_header, tid), 20u);
  EXPECT_EQ(sizeof(ps_header), 24u);
}

TEST(EventsHeader, RecordSizesAndOffsets) {
  EXPECT_EQ(sizeof(ps_fault), 48u);
  EXPECT_EQ(offsetof(ps_fault, address), 24u);
  EXPECT_EQ(offsetof(ps_fault, flags), 44u);
  EXPECT_EQ(sizeof(ps_mm_syscall), 88u);
  EXPECT_EQ(offsetof(ps_mm_syscall, ret), 72u);
  EXPECT_EQ(sizeof(ps_fork), 56u);
  EXPECT_EQ(offsetof(ps_fork, comm), 40u);
  EXPECT_EQ(sizeof(ps_exec), 304u);
  EXPECT_EQ(offsetof(ps_exec, filename), 48u);
  EXPECT_EQ(sizeof(ps_exit), 64u);
  EXPECT_EQ(sizeof(ps_proc_file), 32u);
  EXPECT_EQ(sizeof(ps_lost), 40u);
  EXPECT_EQ(sizeof(ps_target), 32u);
  // Format 1.1: pressure records.
  EXPECT_EQ(sizeof(ps_reclaim), 64u);
  EXPECT_EQ(offsetof(ps_reclaim, duration_ns), 48u);
  EXPECT_EQ(sizeof(ps_lru_shrink), 112u);
  EXPECT_EQ(offsetof(ps_lru_shrink, reclaim_flags), 104u);
  EXPECT_EQ(sizeof(ps_write_folio), 40u);
  EXPECT_EQ(sizeof(ps_swap_ents), 40u);
  EXPECT_EQ(sizeof(ps_tlb_flush), 40u);
  EXPECT_EQ(sizeof(ps_oom_victim), 88u);
  EXPECT_EQ(offsetof(ps_oom_victim, comm), 72u);
  EXPECT_EQ(sizeof(ps_signal), 56u);
  EXPECT_EQ(offsetof(ps_signal, addr), 32u);
}

TEST(EventsHeader, RecordSizesAreEightByteMultiples) {
  // Records are packed back to back in a chunk; 8-byte multiples keep every
  // header naturally aligned for readers that cast in place.
  for (size_t s : {sizeof(ps_fault), sizeof(ps_mm_syscall), sizeof(ps_fork), sizeof(ps_exec),
                   sizeof(ps_exit), sizeof(ps_proc_file), sizeof(ps_lost), sizeof(ps_target),
                   sizeof(ps_reclaim), sizeof(ps_lru_shrink), sizeof(ps_write_folio),
                   sizeof(ps_swap_ents), sizeof(ps_tlb_flush), sizeof(ps_oom_victim), sizeof(ps_mmap_file),
                   sizeof(ps_access_bits), sizeof(ps_access_interval), sizeof(ps_page_content),
                   sizeof(ps_compress_calibration), sizeof(ps_signal)}) {
    EXPECT_EQ(s % 8, 0u) << s;
  }
}

TEST(EventsHeader, KindsAreDistinctAndBelowMax) {
  const int kinds[] = {PS_EV_FAULT, PS_EV_MMAP,  PS_EV_MUNMAP, PS_EV_MPROTECT, PS_EV_MREMAP,
                       PS_EV_BRK,   PS_EV_MADVISE, PS_EV_SHMAT, PS_EV_SHMDT,  PS_EV_FORK,
                       PS_EV_EXEC,  PS_EV_EXIT,  PS_EV_PROC_FILE, PS_EV_LOST, PS_EV_TARGET,
                       PS_EV_RECLAIM, PS_EV_LRU_SHRINK, PS_EV_WRITE_FOLIO, PS_EV_SWAP_ENTS,
                       PS_EV_TLB_FLUSH, PS_EV_OOM_VICTIM, PS_EV_MMAP_FILE, PS_EV_COMPACTION, PS_EV_SIGNAL, PS_EV_ORDER_COUNTS, PS_EV_ACCESS_BITS,
                       PS_EV_ACCESS_INTERVAL, PS_EV_PAGE_CONTENT, PS_EV_COMPRESS_CALIBRATION};
  for (size_t i = 0; i < std::size(kinds); ++i) {
    EXPECT_GT(kinds[i], PS_EV_NONE);
    EXPECT_LT(kinds[i], PS_EV_KIND_MAX);
    for (size_t j = i + 1; j < std::size(kinds); ++j) EXPECT_NE(kinds[i], kinds[j]);
  }
}
