// parse_smaps on hand-written text and on this process's own smaps.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "inspector/model/smaps_parser.h"

using namespace pagescope::model;

namespace {
const char* kTwoVmas =
    "557736f9b000-557736f9d000 r--p 00000000 fe:00 247498                     /usr/bin/head\n"
    "Size:                  8 kB\n"
    "Rss:                   8 kB\n"
    "Referenced:            4 kB\n"
    "Anonymous:             0 kB\n"
    "Swap:                  0 kB\n"
    "THPeligible:           0\n"
    "VmFlags: rd mr mw me \n"
    "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
    "Size:               1024 kB\n"
    "Rss:                 512 kB\n"
    "Referenced:          256 kB\n"
    "Anonymous:           512 kB\n"
    "Swap:                 64 kB\n"
    "VmFlags: rd wr mr mw me ac \n";
}  // namespace

TEST(SmapsParser, ReadsEveryVmaAndItsCounters) {
  auto s = parse_smaps(kTwoVmas);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->vmas.size(), 2u);
  const SmapsVma& text = s->vmas[0];
  EXPECT_EQ(text.vma.start, 0x557736f9b000u);
  EXPECT_EQ(text.vma.end, 0x557736f9d000u);
  EXPECT_EQ(text.vma.perms, kPermRead);
  EXPECT_EQ(text.vma.path, "/usr/bin/head");
  EXPECT_EQ(text.rss, 8u * 1024);
  EXPECT_EQ(text.referenced, 4u * 1024);
  const SmapsVma& anon = s->vmas[1];
  EXPECT_EQ(anon.vma.perms, kPermRead | kPermWrite);
  EXPECT_EQ(anon.vma.path, "");
  EXPECT_EQ(anon.anonymous, 512u * 1024);
  EXPECT_EQ(anon.swap, 64u * 1024);
  EXPECT_EQ(s->rss, 520u * 1024);
  EXPECT_EQ(s->referenced, 260u * 1024);
  EXPECT_EQ(s->anonymous, 512u * 1024);
  EXPECT_EQ(s->swap, 64u * 1024);
}

TEST(SmapsParser, NamesTheBadLine) {
  auto before = parse_smaps("Rss: 4 kB\n");
  ASSERT_FALSE(before.ok());
  EXPECT_NE(before.error().message.find("line 1"), std::string::npos) << before.error().message;
  auto bad_value = parse_smaps("7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nRss: lots kB\n");
  ASSERT_FALSE(bad_value.ok());
  EXPECT_NE(bad_value.error().message.find("line 2"), std::string::npos) << bad_value.error().message;
  auto bad_vma = parse_smaps("7f0000001000-7f0000000000 rw-p 00000000 00:00 0\n");
  EXPECT_FALSE(bad_vma.ok());
  EXPECT_TRUE(parse_smaps("").ok());
}

TEST(SmapsParser, ParsesThisProcessAndAgreesWithSmapsRollup) {
  std::ifstream in("/proc/self/smaps");
  if (!in) GTEST_SKIP() << "no /proc/self/smaps";
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = parse_smaps(ss.str());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_GT(s->vmas.size(), 5u);
  EXPECT_GT(s->rss, 0u);
  for (size_t i = 1; i < s->vmas.size(); ++i) EXPECT_GE(s->vmas[i].vma.start, s->vmas[i - 1].vma.end);
  // The rollup is read later, so compare loosely: same order of magnitude.
  std::ifstream rollup("/proc/self/smaps_rollup");
  std::string line;
  uint64_t rollup_rss = 0;
  while (std::getline(rollup, line)) {
    if (line.rfind("Rss:", 0) == 0) rollup_rss = std::stoull(line.substr(4)) * 1024;
  }
  if (rollup_rss) {
    EXPECT_GT(s->rss, rollup_rss / 2);
    EXPECT_LT(s->rss, rollup_rss * 2);
  }
}
