#include "inspector/capture/column_transform.h"

#include <random>

#include <gtest/gtest.h>

#include "test_records.h"

namespace pagescope::capture {
namespace {

using testing::Bytes;

struct Flat {
  Bytes bytes;
  uint32_t count = 0;
};

Flat flatten(const std::vector<Bytes>& records) {
  Flat f;
  for (const auto& r : records) {
    f.bytes.insert(f.bytes.end(), r.begin(), r.end());
    ++f.count;
  }
  return f;
}

std::vector<Bytes> unpack(const RecordBuffer& buffer) {
  std::vector<Bytes> out;
  buffer.for_each([&](const ps_header& h) {
    const auto* p = reinterpret_cast<const uint8_t*>(&h);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u) << "records are handed out 8-byte aligned";
    out.emplace_back(p, p + h.size);
    return true;
  });
  return out;
}

// Encodes `records` as one chunk and decodes them back (empty on a decode
// error, which fails the test); `encoded_size`: the columns' bytes.
std::vector<Bytes> round_trip(const std::vector<Bytes>& records, size_t& encoded_size) {
  Flat flat = flatten(records);
  ColumnEncoder encoder;
  Bytes encoded;
  encoder.encode(flat.bytes, flat.count, encoded);
  encoded_size = encoded.size();
  RecordBuffer out;
  const Status st = decode_columns(encoded, flat.count, static_cast<uint32_t>(flat.bytes.size()), out);
  EXPECT_TRUE(st.ok()) << st.message();
  return st.ok() ? unpack(out) : std::vector<Bytes>{};
}

TEST(ColumnTransform, RoundTripsEveryKindByteForByte) {
  auto records = testing::every_kind(1'000'000);
  auto storm = testing::fault_storm(1000, 2'000'000);
  records.insert(records.end(), storm.begin(), storm.end());
  // Timestamps going backwards (another CPU's record drained later) must survive too.
  records.push_back(testing::fault(5, 4242, 0x1000, 0x401a10));
  size_t encoded_size = 0;
  EXPECT_EQ(round_trip(records, encoded_size), records);
}

// Address deltas are kept per thread: many threads interleaved (more than
// the per-thread table starts with, so it grows mid-chunk, tid 0 among
// them) still decode byte for byte, and each thread's walk stays small.
TEST(ColumnTransform, ManyInterleavedThreadsRoundTrip) {
  std::vector<Bytes> records;
  for (uint64_t step = 0; step < 20; ++step)
    for (uint32_t tid = 0; tid < 500; ++tid)
      records.push_back(testing::fault(step * 1000 + tid, tid * 7919, 0x7f0000000000 + (uint64_t{tid} << 24) + step * 4096,
                                       0x401000 + tid % 3));
  size_t encoded_size = 0;
  EXPECT_EQ(round_trip(records, encoded_size), records);
  // Per-thread deltas: one page, two varint bytes, for all but each thread's first fault.
  EXPECT_LT(encoded_size, flatten(records).bytes.size() / 3);
}

TEST(ColumnTransform, FaultStormEncodesSmallBeforeCompression) {
  auto storm = testing::fault_storm(10000, 1);
  Flat flat = flatten(storm);
  ColumnEncoder encoder;
  Bytes encoded;
  encoder.encode(flat.bytes, flat.count, encoded);
  // 48 raw bytes per fault; the columns should need well under a third of that.
  EXPECT_LT(encoded.size(), flat.bytes.size() / 3);
}

TEST(ColumnTransform, RejectsWrongCountsAndLengths) {
  Flat flat = flatten(testing::every_kind(10));
  ColumnEncoder encoder;
  Bytes encoded;
  encoder.encode(flat.bytes, flat.count, encoded);
  RecordBuffer out;
  auto raw = static_cast<uint32_t>(flat.bytes.size());
  EXPECT_FALSE(decode_columns(encoded, flat.count + 1, raw, out).ok());
  EXPECT_FALSE(decode_columns(encoded, flat.count - 1, raw, out).ok());
  EXPECT_FALSE(decode_columns(encoded, flat.count, raw - 1, out).ok());
  EXPECT_FALSE(decode_columns(encoded, flat.count, raw + 1, out).ok());
  EXPECT_FALSE(decode_columns({encoded.data(), encoded.size() - 1}, flat.count, raw, out).ok());
  EXPECT_FALSE(decode_columns({}, flat.count, raw, out).ok());
}

// The CRC normally stops corrupt payloads before this decoder sees them; it
// must still never crash or overrun on arbitrary input.
TEST(ColumnTransform, RandomMutationsNeverCrash) {
  auto records = testing::every_kind(10);
  auto storm = testing::fault_storm(200, 99);
  records.insert(records.end(), storm.begin(), storm.end());
  Flat flat = flatten(records);
  ColumnEncoder encoder;
  Bytes encoded;
  encoder.encode(flat.bytes, flat.count, encoded);
  std::mt19937 rng(12345);
  RecordBuffer out;
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    Bytes m = encoded;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) m[rng() % m.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    if (!decode_columns(m, flat.count, static_cast<uint32_t>(flat.bytes.size()), out).ok()) ++rejected;
  }
  // Some mutations (e.g. in an ip or a body byte) decode to different valid records.
  EXPECT_GT(rejected, 0);
}

TEST(RowTransform, RoundTripsAndRejectsBadSizes) {
  auto records = testing::every_kind(7);
  Flat flat = flatten(records);
  RecordBuffer out;
  ASSERT_TRUE(decode_rows(flat.bytes, flat.count, static_cast<uint32_t>(flat.bytes.size()), out).ok());
  EXPECT_EQ(unpack(out), records);
  Bytes bad = flat.bytes;
  uint32_t huge = 1u << 30;
  std::memcpy(bad.data() + 4, &huge, 4);  // the first record's hdr.size
  EXPECT_FALSE(decode_rows(bad, flat.count, static_cast<uint32_t>(bad.size()), out).ok());
}

}  // namespace
}  // namespace pagescope::capture
