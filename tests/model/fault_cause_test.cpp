// Faults by cause: each class from the fields that decide it, then the
// tracker's counts over a stream that makes every class on purpose.
#include "inspector/model/fault_cause.h"

#include <gtest/gtest.h>

#include "inspector/model/space_tracker.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

namespace {

constexpr uint32_t kKnown = PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED;
constexpr uint32_t kRead = PS_PF_USER;
constexpr uint32_t kWrite = PS_PF_USER | PS_PF_WRITE;

ps_fault fault(uint32_t error_code, uint32_t flags = kKnown) {
  ps_fault f{};
  f.hdr.kind = PS_EV_FAULT;
  f.hdr.size = sizeof f;
  f.error_code = error_code;
  f.flags = flags;
  return f;
}

Vma vma(bool file, bool shared, uint8_t perms = kPermRead | kPermWrite, VmaKind kind = VmaKind::kAnon) {
  Vma v;
  v.start = 0x1000;
  v.end = 0x100000;
  v.file = file;
  v.shared = shared;
  v.perms = perms;
  v.kind = v.base_kind = kind;
  return v;
}

}  // namespace

TEST(FaultCause, EachClassFromTheFieldsThatDecideIt) {
  const Vma anon = vma(false, false), shm = vma(true, true, kPermRead | kPermWrite, VmaKind::kShm);  // no path: shared anonymous
  const Vma file = vma(true, false, kPermRead, VmaKind::kFile), shared_file = vma(true, true, kPermRead | kPermWrite, VmaKind::kFile);
  EXPECT_EQ(classify_fault(fault(kWrite), anon, true), FaultCause::kDemandZero);
  EXPECT_EQ(classify_fault(fault(kRead), anon, true), FaultCause::kZeroPage);
  EXPECT_EQ(classify_fault(fault(kRead), shm, true), FaultCause::kDemandZero) << "shmem has no zero page";
  EXPECT_EQ(classify_fault(fault(kRead), anon, false), FaultCause::kAnonRefault);
  EXPECT_EQ(classify_fault(fault(kRead, kKnown | PS_FAULT_MAJOR), anon, false), FaultCause::kSwapIn);
  EXPECT_EQ(classify_fault(fault(kRead, kKnown | PS_FAULT_MAJOR), shm, false), FaultCause::kSwapIn);
  EXPECT_EQ(classify_fault(fault(kRead), file, true), FaultCause::kFileCache);
  EXPECT_EQ(classify_fault(fault(kRead, kKnown | PS_FAULT_MAJOR), file, true), FaultCause::kFileDisk);
  EXPECT_EQ(classify_fault(fault(kWrite | PS_PF_PROT), anon, false), FaultCause::kCopyOnWrite);
  EXPECT_EQ(classify_fault(fault(kWrite | PS_PF_PROT), vma(true, false, kPermRead | kPermWrite, VmaKind::kData), false),
            FaultCause::kCopyOnWrite)
      << "a private file page written after a read is copied too";
  EXPECT_EQ(classify_fault(fault(kWrite | PS_PF_PROT), shared_file, false), FaultCause::kProtection);
  // A shared mapping of a disk file reads its pages from the file; of /dev/shm, it is memory.
  Vma disk = shared_file, posix_shm = shared_file;
  disk.path = "/var/lib/db/table";
  posix_shm.path = "/dev/shm/ring";
  EXPECT_EQ(classify_fault(fault(kRead, kKnown | PS_FAULT_MAJOR), disk, true), FaultCause::kFileDisk);
  EXPECT_EQ(classify_fault(fault(kRead, kKnown | PS_FAULT_MAJOR), posix_shm, true), FaultCause::kSwapIn);
  EXPECT_EQ(classify_fault(fault(kRead), posix_shm, true), FaultCause::kDemandZero);
}

TEST(FaultCause, WhatTheCaptureDoesNotSayIsUnknown) {
  const Vma anon = vma(false, false), file = vma(true, false, kPermRead, VmaKind::kFile);
  // No error code: first touch cannot tell zero page from demand-zero.
  EXPECT_EQ(classify_fault(fault(0, PS_FAULT_ACCOUNTED), anon, true), FaultCause::kUnknown);
  // ... but a major anonymous fault is a swap-in whatever the access.
  EXPECT_EQ(classify_fault(fault(0, PS_FAULT_ACCOUNTED | PS_FAULT_MAJOR), anon, true), FaultCause::kSwapIn);
  // No major/minor count (the exception tracepoint alone): cache or disk unknown.
  EXPECT_EQ(classify_fault(fault(kRead, PS_FAULT_ERR_KNOWN), file, true), FaultCause::kUnknown);
  EXPECT_EQ(classify_fault(fault(kRead, PS_FAULT_ERR_KNOWN), anon, true), FaultCause::kUnknown);
  // The error code alone still tells a copy-on-write.
  EXPECT_EQ(classify_fault(fault(kWrite | PS_PF_PROT, PS_FAULT_ERR_KNOWN), anon, false), FaultCause::kCopyOnWrite);
}

// A stream with each class on purpose: first reads of fresh memory (zero
// page), writes to them (copy of the zero page), first writes elsewhere
// (demand-zero), a major fault there (swap-in), a file read from cache and
// from disk, and a refault after the page was dropped.
TEST(FaultCause, TrackerCountsEachClassPerProcessAndMapping) {
  constexpr uint64_t P = 4096;
  RecordBuffer b;
  b.proc_file(1, 7, PS_PROC_MAPS,
              "7f0000000000-7f0000010000 rw-p 00000000 00:00 0 \n"
              "7f1000000000-7f1000010000 r--p 00000000 08:01 99 /data/file\n");
  uint64_t ts = 10;
  for (int i = 0; i < 4; ++i) b.fault(ts++, 7, 7, 0x7f0000000000 + i * P, kRead);               // zero page
  for (int i = 0; i < 4; ++i) b.fault(ts++, 7, 7, 0x7f0000000000 + i * P, kWrite | PS_PF_PROT);  // cow
  for (int i = 4; i < 9; ++i) b.fault(ts++, 7, 7, 0x7f0000000000 + i * P, kWrite);              // demand zero
  b.fault(ts++, 7, 7, 0x7f0000000000 + 5 * P, kRead, kKnown | PS_FAULT_MAJOR);                 // swap-in
  b.fault(ts++, 7, 7, 0x7f0000000000 + 6 * P, kRead);                                          // refault
  for (int i = 0; i < 3; ++i) b.fault(ts++, 7, 7, 0x7f1000000000 + i * P, kRead);                // file cache
  for (int i = 3; i < 5; ++i) b.fault(ts++, 7, 7, 0x7f1000000000 + i * P, kRead, kKnown | PS_FAULT_MAJOR);
  SpaceTracker t;
  b.for_each([&](const ps_header& h) { t.apply(h); });
  const ProcessSpace* ps = t.find(7);
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ(ps->causes[FaultCause::kZeroPage], 4u);
  EXPECT_EQ(ps->causes[FaultCause::kCopyOnWrite], 4u);
  EXPECT_EQ(ps->causes[FaultCause::kDemandZero], 5u);
  EXPECT_EQ(ps->causes[FaultCause::kSwapIn], 1u);
  EXPECT_EQ(ps->causes[FaultCause::kAnonRefault], 1u);
  EXPECT_EQ(ps->causes[FaultCause::kFileCache], 3u);
  EXPECT_EQ(ps->causes[FaultCause::kFileDisk], 2u);
  EXPECT_EQ(ps->causes[FaultCause::kUnknown], 0u);
  // Per mapping: the anonymous one holds the anonymous classes, the file one the rest.
  for (const MappingStats& m : t.mappings()) {
    if (m.pid != 7) continue;
    if (m.first.file) {
      EXPECT_EQ(m.causes[FaultCause::kFileCache] + m.causes[FaultCause::kFileDisk], 5u);
      EXPECT_EQ(m.causes[FaultCause::kZeroPage], 0u);
    } else {
      EXPECT_EQ(m.causes[FaultCause::kZeroPage] + m.causes[FaultCause::kCopyOnWrite] + m.causes[FaultCause::kDemandZero] +
                    m.causes[FaultCause::kSwapIn] + m.causes[FaultCause::kAnonRefault],
                15u);
    }
  }
}
