// The lab's pure parts: size and swap-spec parsing, key/value parsing and the
// summary formats. No root, no kernel features.
#include <gtest/gtest.h>

#include "lab/kernel_counters.h"
#include "lab/lab_runner.h"
#include "lab/summary.h"
#include "lab/sys_file.h"

namespace pagescope::lab {
namespace {

// The sizes themselves are tests/common/units_test.cpp's; here the lab's
// errors name the flag they came from.
TEST(ByteSize, ErrorsNameTheFlag) {
  auto r = parse_swap_spec("zram:lz4:lots");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("--swap size: 'lots' is not a size"), std::string::npos) << r.error().message;
}

TEST(SwapSpec, ParsesZramSpec) {
  auto spec = parse_swap_spec("zram:lz4:1G");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->algorithm, "lz4");
  EXPECT_EQ(spec->size, 1ull << 30);
  EXPECT_EQ(parse_swap_spec("zram:lz4:1.5G")->size, 3ull << 29);  // the lab used to refuse fractions
}

TEST(SwapSpec, RejectsOtherShapes) {
  for (const char* bad : {"zram", "zram:lz4", "file:lz4:1G", "zram::1G", "zram:lz4:lots"})
    EXPECT_FALSE(parse_swap_spec(bad).ok()) << bad;
}

TEST(SysFile, ParsesKeyValueLinesAndSkipsOthers) {
  auto kv = parse_key_values("pswpin 12\npswpout 34\nnot-a-number abc\nlonely\nMemTotal:  100 kB\n");
  EXPECT_EQ(kv["pswpin"], 12u);
  EXPECT_EQ(kv["pswpout"], 34u);
  EXPECT_EQ(kv.count("not-a-number"), 0u);
  EXPECT_EQ(kv.count("lonely"), 0u);
  EXPECT_EQ(kv["MemTotal:"], 100u);
}

TEST(KernelCounters, DeltaNeverGoesNegative) {
  KernelCounters before, after;
  before.vmstat = {{"pswpout", 10}, {"pgmajfault", 5}, {"allocstall_normal", 1}};
  after.vmstat = {{"pswpout", 25}, {"pgmajfault", 3}, {"allocstall_normal", 4}, {"allocstall_dma32", 2}};
  before.psi_available = after.psi_available = true;
  before.psi_some_us = 100;
  after.psi_some_us = 350;
  KernelCounters d = counter_delta(before, after);
  EXPECT_EQ(d.vm("pswpout"), 15u);
  EXPECT_EQ(d.vm("pgmajfault"), 0u);
  EXPECT_EQ(d.vm_prefix_sum("allocstall_"), 5u);
  EXPECT_EQ(d.psi_some_us, 250u);
}

LabReport sample_report() {
  LabReport r;
  r.workload = "zipf";
  r.size_bytes = 256u << 20;
  r.limit_bytes = 64u << 20;
  r.swap = {"lz4", 1ull << 30};
  r.zram_device = 3;
  r.outcome.majflt = 4321;
  r.delta.vmstat = {{"pswpout", 777}, {"pswpin", 555}};
  r.zram.orig_data_size = 4000;
  r.zram.compr_data_size = 1000;
  r.capture_note = "no -o given";
  return r;
}

TEST(Summary, TableNamesEveryIssueMetricAndItsSource) {
  std::string table = format_table(sample_report());
  for (const char* label : {"major faults (workload)", "minor faults", "swap-outs", "swap-ins", "memcg limit hits",
                            "kswapd", "TLB shootdowns", "zram compression ratio"})
    EXPECT_NE(table.find(label), std::string::npos) << label;
  EXPECT_NE(table.find("4.00x"), std::string::npos) << table;
  EXPECT_NE(table.find("/sys/block/zram3/mm_stat"), std::string::npos);
  EXPECT_NE(table.find("capture: none (no -o given)"), std::string::npos);
}

TEST(Summary, JsonAndCsvCarryRawNumbers) {
  std::string json = format_json(sample_report());
  EXPECT_NE(json.find("\"swap_outs\":777"), std::string::npos) << json;
  EXPECT_NE(json.find("\"major_faults\":4321"), std::string::npos);
  EXPECT_NE(json.find("\"capture\":null"), std::string::npos);
  std::string csv = format_csv(sample_report());
  EXPECT_EQ(csv.rfind("metric,value,source\n", 0), 0u);
  EXPECT_NE(csv.find("swap_ins,555,"), std::string::npos) << csv;
}

}  // namespace
}  // namespace pagescope::lab
