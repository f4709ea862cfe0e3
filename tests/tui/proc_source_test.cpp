// The /proc source against this very process: it must find itself with
// plausible numbers.
#include "tui/proc_source.h"

#include <sys/mman.h>
#include <unistd.h>

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
  for (const Vma& v : *vmas) {
    if (v.start <= uintptr_t(p) && uintptr_t(p) < v.end) {
      found = true;
      ASSERT_TRUE(v.rss_kb);
      EXPECT_GE(*v.rss_kb, bytes / 1024);
    }
  }
  EXPECT_TRUE(found);
  munmap(p, bytes);
  EXPECT_FALSE(src.vmas(999999999, false));
}
