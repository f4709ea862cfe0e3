// The per-process summary counts what the records say, split the way
// `inspect` shows it; every number here is derived by hand from the stream.
#include <gtest/gtest.h>

#include "inspector/model/process_table.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

namespace {
constexpr uint32_t kKnown = PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED;

ProcessTable run(const RecordBuffer& buf) {
  ProcessTable table;
  buf.for_each([&](const ps_header& h) { table.apply(h); });
  return table;
}
}  // namespace

TEST(ProcessTable, FaultsSplitByModeAccessProtectionAndSeverity) {
  RecordBuffer b;
  // 7 user read not-present, 5 user writes (2 of them protection), 3 exec, 2 kernel, 1 major, 1 unknown.
  for (int i = 0; i < 7; ++i) b.fault(100 + i, 10, 10, 0x1000 * i, PS_PF_USER);
  for (int i = 0; i < 3; ++i) b.fault(200 + i, 10, 10, 0x1000, PS_PF_USER | PS_PF_WRITE);
  for (int i = 0; i < 2; ++i) b.fault(300 + i, 10, 11, 0x1000, PS_PF_USER | PS_PF_WRITE | PS_PF_PROT);
  for (int i = 0; i < 3; ++i) b.fault(400 + i, 10, 10, 0x1000, PS_PF_USER | PS_PF_INSTR);
  for (int i = 0; i < 2; ++i) b.fault(500 + i, 10, 10, 0x1000, PS_PF_WRITE);  // kernel mode
  b.fault(600, 10, 10, 0x1000, PS_PF_USER, kKnown | PS_FAULT_MAJOR);
  b.fault(700, 10, 10, 0x1000, 0, PS_FAULT_ACCOUNTED | PS_FAULT_KERNEL);  // no error code

  ProcessTable t = run(b);
  const ProcessInfo* p = t.find(10);
  ASSERT_NE(p, nullptr);
  const FaultCounts& f = p->faults;
  EXPECT_EQ(f.total, 19u);
  EXPECT_EQ(f.user, 16u);
  EXPECT_EQ(f.kernel, 3u);
  EXPECT_EQ(f.read, 8u);
  EXPECT_EQ(f.write, 7u);
  EXPECT_EQ(f.exec, 3u);
  EXPECT_EQ(f.protection, 2u);
  EXPECT_EQ(f.not_present, 16u);
  EXPECT_EQ(f.major, 1u);
  EXPECT_EQ(f.minor, 18u);
  EXPECT_EQ(f.unknown_access, 1u);
  EXPECT_EQ(p->threads_seen, 2u);
  EXPECT_EQ(p->first_ts_ns, 100u);
  EXPECT_EQ(p->last_ts_ns, 700u);
}

TEST(ProcessTable, SyscallsCountCallsAndFailures) {
  RecordBuffer b;
  for (int i = 0; i < 5; ++i) b.syscall(PS_EV_MMAP, 10 + i, 7, 7, {0, 4096, 3, 0x22}, 0x7f0000000000 + i * 4096);
  b.syscall(PS_EV_MMAP, 20, 7, 7, {0, 1ull << 50, 3, 0x22}, -12);  // ENOMEM
  b.syscall(PS_EV_MUNMAP, 21, 7, 7, {0x7f0000000000, 4096}, 0);
  b.syscall(PS_EV_MPROTECT, 22, 7, 7, {0x1234, 4096, 1}, -22);  // EINVAL
  b.syscall(PS_EV_BRK, 23, 7, 7, {0}, 0x555555560000);
  ProcessTable t = run(b);
  const ProcessInfo* p = t.find(7);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->syscalls.calls[PS_EV_MMAP - PS_EV_MMAP], 6u);
  EXPECT_EQ(p->syscalls.failures[PS_EV_MMAP - PS_EV_MMAP], 1u);
  EXPECT_EQ(p->syscalls.calls[PS_EV_MUNMAP - PS_EV_MMAP], 1u);
  EXPECT_EQ(p->syscalls.failures[PS_EV_MPROTECT - PS_EV_MMAP], 1u);
  EXPECT_EQ(p->syscalls.calls[PS_EV_BRK - PS_EV_MMAP], 1u);
  EXPECT_EQ(p->syscalls.total_calls(), 9u);
  EXPECT_EQ(p->syscalls.total_failures(), 2u);
}

TEST(ProcessTable, LifecycleForkThreadExecExit) {
  RecordBuffer b;
  b.target(1, 100);
  b.fork(10, 100, 100, 100, 101, PS_FORK_THREAD, "parent");
  b.fork(20, 100, 100, 200, 200, 0, "parent");
  b.exec(30, 200, 200, "child", "/usr/bin/child");
  b.fault(40, 200, 200, 0x1000, PS_PF_USER);
  b.exit(50, 100, 101, false, 11, 1);
  b.exit(60, 200, 200, true, 23, 2, 3, "child");
  b.exit(70, 100, 100, true, 13, 0, 0, "parent");
  ProcessTable t = run(b);
  ASSERT_EQ(t.processes().size(), 2u);
  const ProcessInfo* parent = t.find(100);
  const ProcessInfo* child = t.find(200);
  ASSERT_NE(parent, nullptr);
  ASSERT_NE(child, nullptr);
  EXPECT_TRUE(parent->target);
  EXPECT_EQ(parent->threads_seen, 2u);
  EXPECT_EQ(parent->threads_exited, 2u);
  EXPECT_EQ(parent->exit_min_flt, 24u);
  EXPECT_EQ(parent->exit_maj_flt, 1u);
  EXPECT_TRUE(parent->exited);
  EXPECT_EQ(child->ppid, 100u);
  EXPECT_TRUE(child->forked_in_capture);
  EXPECT_EQ(child->comm, "child");
  EXPECT_EQ(child->exe, "/usr/bin/child");
  EXPECT_EQ(child->execs, 1u);
  EXPECT_TRUE(child->exited);
  EXPECT_EQ(child->exit_code, 3);
  EXPECT_EQ(child->faults.total, 1u);
  EXPECT_EQ(child->first_ts_ns, 20u);
  EXPECT_EQ(child->last_ts_ns, 60u);
}

TEST(ProcessTable, ReusedPidStartsANewProcess) {
  RecordBuffer b;
  b.fault(1, 5, 5, 0x1000, PS_PF_USER);
  b.exit(2, 5, 5, true);
  b.fault(3, 5, 5, 0x1000, PS_PF_USER);
  b.fault(4, 5, 5, 0x2000, PS_PF_USER);
  ProcessTable t = run(b);
  ASSERT_EQ(t.processes().size(), 2u);
  EXPECT_TRUE(t.processes()[0].exited);
  EXPECT_EQ(t.processes()[0].faults.total, 1u);
  EXPECT_FALSE(t.processes()[1].exited);
  EXPECT_EQ(t.processes()[1].faults.total, 2u);
  EXPECT_EQ(t.find(5), &t.processes()[1]);
}

TEST(ProcessTable, StatusGivesNameAndParentLostIsCaptureWide) {
  RecordBuffer b;
  b.proc_file(1, 42, PS_PROC_STATUS, "Name:\tworker\nUmask:\t0022\nState:\tS\nPPid:\t41\n");
  b.proc_file(2, 0, PS_PROC_VMSTAT, "nr_free_pages 1\n");
  b.lost(3, 17, 17);
  b.lost(4, 6, 23);
  ProcessTable t = run(b);
  ASSERT_EQ(t.processes().size(), 1u);  // pid 0 is the system, not a process
  EXPECT_EQ(t.find(42)->comm, "worker");
  EXPECT_EQ(t.find(42)->ppid, 41u);
  EXPECT_EQ(t.totals().lost_events, 23u);
  EXPECT_EQ(t.totals().records, 4u);
  EXPECT_EQ(t.totals().by_kind[PS_EV_LOST], 2u);
}

TEST(ProcessTable, TruncatedRecordIsIgnoredNotReadPastItsEnd) {
  RecordBuffer b;
  ps_header h = RecordBuffer::header(PS_EV_FAULT, sizeof(ps_header), 5, 9, 9);
  b.append(&h, sizeof h);
  ProcessTable t = run(b);
  EXPECT_EQ(t.totals().records, 1u);
  EXPECT_EQ(t.find(9), nullptr);
}
