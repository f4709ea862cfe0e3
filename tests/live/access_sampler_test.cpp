// The sampler driven directly (no recorder): a walk spread over many polls by
// a tiny time budget reports every page once, and clear_refs really clears.
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "events.h"
#include "inspector/live/access_sampler.h"
#include "inspector/live/direct_map.h"
#include "inspector/live/proc_reader.h"
#include "tests/support/root.h"

namespace pagescope::live {
namespace {

constexpr size_t kRegionPages = 65536;  // 256 MiB

// A child that writes every page of a 256 MiB region, reports the region's
// address through a pipe, then sleeps until killed.
struct Child {
  pid_t pid = -1;
  uint64_t region = 0;
};

Child spawn_toucher() {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto* p = static_cast<char*>(mmap(nullptr, kRegionPages * 4096, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (p == MAP_FAILED) _exit(1);
    madvise(p, kRegionPages * 4096, MADV_NOHUGEPAGE);
    for (size_t i = 0; i < kRegionPages; ++i) p[i * 4096] = 1;
    uint64_t addr = reinterpret_cast<uint64_t>(p);
    (void)!write(fds[1], &addr, sizeof(addr));
    for (;;) pause();
  }
  close(fds[1]);
  Child c;
  c.pid = pid;
  if (read(fds[0], &c.region, sizeof(c.region)) != sizeof(c.region)) c.region = 0;
  close(fds[0]);
  return c;
}

struct Collected {
  std::vector<std::vector<uint8_t>> records;
  void add(const void* data, size_t size) {
    auto* b = static_cast<const uint8_t*>(data);
    records.emplace_back(b, b + size);
  }
  template <typename T>
  std::vector<const T*> of_kind(int kind) const {
    std::vector<const T*> out;
    for (const auto& r : records) {
      auto* h = reinterpret_cast<const ps_header*>(r.data());
      if (h->kind == kind) out.push_back(reinterpret_cast<const T*>(r.data()));
    }
    return out;
  }
};

bool bit(const ps_access_bits* b, int which, uint32_t i) {
  size_t words = (b->pages + 63) / 64;
  auto* w = reinterpret_cast<const uint64_t*>(b + 1) + which * words;
  return (w[i / 64] >> (i % 64)) & 1;
}

TEST(AccessSampler, AWalkSpreadOverManyPollsReportsEveryPageOnce) {
  SKIP_UNLESS_ROOT("the BPF page-table walk");
  AccessSamplerOptions options;
  options.interval_ns = 1;       // due as soon as the first clear is done
  options.budget_ns = 20'000;    // 20 us per poll: a 256 MiB walk needs many
  auto created = AccessSampler::create(options);
  if (!created) GTEST_SKIP() << created.error().message;
  AccessSampler& sampler = **created;

  Child child = spawn_toucher();
  ASSERT_GT(child.pid, 0);
  ASSERT_NE(child.region, 0u);
  std::unordered_set<uint32_t> live{static_cast<uint32_t>(child.pid)};
  Collected got;
  AppendRecord append = [&](const void* d, size_t n) { got.add(d, n); };

  sampler.begin(live, 0, append);
  int polls = 0;
  std::vector<uint64_t> poll_starts;
  while (got.of_kind<ps_access_interval>(PS_EV_ACCESS_INTERVAL).empty() && polls < 100000) {
    poll_starts.push_back(monotonic_ns());
    sampler.poll(live, 0, append);
    ++polls;
    usleep(100);
  }
  kill(child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
  auto intervals = got.of_kind<ps_access_interval>(PS_EV_ACCESS_INTERVAL);
  ASSERT_EQ(intervals.size(), 1u) << "after " << polls << " polls";
  // The walk began (hdr.ts_ns) inside one poll; polls that started after it
  // went on with it.
  size_t later = std::count_if(poll_starts.begin(), poll_starts.end(),
                               [&](uint64_t t) { return t > intervals[0]->hdr.ts_ns; });
  EXPECT_GE(later, 2u) << "the walk was not split over polls (walk " << intervals[0]->walk_ns
                       << " ns)";

  std::vector<uint8_t> seen(kRegionPages, 0);
  size_t accessed = 0, dirty = 0;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (auto* b : got.of_kind<ps_access_bits>(PS_EV_ACCESS_BITS)) {
    ranges.emplace_back(b->start, b->start + (static_cast<uint64_t>(b->pages) << b->page_shift));
    if (b->page_shift != 12) continue;
    for (uint32_t i = 0; i < b->pages; ++i) {
      uint64_t a = b->start + (static_cast<uint64_t>(i) << 12);
      if (a < child.region || a >= child.region + kRegionPages * 4096) continue;
      seen[(a - child.region) / 4096] += bit(b, 0, i);
      accessed += bit(b, 1, i);
      dirty += bit(b, 2, i);
    }
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) EXPECT_LE(ranges[i - 1].second, ranges[i].first);
  size_t once = std::count(seen.begin(), seen.end(), 1);
  EXPECT_EQ(once, kRegionPages) << "every written page present exactly once";
  // The child wrote its pages before the clear and then slept: clear_refs
  // cleared their accessed bits, the dirty bits stay.
  EXPECT_EQ(accessed, 0u);
  EXPECT_EQ(dirty, kRegionPages);
  EXPECT_GE(intervals[0]->pages_present, kRegionPages);
}

TEST(DirectMap, CandidatesStartAtTheLowestBaseAndStepByOneGiB) {
  DirectMapRange four = direct_map_candidates(false), five = direct_map_candidates(true);
  EXPECT_EQ(four.first, 0xffff888000000000ull);
  EXPECT_EQ(five.first, 0xff11000000000000ull);
  EXPECT_EQ((four.last - four.first) % (1ull << 30), 0u);
  EXPECT_GT(four.last, four.first);
}

TEST(DirectMap, AProbeThatNeverMatchesIsAnErrorNotABase) {
  SKIP_UNLESS_ROOT("pagemap frame numbers");
  int calls = 0;
  auto never = [&](uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) -> Result<uint64_t> {
    ++calls;
    return uint64_t{0};
  };
  auto base = find_direct_map_base(never, false);
  EXPECT_FALSE(base.ok());
  EXPECT_EQ(calls, 1);
  // A probe that matches once but not on the fresh cookie is not believed.
  uint64_t first_phys = 0;
  auto once = [&](uint64_t phys, uint64_t, uint64_t, uint64_t first, uint64_t) -> Result<uint64_t> {
    if (first_phys == 0) {
      first_phys = phys;
      return first;
    }
    return uint64_t{0};
  };
  auto unconfirmed = find_direct_map_base(once, false);
  EXPECT_FALSE(unconfirmed.ok());
  EXPECT_NE(first_phys, 0u);
}

}  // namespace
}  // namespace pagescope::live
