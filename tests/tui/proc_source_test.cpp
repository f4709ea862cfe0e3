// The /proc source against this very process: it must find itself with
// plausible numbers.
#include "tui/proc_source.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "tui/frame.h"

using namespace pagescope::tui;

TEST(ProcSource, FindsThisProcessAndCountsItsFaults) {
  ProcSource src;
  auto a = src.sample();
  ASSERT_TRUE(a) << a.error().message;
  // Touch 23 MiB of fresh anonymous memory: at least one fault per 4 KiB page
  // (fewer only with THP, so ask for small pages).
  const size_t bytes = 23u << 20;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  madvise(p, bytes, MADV_NOHUGEPAGE);
  std::memset(p, 1, bytes);
  auto b = src.sample();
  ASSERT_TRUE(b);
  Frame f = make_frame(*a, *b);
  const ProcessRow* me = nullptr;
  for (const auto& r : f.processes) {
    if (r.pid == getpid()) me = &r;
  }
  ASSERT_NE(me, nullptr);
  const double faults = me->minflt_s * double(f.interval_ns) / 1e9;
  EXPECT_GE(faults, double(bytes / 4096) * 0.99);
  EXPECT_GE(me->rss_kb, bytes / 1024);
  EXPECT_GT(f.system.mem_total_kb, 0u);

  auto vmas = src.vmas(getpid(), true);
  ASSERT_TRUE(vmas);
  bool found = false;
  for (const VmaRow& v : *vmas) {
    if (v.vma.start <= uintptr_t(p) && uintptr_t(p) < v.vma.end) {
      found = true;
      ASSERT_TRUE(v.rss_kb);
      EXPECT_GE(*v.rss_kb, bytes / 1024);
    }
  }
  EXPECT_TRUE(found);
  munmap(p, bytes);
  EXPECT_FALSE(src.vmas(999999999, false));
}

namespace {
void write_file(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr) << path;
  std::fputs(text.c_str(), f);
  std::fclose(f);
}
// A fake /proc with one process (pid 42, "swappy") that has 1000 kB swapped out.
std::string fake_proc(const std::string& meminfo) {
  std::string root = ::testing::TempDir() + "/fake_proc_" + std::to_string(getpid());
  std::string pid = root + "/42";
  std::system(("rm -rf " + root + " && mkdir -p " + pid + " " + root + "/self").c_str());
  write_file(root + "/meminfo", meminfo);
  write_file(root + "/vmstat", "pgfault 10\n");
  write_file(pid + "/stat", "42 (swappy) S 1 42 42 0 -1 0 500 0 7 0 1 1 0 0 20 0 1 0 5");
  write_file(pid + "/statm", "1000 256 10 1 0 100 0");
  write_file(pid + "/status", "Name:\tswappy\nVmSwap:\t    1000 kB\n");
  return root;
}
}  // namespace

TEST(ProcSource, ReadsVmSwapOnlyWhenSwapIsInUse) {
  std::string root = fake_proc("MemTotal: 100 kB\nMemAvailable: 50 kB\nSwapTotal: 4000 kB\nSwapFree: 3000 kB\n");
  ProcSource used(root);
  auto s = used.sample();
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->processes.size(), 1u);  // "self" is not a pid
  const ProcessCounters& p = s->processes[0];
  EXPECT_EQ(p.pid, 42);
  EXPECT_EQ(p.comm, "swappy");
  EXPECT_EQ(p.min_flt, 500u);
  EXPECT_EQ(p.maj_flt, 7u);
  EXPECT_EQ(p.rss_kb, 256u * uint64_t(sysconf(_SC_PAGESIZE) / 1024));
  EXPECT_EQ(p.swap_kb, 1000u);

  // Same process, but the system says no swap is in use: VmSwap is not read.
  root = fake_proc("MemTotal: 100 kB\nMemAvailable: 50 kB\nSwapTotal: 4000 kB\nSwapFree: 4000 kB\n");
  ProcSource unused(root);
  s = unused.sample();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->processes[0].swap_kb, 0u);
  std::system(("rm -rf " + root).c_str());
}

TEST(ProcSource, MissingProcIsAnErrorNamingTheFile) {
  ProcSource none("/nonexistent-proc");
  auto s = none.sample();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("/nonexistent-proc/meminfo"), std::string::npos);
}

// The detail screen's VMAs: maps through the model's lax parser, RSS per VMA
// from smaps; a maps file torn while read keeps its whole lines and says so once.
TEST(ProcSource, VmasFromMapsWithSmapsRssAndATornLineNoted) {
  std::string root = fake_proc("MemTotal: 100 kB\nMemAvailable: 50 kB\n");
  const std::string maps =
      "55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f1200000000-7f1200001000 r-xp 00002000 08:01 1234                       /usr/lib/libc-2.so\n"
      "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n";
  write_file(root + "/42/maps", maps + "7ffd00030000-7ffd0003");
  write_file(root + "/42/smaps",
             "55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0                          [heap]\n"
             "Size:                132 kB\nRss:                  88 kB\nPss:  88 kB\n"
             "7f1200000000-7f1200001000 r-xp 00002000 08:01 1234                       /usr/lib/libc-2.so\n"
             "Size:                  4 kB\nRss:                   4 kB\nVmFlags: rd ex mr mw me\n"
             "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
             "Size:                132 kB\nRss:                  12 kB\n");
  ProcSource src(root);
  auto vmas = src.vmas(42, true);
  ASSERT_TRUE(vmas) << vmas.error().message;
  ASSERT_EQ(vmas->size(), 3u);
  const auto& v = *vmas;
  EXPECT_EQ(v[0].vma.start, 0x55d0c0a00000u);
  EXPECT_EQ(v[0].vma.size(), 0x21000u);
  EXPECT_EQ(v[0].vma.path, "[heap]");
  EXPECT_EQ(pagescope::model::perms_string(v[1].vma), "r-xp");
  EXPECT_EQ(v[1].vma.offset, 0x2000u);
  EXPECT_EQ(v[1].vma.path, "/usr/lib/libc-2.so");
  EXPECT_EQ(v[0].rss_kb, 88u);
  EXPECT_EQ(v[1].rss_kb, 4u);
  EXPECT_EQ(v[2].rss_kb, 12u);
  const std::string note = src.take_note();
  EXPECT_NE(note.find("1 line(s) dropped"), std::string::npos) << note;
  EXPECT_NE(note.find("maps line 4"), std::string::npos) << note;
  EXPECT_EQ(src.take_note(), "");  // once
  auto no_rss = src.vmas(42, false);
  ASSERT_TRUE(no_rss);
  EXPECT_FALSE((*no_rss)[0].rss_kb);
  std::system(("rm -rf " + root).c_str());
}
