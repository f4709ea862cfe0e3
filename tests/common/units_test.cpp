// The one units module: sizes and durations as every command parses them, and
// sizes as every table prints them.
#include <gtest/gtest.h>

#include <string>

#include "common/units.h"

namespace pagescope {
namespace {

TEST(ByteSize, SuffixesArePowersOf1024InAnyCase) {
  EXPECT_EQ(parse_byte_size("4096").value(), 4096u);
  EXPECT_EQ(parse_byte_size("0").value(), 0u);
  EXPECT_EQ(parse_byte_size("512B").value(), 512u);
  EXPECT_EQ(parse_byte_size("4K").value(), 4096u);
  EXPECT_EQ(parse_byte_size("4k").value(), 4096u);
  EXPECT_EQ(parse_byte_size("4KiB").value(), 4096u);
  EXPECT_EQ(parse_byte_size("4KB").value(), 4096u);
  EXPECT_EQ(parse_byte_size("64M").value(), 64ull << 20);
  EXPECT_EQ(parse_byte_size("1g").value(), 1ull << 30);
  EXPECT_EQ(parse_byte_size("1.5G").value(), 3ull << 29);
  EXPECT_EQ(parse_byte_size("2T").value(), 2ull << 40);
  EXPECT_EQ(parse_byte_size("1P").value(), 1ull << 50);
  EXPECT_EQ(parse_byte_size("0.5K").value(), 512u);
}

TEST(ByteSize, GarbageNegativeEmptyAndOverflowAreErrorsNamingTheText) {
  for (const char* bad : {"", "M", "12X", "-5M", "+5M", " 5M", "5M ", "1e3", "0x10", "5.", ".5K", "1.5.5G", "inf",
                          "nan", "4 K", "4KK", "4Mi"}) {
    auto r = parse_byte_size(bad);
    ASSERT_FALSE(r.ok()) << "'" << bad << "' parsed as " << r.value();
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    if (*bad) {
      EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos) << r.error().message;
    }
  }
  EXPECT_TRUE(parse_byte_size("18446744073709551615").ok());
  EXPECT_FALSE(parse_byte_size("18446744073709551616").ok()) << "one past UINT64_MAX must not wrap";
  EXPECT_FALSE(parse_byte_size("99999999999999999999").ok());
  EXPECT_FALSE(parse_byte_size("16384P").ok()) << "2^64 bytes must not wrap to 0";
  EXPECT_FALSE(parse_byte_size("20000000000T").ok());
  EXPECT_EQ(parse_byte_size("1E").value(), 1ull << 60);
  EXPECT_FALSE(parse_byte_size("16E").ok()) << "2^64 must not wrap";
}

TEST(ByteSize, Lists) {
  auto l = parse_byte_size_list("4K,64M,1.5G");
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(l.value(), (std::vector<uint64_t>{4096, 64ull << 20, 3ull << 29}));
  EXPECT_FALSE(parse_byte_size_list("4K,,8K").ok());
  EXPECT_FALSE(parse_byte_size_list("4K,").ok());
  EXPECT_FALSE(parse_byte_size_list("").ok());
  auto bad = parse_byte_size_list("4K,lots");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("'lots'"), std::string::npos) << bad.error().message;

  auto c = parse_count_list("3,4,8");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value(), (std::vector<uint64_t>{3, 4, 8}));
  for (const char* bad : {"3,-4", "3,4K", "1.5", "", "3,,4", "99999999999999999999"})
    EXPECT_FALSE(parse_count_list(bad).ok()) << bad;
}

TEST(ByteSize, FormatsCompactlyAndParsesBack) {
  EXPECT_EQ(format_bytes(0), "0B");
  EXPECT_EQ(format_bytes(512), "512B");
  EXPECT_EQ(format_bytes(1023), "1023B");
  EXPECT_EQ(format_bytes(4096), "4K");
  EXPECT_EQ(format_bytes(1536), "1.5K");
  EXPECT_EQ(format_bytes(12ull << 10), "12K");
  EXPECT_EQ(format_bytes(64ull << 20), "64M");
  EXPECT_EQ(format_bytes(3ull << 29), "1.5G");
  EXPECT_EQ(format_bytes(3ull << 30), "3G");
  EXPECT_EQ(format_bytes(25ull << 19), "12.5M");
  EXPECT_EQ(format_bytes(1ull << 50), "1P");
  EXPECT_EQ(format_bytes(UINT64_MAX), "16E");
  EXPECT_EQ(format_bytes((1ull << 20) - 1), "1024K") << "never an exponent";
  // Every value printed exactly parses back to itself.
  for (uint64_t v : {uint64_t(0), uint64_t(1), uint64_t(512), uint64_t(4096), uint64_t(1536), uint64_t(12) << 10,
                     uint64_t(3) << 29, uint64_t(25) << 19, uint64_t(7) << 40, uint64_t(1) << 50}) {
    auto back = parse_byte_size(format_bytes(v));
    ASSERT_TRUE(back.ok()) << format_bytes(v) << ": " << back.error().message;
    EXPECT_EQ(back.value(), v) << format_bytes(v);
  }
}

TEST(Duration, Units) {
  EXPECT_EQ(parse_duration_ns("250ns").value(), 250u);
  EXPECT_EQ(parse_duration_ns("100us").value(), 100'000u);
  EXPECT_EQ(parse_duration_ns("500ms").value(), 500'000'000u);
  EXPECT_EQ(parse_duration_ns("2s").value(), 2'000'000'000u);
  EXPECT_EQ(parse_duration_ns("2.5s").value(), 2'500'000'000u);
  EXPECT_EQ(parse_duration_ns("0.1ms").value(), 100'000u);
  EXPECT_EQ(parse_duration_ns("1m").value(), 60'000'000'000u);
  EXPECT_EQ(parse_duration_ns("2min").value(), 120'000'000'000u);
  EXPECT_EQ(parse_duration_ns("0").value(), 0u);  // zero needs no unit
  EXPECT_EQ(parse_duration_ns("0.0").value(), 0u);
}

TEST(Duration, ABareNumberIsAnErrorNamingTheMissingUnit) {
  // Commands used to disagree: inspect read "3" as seconds, replay as microseconds.
  for (const char* bare : {"3", "100", "2.5"}) {
    auto r = parse_duration_ns(bare);
    ASSERT_FALSE(r.ok()) << bare << " parsed as " << r.value();
    EXPECT_NE(r.error().message.find("no unit"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(std::string(bare) + "ms"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().kind, ErrorKind::kUsage);
  }
}

TEST(Duration, GarbageNegativeEmptyAndOverflow) {
  for (const char* bad : {"", "fast", "10 parsecs", "-1s", "+1s", "1S", "1sec", "1e3ms", "s", "1h", "1.s", " 1s"}) {
    auto r = parse_duration_ns(bad);
    ASSERT_FALSE(r.ok()) << "'" << bad << "' parsed as " << r.value();
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    if (*bad) {
      EXPECT_NE(r.error().message.find(std::string("'") + bad + "'"), std::string::npos) << r.error().message;
    }
  }
  EXPECT_TRUE(parse_duration_ns("18446744073709551615ns").ok());
  EXPECT_FALSE(parse_duration_ns("18446744073709551616ns").ok());
  EXPECT_FALSE(parse_duration_ns("18446744074s").ok()) << "more than 2^64 ns must not wrap";
  EXPECT_FALSE(parse_duration_ns("99999999999999999999999m").ok());
}

TEST(Duration, Lists) {
  auto list = parse_duration_list("100ms,1s");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.value(), (std::vector<uint64_t>{100'000'000, 1'000'000'000}));
  EXPECT_FALSE(parse_duration_list("100ms,,1s").ok());
  EXPECT_FALSE(parse_duration_list("100ms,1").ok()) << "a bare number in a list too";
  EXPECT_FALSE(parse_duration_list("").ok());
}

TEST(Duration, FormatsSeconds) {
  EXPECT_EQ(format_seconds(0), "0.000");
  EXPECT_EQ(format_seconds(12'345'000'000), "12.345");
  // A duration printed in seconds parses back (with its unit).
  EXPECT_EQ(parse_duration_ns(format_seconds(2'500'000'000) + "s").value(), 2'500'000'000u);
}

}  // namespace
}  // namespace pagescope
