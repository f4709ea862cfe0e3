// The tracker follows processes through snapshots, syscalls, fork, exec and
// exit, and attributes every fault to the VMA it hit.
#include <gtest/gtest.h>

#include "tests/support/record_buffer.h"
#include "inspector/model/space_tracker.h"
#include "inspector/model/mmap_file_path.h"

#include <cstring>
#include <initializer_list>

using namespace pagescope::model;

namespace {
constexpr uint64_t P = 4096;
constexpr uint32_t kUserWrite = PS_PF_USER | PS_PF_WRITE;
constexpr uint64_t kMapPrivateAnon = 0x22;
const char* kMaps =
    "555500000000-555500002000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
    "555500002000-555500003000 rw-p 00002000 08:01 77 /usr/bin/demo\n"
    "555500010000-555500020000 rw-p 00000000 00:00 0 [heap]\n"
    "7f0000000000-7f0000010000 r--p 00000000 08:01 99 /usr/lib/libc.so.6\n"
    "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n";

SpaceTracker run(const RecordBuffer& b) {
  SpaceTracker t;
  b.for_each([&](const ps_header& h) { t.apply(h); });
  return t;
}
}  // namespace

TEST(SpaceTracker, FaultsAreAttributedByRegionAndDistinctPage) {
  RecordBuffer b;
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  for (int i = 0; i < 3; ++i) b.fault(20 + i, 1, 1, 0x555500000000 + i * 10, PS_PF_USER | PS_PF_INSTR);
  for (int i = 0; i < 5; ++i) b.fault(30 + i, 1, 1, 0x555500010000 + i * P, kUserWrite);
  b.fault(40, 1, 1, 0x555500010000 + 8, kUserWrite);  // same page again
  b.fault(41, 1, 1, 0x7f0000001000, PS_PF_USER, PS_FAULT_ERR_KNOWN | PS_FAULT_MAJOR);
  b.fault(42, 1, 1, 0x100, PS_PF_USER);  // nothing mapped there
  SpaceTracker t = run(b);
  const ProcessSpace* ps = t.find(1);
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kText)].exec, 3u);
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kHeap)].total, 6u);
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kSharedLib)].major, 1u);
  EXPECT_EQ(ps->faults_by_kind[kVmaKindCount].total, 1u);

  auto layout = t.layout(1);
  ASSERT_EQ(layout.size(), 5u);
  EXPECT_EQ(layout[0].faults, 3u);
  EXPECT_EQ(layout[0].pages_touched, 1u);
  EXPECT_EQ(layout[0].first_touch_ns, 20u);
  EXPECT_EQ(layout[2].faults, 6u);
  EXPECT_EQ(layout[2].pages_touched, 5u);
  EXPECT_EQ(layout[3].faults, 1u);
  // The heap's lineage saw the same.
  const MappingStats& heap = t.mappings()[layout[2].vma.mapping];
  EXPECT_EQ(heap.faults.total, 6u);
  EXPECT_EQ(heap.pages_touched, 5u);
}

TEST(SpaceTracker, PerVmaCountsFollowSplitsAndEndWithUnmap) {
  RecordBuffer b;
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  const uint64_t a = 0x7f1000000000;
  b.syscall(PS_EV_MMAP, 20, 1, 1, {0, 8 * P, 3, kMapPrivateAnon, ~0ull, 0}, int64_t(a));
  for (int i = 0; i < 8; ++i) b.fault(30 + i, 1, 1, a + i * P, kUserWrite);
  b.syscall(PS_EV_MPROTECT, 40, 1, 1, {a + 2 * P, 2 * P, 1}, 0);
  SpaceTracker t = run(b);
  auto layout = t.layout(1);
  std::vector<VmaUsage> mine;
  for (auto& u : layout) if (u.vma.start >= a && u.vma.end <= a + 8 * P) mine.push_back(u);
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].faults, 2u);
  EXPECT_EQ(mine[1].faults, 2u);
  EXPECT_EQ(mine[1].vma.perms, kPermRead);
  EXPECT_EQ(mine[2].faults, 4u);

  b.syscall(PS_EV_MUNMAP, 50, 1, 1, {a, 8 * P}, 0);
  SpaceTracker t2 = run(b);
  const MappingStats& m = t2.mappings()[mine[0].vma.mapping];
  EXPECT_EQ(m.origin, std::string("mmap"));
  EXPECT_EQ(m.created_ns, 20u);
  EXPECT_EQ(m.ended_ns, 50u);
  EXPECT_EQ(m.faults.total, 8u);
  EXPECT_EQ(m.pages_touched, 8u);
  ASSERT_GE(m.changes.size(), 4u);  // created, mprotect, unmapped, ended
  EXPECT_EQ(m.changes[1].op, VmaOp::kProtected);
}

TEST(SpaceTracker, ForkCopiesLayoutAndWriteProtectFaultsAreCopyOnWrite) {
  RecordBuffer b;
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  b.fork(20, 1, 1, 2, 2, 0, "demo");
  b.fork(21, 1, 1, 1, 3, PS_FORK_THREAD, "demo");  // a thread: no new space
  // Child writes to heap pages that the parent had: COW.
  for (int i = 0; i < 4; ++i) b.fault(30 + i, 2, 2, 0x555500010000 + i * P, kUserWrite | PS_PF_PROT);
  // Write-protect fault on read-only file text is not COW (it is a SIGSEGV).
  b.fault(40, 2, 2, 0x555500000000, kUserWrite | PS_PF_PROT);
  SpaceTracker t = run(b);
  ASSERT_NE(t.find(2), nullptr);
  EXPECT_EQ(t.find(2)->space.vmas().size(), t.find(1)->space.vmas().size());
  EXPECT_EQ(t.find(2)->cow_faults, 4u);
  EXPECT_EQ(t.find(1)->cow_faults, 0u);
  EXPECT_EQ(t.find(3), nullptr);
  // The child's VMAs are its own lineages.
  EXPECT_NE(t.find(2)->space.find(0x555500010000)->mapping,
            t.find(1)->space.find(0x555500010000)->mapping);
}

TEST(SpaceTracker, ExecEmptiesAndExitEndsEverything) {
  RecordBuffer b;
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  b.exec(20, 1, 1, "other", "/usr/bin/other");
  b.fault(21, 1, 1, 0x555500000000, PS_PF_USER);
  SpaceTracker t = run(b);
  EXPECT_FALSE(t.find(1)->space.seeded());
  EXPECT_EQ(t.find(1)->faults_by_kind[kVmaKindCount].total, 1u);
  size_t ended = 0;
  for (const auto& m : t.mappings()) if (m.id && m.ended_ns == 20) ++ended;
  EXPECT_EQ(ended, 5u);

  b.proc_file(30, 1, PS_PROC_MAPS, kMaps);
  b.exit(40, 1, 1, true);
  SpaceTracker t2 = run(b);
  ASSERT_NE(t2.find(1), nullptr);
  EXPECT_TRUE(t2.find(1)->exited);
  for (const auto& m : t2.mappings()) {
    if (m.id) {
      EXPECT_NE(m.ended_ns, 0u) << m.id;
    }
  }
}

TEST(SpaceTracker, LostEventsAndUnseededProcessesAreUncertainUntilASnapshot) {
  RecordBuffer b;
  b.syscall(PS_EV_MMAP, 5, 9, 9, {0, P, 3, kMapPrivateAnon, ~0ull, 0}, 0x7f5000000000);
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  b.lost(20, 5, 5);
  SpaceTracker t = run(b);
  EXPECT_TRUE(t.find(9)->space.find(0x7f5000000000)->uncertain);  // never had a snapshot
  EXPECT_TRUE(t.find(1)->space.uncertain());
  EXPECT_EQ(t.lost_events(), 5u);

  b.proc_file(30, 1, PS_PROC_MAPS, kMaps);
  SpaceTracker t2 = run(b);
  EXPECT_FALSE(t2.find(1)->space.uncertain());
  EXPECT_EQ(t2.find(1)->snapshots, 2u);
  EXPECT_EQ(t2.find(1)->snapshots_compared, 0u);  // the model was uncertain: nothing to check
}

TEST(SpaceTracker, SnapshotThatDisagreesIsCountedAsDrift) {
  RecordBuffer b;
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  // The model is not told about an mmap the kernel then shows.
  b.proc_file(20, 1, PS_PROC_MAPS,
              std::string(kMaps) + "7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0 \n");
  b.proc_file(30, 1, PS_PROC_MAPS,
              std::string(kMaps) + "7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0 \n");
  SpaceTracker t = run(b);
  EXPECT_EQ(t.find(1)->snapshots_compared, 2u);
  EXPECT_EQ(t.find(1)->snapshot_mismatches, 1u);
  EXPECT_NE(t.find(1)->last_mismatch.find("7ffd00000000"), std::string::npos);
}

TEST(SpaceTracker, FaultJustBelowTheStackGrowsIt) {
  RecordBuffer b;
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  b.fault(20, 1, 1, 0x7ffc00000000 - 3 * P + 16, kUserWrite);
  SpaceTracker t = run(b);
  EXPECT_EQ(t.find(1)->stack_growth, 1u);
  EXPECT_EQ(t.find(1)->faults_by_kind[int(VmaKind::kStack)].total, 1u);
  EXPECT_EQ(t.find(1)->space.find(0x7ffc00000000 - 3 * P)->kind, VmaKind::kStack);
}

TEST(SpaceTracker, FaultsBeforeTheFirstSnapshotAreAttributedWhenItComes) {
  RecordBuffer b;
  b.exec(5, 1, 1, "demo", "/usr/bin/demo");
  b.fault(6, 1, 1, 0x555500000010, PS_PF_USER | PS_PF_INSTR);
  b.fault(7, 1, 1, 0x7ffc00020000, kUserWrite);
  b.fault(8, 1, 1, 0x10, PS_PF_USER);  // stays unknown: nothing there in the snapshot
  SpaceTracker before = run(b);
  EXPECT_EQ(before.find(1)->faults_by_kind[kVmaKindCount].total, 3u);
  b.proc_file(10, 1, PS_PROC_MAPS, kMaps);
  SpaceTracker t = run(b);
  const ProcessSpace* ps = t.find(1);
  EXPECT_EQ(ps->deferred_faults, 2u);
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kText)].exec, 1u);
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kStack)].write, 1u);
  EXPECT_EQ(ps->faults_by_kind[kVmaKindCount].total, 1u);
  EXPECT_EQ(ps->faults_by_kind[kVmaKindCount].read, 1u);
  auto layout = t.layout(1);
  ASSERT_FALSE(layout.empty());
  EXPECT_EQ(layout[0].faults, 1u);
  EXPECT_EQ(layout[0].first_touch_ns, 6u);
}

TEST(SpaceTracker, AFileMappedByFdTakesItsKindFromTheNextSnapshot) {
  RecordBuffer b;
  b.proc_file(1, 1, PS_PROC_MAPS, kMaps);
  b.syscall(PS_EV_MMAP, 2, 1, 1, {0, 4 * P, 5, 0x02, 3, 0}, 0x7f3000000000);  // PROT_READ|EXEC, MAP_PRIVATE, fd 3
  for (int i = 0; i < 3; ++i) b.fault(3 + i, 1, 1, 0x7f3000000000 + i * P, PS_PF_USER | PS_PF_INSTR);
  SpaceTracker before = run(b);
  EXPECT_EQ(before.find(1)->faults_by_kind[int(VmaKind::kFile)].total, 3u);
  b.proc_file(10, 1, PS_PROC_MAPS,
              std::string(kMaps) + "7f3000000000-7f3000004000 r-xp 00000000 08:01 5 /usr/lib/libz.so.1\n");
  SpaceTracker t = run(b);
  EXPECT_EQ(t.find(1)->faults_by_kind[int(VmaKind::kFile)].total, 0u);
  EXPECT_EQ(t.find(1)->faults_by_kind[int(VmaKind::kSharedLib)].exec, 3u);
  const Vma* v = t.find(1)->space.find(0x7f3000000000);
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(t.mappings()[v->mapping].first.path, "/usr/lib/libz.so.1");
  EXPECT_EQ(t.mappings()[v->mapping].origin, std::string("mmap"));
  EXPECT_EQ(t.find(1)->snapshot_mismatches, 0u);
}

// Format 1.4: the BPF side follows a successful mmap of an fd with the file's
// path (ps_mmap_file, components leaf first), so the mapping is named before
// its first fault, even for a process gone before any snapshot.
static ps_mmap_file mmap_file(uint64_t ts, uint32_t pid, uint64_t start, uint64_t len, uint64_t offset,
                       std::initializer_list<const char*> leaf_first, uint16_t flags = 0) {
  ps_mmap_file r{};
  r.hdr.kind = PS_EV_MMAP_FILE;
  r.hdr.size = sizeof r;
  r.hdr.ts_ns = ts;
  r.hdr.pid = r.hdr.tid = pid;
  r.start = start;
  r.len = len;
  r.offset = offset;
  r.ino = 5;
  r.dev = (8u << 20) | 1u;
  r.flags = flags;
  size_t at = 0;
  for (const char* name : leaf_first) {
    std::strcpy(r.names + at, name);
    at += std::strlen(name) + 1;
    ++r.depth;
  }
  return r;
}

TEST(MmapFilePath, ComponentsReadBackToFrontAndATruncatedWalkSaysSo) {
  EXPECT_EQ(mmap_file_path(mmap_file(0, 1, 0, 0, 0, {"libc.so.6", "lib", "usr"})), "/usr/lib/libc.so.6");
  EXPECT_EQ(mmap_file_path(mmap_file(0, 1, 0, 0, 0, {"libc.so.6", "lib"}, PS_MMAP_FILE_TRUNCATED)),
            ".../lib/libc.so.6");
  EXPECT_EQ(mmap_file_path(mmap_file(0, 1, 0, 0, 0, {})), "");
  ps_mmap_file unterminated = mmap_file(0, 1, 0, 0, 0, {});
  std::memset(unterminated.names, 'a', sizeof unterminated.names);
  unterminated.depth = 3;  // a hostile count: one component, the whole buffer
  EXPECT_EQ(mmap_file_path(unterminated), "/" + std::string(sizeof unterminated.names, 'a'));
}

TEST(SpaceTracker, AFileMappedByFdIsNamedByTheRecordThatFollowsItsMmap) {
  RecordBuffer b;
  b.proc_file(1, 1, PS_PROC_MAPS, kMaps);
  // ld.so's pattern: reserve the whole object from the fd, then map the text
  // over part of it at its file offset (MAP_FIXED).
  b.syscall(PS_EV_MMAP, 2, 1, 1, {0, 8 * P, 1, 0x02, 3, 0}, 0x7f3000000000);
  auto head_file = mmap_file(2, 1, 0x7f3000000000, 8 * P, 0, {"libz.so.1", "lib", "usr"});
  b.append(&head_file, sizeof head_file);
  b.syscall(PS_EV_MMAP, 3, 1, 1, {0x7f3000002000, 4 * P, 5, 0x12, 3, 2 * P}, 0x7f3000002000);
  auto text_file = mmap_file(3, 1, 0x7f3000002000, 4 * P, 2 * P, {"libz.so.1", "lib", "usr"});
  b.append(&text_file, sizeof text_file);
  for (int i = 0; i < 3; ++i) b.fault(4 + i, 1, 1, 0x7f3000002000 + i * P, PS_PF_USER | PS_PF_INSTR);
  b.fault(7, 1, 1, 0x7f3000000000, PS_PF_USER);
  // A record whose offset disagrees with the mapping there (replaced since)
  // names nothing.
  b.syscall(PS_EV_MMAP, 8, 1, 1, {0, 2 * P, 1, 0x02, 4, 0}, 0x7f4000000000);
  auto other = mmap_file(8, 1, 0x7f4000000000, 2 * P, 16 * P, {"other", "lib", "usr"});
  b.append(&other, sizeof other);
  b.fault(9, 1, 1, 0x7f4000000000, PS_PF_USER);
  SpaceTracker t = run(b);
  const ProcessSpace* ps = t.find(1);
  ASSERT_NE(ps, nullptr);
  const Vma* text = ps->space.find(0x7f3000002000);
  const Vma* head = ps->space.find(0x7f3000000000);
  const Vma* unnamed = ps->space.find(0x7f4000000000);
  ASSERT_TRUE(text && head && unnamed);
  EXPECT_EQ(text->path, "/usr/lib/libz.so.1");
  EXPECT_EQ(head->path, "/usr/lib/libz.so.1");
  EXPECT_EQ(text->inode, 5u);
  EXPECT_EQ(text->dev_major, 8u);
  EXPECT_EQ(text->dev_minor, 1u);
  EXPECT_EQ(t.mappings()[text->mapping].first.path, "/usr/lib/libz.so.1");
  EXPECT_EQ(t.mappings()[head->mapping].first.path, "/usr/lib/libz.so.1");
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kSharedLib)].exec, 3u);
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kSharedLib)].total, 4u);
  EXPECT_TRUE(unnamed->path.empty());
  EXPECT_EQ(ps->faults_by_kind[int(VmaKind::kFile)].total, 1u);
  // Not a snapshot: the rest of the layout is untouched and nothing is drift.
  EXPECT_NE(ps->space.find(0x555500010000), nullptr);
  EXPECT_EQ(ps->snapshot_mismatches, 0u);
  // A later snapshot agrees with what the records named.
  b.proc_file(20, 1, PS_PROC_MAPS,
              std::string(kMaps) + "7f3000000000-7f3000002000 r--p 00000000 08:01 5 /usr/lib/libz.so.1\n"
                                   "7f3000002000-7f3000006000 r-xp 00002000 08:01 5 /usr/lib/libz.so.1\n"
                                   "7f3000006000-7f3000008000 r--p 00006000 08:01 5 /usr/lib/libz.so.1\n"
                                   "7f4000000000-7f4000002000 r--p 00000000 08:01 9 /usr/lib/other2\n");
  EXPECT_EQ(run(b).find(1)->snapshot_mismatches, 0u);
}
