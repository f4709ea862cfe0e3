// /proc/PID/maps lines as the kernel prints them (show_map_vma()).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "inspector/model/address_space.h"
#include "inspector/model/maps_parser.h"

using namespace pagescope::model;

namespace {
const char* kMaps =
    "55d0c8a00000-55d0c8a02000 r--p 00000000 08:01 1311234                    /usr/bin/cat\n"
    "55d0c8a02000-55d0c8a07000 r-xp 00002000 08:01 1311234                    /usr/bin/cat\n"
    "55d0c8a0b000-55d0c8a0c000 rw-p 0000a000 08:01 1311234                    /usr/bin/cat\n"
    "55d0c8a0c000-55d0c8a0e000 rw-p 00000000 00:00 0 \n"
    "55d0c9f1e000-55d0c9f3f000 rw-p 00000000 00:00 0                          [heap]\n"
    "7f1a2b400000-7f1a2b428000 r--p 00000000 08:01 1320001                    /usr/lib/x86_64-linux-gnu/libc.so.6\n"
    "7f1a2b5ff000-7f1a2b600000 ---p 00000000 00:00 0 \n"
    "7f1a2b600000-7f1a2be00000 rw-p 00000000 00:00 0 \n"
    "7f1a2c000000-7f1a2c001000 rw-s 00000000 00:01 2048                       /dev/zero (deleted)\n"
    "7ffd1c0e0000-7ffd1c101000 rw-p 00000000 00:00 0                          [stack]\n"
    "7ffd1c1c5000-7ffd1c1c9000 r--p 00000000 00:00 0                          [vvar]\n"
    "7ffd1c1c9000-7ffd1c1cb000 r-xp 00000000 00:00 0                          [vdso]\n";
}  // namespace

TEST(MapsParser, ParsesEveryField) {
  auto r = parse_maps(kMaps);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& v = r.value();
  ASSERT_EQ(v.size(), 12u);
  EXPECT_EQ(v[1].start, 0x55d0c8a02000u);
  EXPECT_EQ(v[1].end, 0x55d0c8a07000u);
  EXPECT_EQ(v[1].perms, kPermRead | kPermExec);
  EXPECT_FALSE(v[1].shared);
  EXPECT_EQ(v[1].offset, 0x2000u);
  EXPECT_EQ(v[1].dev_major, 8u);
  EXPECT_EQ(v[1].dev_minor, 1u);
  EXPECT_EQ(v[1].inode, 1311234u);
  EXPECT_EQ(v[1].path, "/usr/bin/cat");
  EXPECT_TRUE(v[1].file);
  EXPECT_FALSE(v[3].file);
  EXPECT_EQ(v[3].path, "");
  EXPECT_TRUE(v[8].shared);
  EXPECT_EQ(v[8].path, "/dev/zero (deleted)");
  EXPECT_EQ(v[4].path, "[heap]");
}

TEST(MapsParser, ClassifiesRegionsInAnAddressSpace) {
  auto r = parse_maps(kMaps);
  ASSERT_TRUE(r.ok());
  AddressSpace as;
  as.reset(r.value());
  EXPECT_EQ(as.exe_path(), "/usr/bin/cat");
  auto kind_at = [&](uint64_t a) { return as.find(a)->kind; };
  EXPECT_EQ(kind_at(0x55d0c8a00000), VmaKind::kText);
  EXPECT_EQ(kind_at(0x55d0c8a02000), VmaKind::kText);
  EXPECT_EQ(kind_at(0x55d0c8a0b000), VmaKind::kData);
  EXPECT_EQ(kind_at(0x55d0c8a0c000), VmaKind::kBss);
  EXPECT_EQ(kind_at(0x55d0c9f1e000), VmaKind::kHeap);
  EXPECT_EQ(kind_at(0x7f1a2b400000), VmaKind::kSharedLib);
  EXPECT_EQ(kind_at(0x7f1a2b5ff000), VmaKind::kGuard);
  EXPECT_EQ(kind_at(0x7f1a2b600000), VmaKind::kThreadStack);
  EXPECT_EQ(kind_at(0x7f1a2c000000), VmaKind::kShm);
  EXPECT_EQ(kind_at(0x7ffd1c0e0000), VmaKind::kStack);
  EXPECT_EQ(kind_at(0x7ffd1c1c5000), VmaKind::kVvar);
  EXPECT_EQ(kind_at(0x7ffd1c1c9000), VmaKind::kVdso);
  EXPECT_EQ(as.brk_start(), 0x55d0c9f1e000u);
}

TEST(MapsParser, MalformedLineIsAnErrorNamingTheLine) {
  auto r = parse_maps("00400000-00401000 r-xp 00000000 08:01 1 /bin/x\nnot a maps line\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("line 2"), std::string::npos) << r.error().message;
  EXPECT_FALSE(parse_maps("00401000-00400000 r-xp 00000000 08:01 1 /bin/x\n").ok());
  EXPECT_FALSE(parse_maps("00400000-00401000 r-xq 00000000 08:01 1 /bin/x\n").ok());
}

TEST(MapsParser, ParsesThisProcessAndRoundTripsThroughTheView) {
  std::ifstream in("/proc/self/maps");
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = parse_maps(ss.str());
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_GT(r.value().size(), 5u);
  AddressSpace as;
  as.reset(r.value());
  // Every line the kernel prints is one VMA it could not merge, so the view
  // must not merge any of them either.
  EXPECT_EQ(layout_difference(as.vmas(), r.value()), "");
}

// Live /proc: a line torn by a read that ended mid-line (or a process
// changing its maps meanwhile) is dropped and counted; the rest is kept.
TEST(MapsParser, LaxModeDropsATornLastLineAndSaysSo) {
  std::string text = kMaps;
  text += "7ffd1c1cb000-7ffd1c1c";  // torn
  auto strict = parse_maps(text);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.error().message.find("maps line 13"), std::string::npos);
  const LaxMaps lax = parse_maps_lax(text);
  EXPECT_EQ(lax.vmas.size(), 12u);
  EXPECT_EQ(lax.dropped_lines, 1u);
  EXPECT_EQ(lax.first_problem, strict.error().message);
  EXPECT_EQ(lax.vmas.back().path, "[vdso]");

  const LaxMaps whole = parse_maps_lax(kMaps);
  EXPECT_EQ(whole.vmas.size(), 12u);
  EXPECT_EQ(whole.dropped_lines, 0u);
  EXPECT_TRUE(whole.first_problem.empty());
}
