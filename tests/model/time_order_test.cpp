// Records come out oldest first, whatever order the file had them in.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "inspector/model/time_order.h"
#include "tests/support/record_buffer.h"

using namespace pagescope::model;

TEST(TimeOrderer, ReordersWithinTheWindowAndKeepsTiesInFileOrder) {
  RecordBuffer b;
  const uint64_t ms = 1'000'000;
  b.proc_file(30 * ms, 1, PS_PROC_MAPS, std::string(500, 'x'));  // written early, happened later
  b.exec(10 * ms, 1, 1, "demo", "/bin/demo");
  b.fault(20 * ms, 1, 1, 0x1000, PS_PF_USER);
  b.fault(20 * ms, 1, 1, 0x2000, PS_PF_USER);  // same time: file order
  b.fault(40 * ms, 1, 1, 0x3000, PS_PF_USER);
  b.fault(2000 * ms, 1, 1, 0x4000, PS_PF_USER);
  b.fault(5 * ms, 1, 1, 0x5000, PS_PF_USER);  // far too late for the window: released at once
  std::vector<std::pair<uint16_t, uint64_t>> out;
  std::vector<uint64_t> addresses;
  TimeOrderer order([&](const ps_header& h) {
    out.emplace_back(h.kind, h.ts_ns);
    if (h.kind == PS_EV_FAULT) addresses.push_back(reinterpret_cast<const ps_fault&>(h).address);
    if (h.kind == PS_EV_PROC_FILE) {
      EXPECT_EQ(reinterpret_cast<const ps_proc_file&>(h).length, 500u);
    }
  }, 100 * ms);
  b.for_each([&](const ps_header& h) { order.push(h); });
  order.flush();
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[0].first, PS_EV_EXEC);
  EXPECT_EQ(out[1].second, 20 * ms);
  EXPECT_EQ(out[3].first, PS_EV_PROC_FILE);
  EXPECT_EQ(out[4].second, 40 * ms);
  ASSERT_EQ(addresses.size(), 5u);
  EXPECT_EQ(addresses[0], 0x1000u);
  EXPECT_EQ(addresses[1], 0x2000u);
  EXPECT_EQ(addresses[3], 0x5000u);  // late record: after what was already released
  EXPECT_EQ(addresses[4], 0x4000u);
}

// Mostly in order with some late records (as the recorder writes them): the
// output is the stable sort by time, whichever path (FIFO or heap) a record took.
TEST(TimeOrderer, MostlyOrderedStreamComesOutStablySorted) {
  RecordBuffer b;
  const uint64_t ms = 1'000'000;
  uint64_t seed = 12345, ts = 1000 * ms;
  std::vector<std::pair<uint64_t, uint64_t>> want;  // (ts, address)
  for (uint64_t i = 0; i < 20000; ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    ts += (seed >> 33) % 50000;
    // One in 16 is late by up to 50 ms (well inside the 100 ms window); some share a time.
    const uint64_t late = ((seed >> 20) % 16 == 0) ? (seed >> 40) % (50 * ms) : 0;
    const uint64_t at = ts - late;
    b.fault(at, 1, 1, i * 4096, PS_PF_USER);
    want.emplace_back(at, i * 4096);
  }
  std::stable_sort(want.begin(), want.end(), [](const auto& a, const auto& c) { return a.first < c.first; });
  std::vector<std::pair<uint64_t, uint64_t>> got;
  TimeOrderer order([&](const ps_header& h) {
    got.emplace_back(h.ts_ns, reinterpret_cast<const ps_fault&>(h).address);
  }, 100 * ms);
  b.for_each([&](const ps_header& h) { order.push(h); });
  order.flush();
  EXPECT_EQ(got, want);
}
