// Every --json table output parses with a strict JSON parser, and each column
// has the type docs/json.md gives it: addresses are "0x..." strings even when
// they have no a-f digit, counts are numbers, what was not recorded is null.
// Runs the real pagescope on the bundled capture scripts/data/demo.psc.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <string>

#include "tests/support/json.h"

namespace {

using pagescope::testing::Json;
using pagescope::testing::JsonParser;

const std::string kDemo = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";
constexpr const char* kPid = "11764";  // the demo's ps-pressure

std::string run(const std::string& args) {
  const std::string cmd = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope " + args + " 2>/dev/null";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << cmd;
  }
  return out;
}

Json parse(const std::string& args) {
  const std::string out = run(args);
  try {
    return JsonParser::parse(out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << args << ": " << e.what() << "\n" << out.substr(0, 2000);
    return {};
  }
}

// Every row of `rows` has `column` of `type`; returns how many rows.
size_t expect_column(const Json& rows, const char* column, Json::Type type) {
  EXPECT_EQ(rows.type, Json::Type::kArray);
  for (const Json& r : rows.items) {
    const Json* v = r.find(column);
    if (!v) {
      ADD_FAILURE() << column << " missing";
      continue;
    }
    EXPECT_EQ(int(v->type), int(type)) << column << " = '" << v->text << "'";
    if (type == Json::Type::kString && std::string(column).find("START") != std::string::npos) {
      EXPECT_EQ(v->text.rfind("0x", 0), 0u) << column << " = " << v->text;
    }
  }
  return rows.items.size();
}

TEST(JsonTypes, InspectProcessesLayoutAndVmas) {
  Json all = parse("inspect " + kDemo + " --json");
  ASSERT_EQ(all.type, Json::Type::kObject);
  const Json* procs = all.find("processes");
  ASSERT_TRUE(procs);
  EXPECT_GT(expect_column(*procs, "PID", Json::Type::kNumber), 0u);
  expect_column(*procs, "FAULTS", Json::Type::kNumber);
  expect_column(*procs, "START", Json::Type::kNumber);  // seconds since time zero, not an address
  expect_column(*procs, "COMM", Json::Type::kString);

  Json layout = parse("inspect " + kDemo + " --pid " + kPid + " --layout --json");
  const Json* rows = layout.find("layout");
  ASSERT_TRUE(rows);
  EXPECT_GT(expect_column(*rows, "START", Json::Type::kString), 5u);
  expect_column(*rows, "END", Json::Type::kString);
  expect_column(*rows, "FAULTS", Json::Type::kNumber);
  expect_column(*rows, "SIZE", Json::Type::kString);
  expect_column(*rows, "RESIDENT", Json::Type::kNull);  // the demo has no access-bit samples

  Json vmas = parse("inspect " + kDemo + " --pid " + kPid + " --vmas --json");
  const Json* v = vmas.find("vmas");
  ASSERT_TRUE(v) << "no \"vmas\" key";
  EXPECT_GT(expect_column(*v, "START", Json::Type::kString), 5u);
  expect_column(*v, "ID", Json::Type::kNumber);
  expect_column(*v, "PAGES", Json::Type::kNumber);
}

TEST(JsonTypes, InspectTimeline) {
  Json t = parse("inspect " + kDemo + " --timeline --interval 1s --json");
  const Json* rows = t.find("timeline");
  ASSERT_TRUE(rows) << "no \"timeline\" key";
  EXPECT_GT(expect_column(*rows, "MINFLT", Json::Type::kNumber), 0u);
  expect_column(*rows, "TIME", Json::Type::kNumber);
}

// --growth and --locality (docs/inspector.md): counts and rates are numbers,
// RESIDENT is null (the demo has no access-bit samples), addresses strings.
TEST(JsonTypes, InspectGrowthAndLocality) {
  // Sampled every 100 ms: the demo fills its buffer in its first second.
  Json g = parse("inspect " + kDemo + " --growth --interval 100ms --json");
  const Json* rows = g.find("growth");
  ASSERT_TRUE(rows) << "no \"growth\" key";
  EXPECT_GT(expect_column(*rows, "PID", Json::Type::kNumber), 0u);
  expect_column(*rows, "TOUCHED_PER_S", Json::Type::kNumber);
  expect_column(*rows, "GROWTH", Json::Type::kNumber);
  expect_column(*rows, "RESIDENT_TO", Json::Type::kNull);

  Json gp = parse("inspect " + kDemo + " --pid " + kPid + " --growth --interval 100ms --json");
  rows = gp.find("growth");
  ASSERT_TRUE(rows) << "no \"growth\" key";
  EXPECT_GT(expect_column(*rows, "START", Json::Type::kString), 0u);
  expect_column(*rows, "ID", Json::Type::kNumber);

  Json l = parse("inspect " + kDemo + " --locality --json");
  rows = l.find("locality");
  ASSERT_TRUE(rows) << "no \"locality\" key";
  EXPECT_GT(expect_column(*rows, "FAULTS", Json::Type::kNumber), 0u);
  expect_column(*rows, "MAX_PAGES", Json::Type::kNumber);

  Json lp = parse("inspect " + kDemo + " --pid " + kPid + " --locality --json");
  ASSERT_TRUE(lp.find("reuse_distances")) << "no \"reuse_distances\" key";
  EXPECT_GT(expect_column(*lp.find("reuse_distances"), "FAULTS", Json::Type::kNumber), 0u);
  ASSERT_TRUE(lp.find("intervals")) << "no \"intervals\" key";
  EXPECT_GT(expect_column(*lp.find("intervals"), "PAGES", Json::Type::kNumber), 0u);
}

// The demo was recorded before format 1.5: every fragmentation and kernel-memory
// number is null (not recorded), never 0; the keys and the ORDER column are there.
TEST(JsonTypes, InspectFragmentationAndKernelMemoryOfAnOldCapture) {
  Json j = parse("inspect " + kDemo + " --fragmentation --kernel-memory --json");
  ASSERT_EQ(j.type, Json::Type::kObject);
  const Json* zones = j.find("fragmentation_zones");
  ASSERT_TRUE(zones);
  EXPECT_EQ(expect_column(*zones, "ORDER", Json::Type::kNumber), 11u);
  expect_column(*zones, "UNUSABLE_END", Json::Type::kNull);
  expect_column(*zones, "FRAGINDEX_WORST", Json::Type::kNull);
  const Json* orders = j.find("fragmentation_orders");
  ASSERT_TRUE(orders);
  EXPECT_EQ(expect_column(*orders, "ORDER", Json::Type::kString), 11u);
  expect_column(*orders, "COMPACT_BEGIN", Json::Type::kNull);
  expect_column(*orders, "EXTFRAG", Json::Type::kNull);
  const Json* allocs = j.find("page_allocs");
  ASSERT_TRUE(allocs);
  expect_column(*allocs, "ALLOCS", Json::Type::kNull);
  ASSERT_TRUE(j.find("slab_caches"));
  const Json* mem = j.find("meminfo");
  ASSERT_TRUE(mem);
  expect_column(*mem, "ITEM", Json::Type::kString);
  ASSERT_TRUE(j.find("page_tables"));
}

TEST(JsonTypes, ReplayAndTiers) {
  Json r = parse("replay " + kDemo + " --policy lru,fifo --frames 100,1000 --json");
  // 4 replays and the capture's recorded run (issue 18.5).
  EXPECT_EQ(expect_column(r, "faults", Json::Type::kNumber), 5u);
  EXPECT_EQ(r.items.back().find("major_faults")->type, Json::Type::kNumber);
  expect_column(r, "frames", Json::Type::kNumber);
  expect_column(r, "hit_ratio", Json::Type::kNumber);
  expect_column(r, "memory", Json::Type::kString);
  expect_column(r, "policy", Json::Type::kString);

  Json tier = parse("replay " + kDemo + " --frames 1000 --tier none,zswap:lz4 --json");
  EXPECT_EQ(expect_column(tier, "pool_faults", Json::Type::kNumber), 2u);
  expect_column(tier, "stall_s", Json::Type::kNumber);
  ASSERT_EQ(tier.items.size(), 2u);
  EXPECT_EQ(tier.items[0].find("sizes")->type, Json::Type::kNull) << "no tier, no page sizes";
  EXPECT_EQ(tier.items[1].find("sizes")->type, Json::Type::kString);
  expect_column(tier, "memory", Json::Type::kNumber);  // --tier: bytes as numbers (issue 18.5)
  EXPECT_EQ(tier.items[1].find("ratio")->type, Json::Type::kNumber);
}

// --part K/N adds five columns (docs/json.md); merge prints the unsplit table.
TEST(JsonTypes, PartsAndMerge) {
  const std::string args = "replay " + kDemo + " --policy lru,fifo --frames 100,1000 --json";
  Json p1 = parse(args + " --part 1/2");
  EXPECT_EQ(expect_column(p1, "part", Json::Type::kString), 3u);  // points 1 and 3, and the recorded run
  expect_column(p1, "points", Json::Type::kNumber);
  expect_column(p1, "trace", Json::Type::kString);
  expect_column(p1, "plan", Json::Type::kString);
  ASSERT_EQ(p1.items.size(), 3u);
  EXPECT_EQ(p1.items[0].find("point")->type, Json::Type::kNumber);
  EXPECT_EQ(p1.items[2].find("point")->type, Json::Type::kNull) << "the recorded run is no point of the sweep";
  Json mrc = parse("mrc " + kDemo + " --points 5 --json --part 2/2");
  EXPECT_GT(expect_column(mrc, "point", Json::Type::kNumber), 0u);

  const std::string dir = std::string(PAGESCOPE_BINARY_DIR) + "/json_types_part" + std::to_string(getpid());
  const std::string a = dir + "_1.json", b = dir + "_2.json";
  run(args + " --part 1/2 > " + a);
  run(args + " --part 2/2 > " + b);
  Json merged = parse("merge " + b + " " + a + " --json");
  std::remove(a.c_str());
  std::remove(b.c_str());
  EXPECT_EQ(expect_column(merged, "faults", Json::Type::kNumber), 5u);
  expect_column(merged, "memory", Json::Type::kString);
  expect_column(merged, "hit_ratio", Json::Type::kNumber);
  for (const Json& r : merged.items) EXPECT_FALSE(r.find("part")) << "merge drops the part columns";
}

}  // namespace
