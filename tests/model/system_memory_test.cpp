// MemTotal and the memory cgroup's limit over time, from the recorder's system samples.
#include "inspector/model/system_memory.h"

#include <gtest/gtest.h>

#include "tests/support/record_buffer.h"

namespace pagescope::model {
namespace {

TEST(SystemMemory, MeminfoAndMemcgSamplesByTime) {
  RecordBuffer b;
  b.proc_file(100, 0, PS_PROC_MEMINFO, "MemTotal:        8000000 kB\nMemFree: 1 kB\nMemAvailable:    5000 kB\n");
  b.proc_file(100, 0, PS_PROC_MEMCG, "usage 1048576\nlimit 268435456\nanon 4096\n");
  b.proc_file(200, 0, PS_PROC_MEMCG, "usage 2097152\nlimit max\nanon 4096\n");
  b.proc_file(150, 5, PS_PROC_MEMINFO, "MemTotal: 1 kB\n");  // not a system sample (pid 5)
  b.proc_file(300, 0, PS_PROC_MEMINFO, "garbage\n");        // no MemTotal: skipped
  SystemMemory m;
  b.for_each([&](const ps_header& h) { m.apply(h); });
  ASSERT_EQ(m.meminfo().size(), 1u);
  EXPECT_EQ(m.meminfo_at(50)->mem_total, 8000000ull * 1024);  // before the first: the first
  EXPECT_EQ(m.meminfo_at(500)->mem_available, 5000ull * 1024);
  ASSERT_EQ(m.memcg().size(), 2u);
  EXPECT_EQ(m.memcg_at(150)->limit, 268435456u);
  EXPECT_EQ(m.memcg_at(150)->usage, 1048576u);
  EXPECT_EQ(m.memcg_at(250)->limit, 0u);  // "max": no limit
  EXPECT_EQ(m.memcg_at(250)->usage, 2097152u);
  SystemMemory none;
  EXPECT_FALSE(none.memcg_at(1).has_value());
}

TEST(SystemMemory, Parsers) {
  EXPECT_EQ(meminfo_value("MemTotal:  16 kB\n", "MemTotal").value(), 16384u);
  EXPECT_FALSE(meminfo_value("MemTotalX: 16 kB\n", "MemTotal").has_value());
  EXPECT_FALSE(meminfo_value("MemTotal: lots\n", "MemTotal").has_value());
  EXPECT_FALSE(parse_memcg("usage 5\n").has_value());
  EXPECT_EQ(parse_memcg("usage 5\nlimit 9223372036854771712\n")->limit, 0u);  // v1 "unlimited"
}

}  // namespace
}  // namespace pagescope::model
