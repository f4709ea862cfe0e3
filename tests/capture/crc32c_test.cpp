#include "inspector/capture/crc32c.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pagescope::capture {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the classic "123456789".
TEST(Crc32c, KnownVectors) {
  std::string digits = "123456789";
  EXPECT_EQ(crc32c(digits.data(), digits.size()), 0xE3069283u);
  EXPECT_EQ(crc32c_extend_software(0, digits.data(), digits.size()), 0xE3069283u);
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xff), ascending(32);
  for (int i = 0; i < 32; ++i) ascending[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62A8AB43u);
  EXPECT_EQ(crc32c(ascending.data(), ascending.size()), 0x46DD794Eu);
  EXPECT_EQ(crc32c(nullptr, 0), 0u);
}

TEST(Crc32c, SoftwareMatchesDispatchOnRandomLengthsAndPieces) {
  std::mt19937 rng(7);
  std::vector<uint8_t> data(5000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  for (size_t len : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 4999u, 5000u}) {
    uint32_t whole = crc32c(data.data(), len);
    EXPECT_EQ(whole, crc32c_extend_software(0, data.data(), len)) << len;
    size_t cut = len / 3;
    EXPECT_EQ(whole, crc32c_extend(crc32c(data.data(), cut), data.data() + cut, len - cut)) << len;
  }
}

}  // namespace
}  // namespace pagescope::capture
