// Records come out oldest first, whatever order the file had them in.
#include <gtest/gtest.h>

#include "inspector/model/record_buffer.h"
#include "inspector/model/time_order.h"

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
