#include <sys/stat.h>

#include <gtest/gtest.h>

#include "capture_io.h"
#include "inspector/capture/codec.h"
#include "inspector/capture/format.h"

namespace pagescope::capture {
namespace {

using namespace testing;

class WriterReader : public ::testing::TestWithParam<Codec> {};

TEST_P(WriterReader, EveryKindRoundTripsInOrderWithHostFacts) {
  std::string path = temp_path("every_kind.psc");
  auto records = every_kind(1'000'000'000);
  auto storm = fault_storm(5000, 2'000'000'000);
  records.insert(records.end(), storm.begin(), storm.end());
  for (const auto& r : every_kind(3'000'000'000)) records.push_back(r);
  WriterOptions options;
  options.codec = GetParam();
  options.chunk_bytes = 16 << 10;  // many chunks
  write_capture(path, records, options, 1000);

  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->format_major(), PS_FORMAT_MAJOR);
  EXPECT_EQ(reader->format_minor(), PS_FORMAT_MINOR);
  HostInfo expected = test_host();
  EXPECT_EQ(reader->host().kernel_release, expected.kernel_release);
  EXPECT_EQ(reader->host().hostname, expected.hostname);
  EXPECT_EQ(reader->host().command_line, expected.command_line);
  EXPECT_EQ(reader->host().features, expected.features);
  EXPECT_EQ(reader->host().page_size, expected.page_size);
  EXPECT_EQ(reader->host().cpu_count, expected.cpu_count);
  EXPECT_EQ(reader->host().clock_source, "CLOCK_MONOTONIC");
  EXPECT_GT(reader->host().start_ns, 0u);
  EXPECT_TRUE(reader->report().complete);
  EXPECT_GT(reader->chunks().size(), 5u);

  EXPECT_EQ(read_all(*reader), records);
  const ReadReport& report = reader->report();
  EXPECT_TRUE(report.complete);
  EXPECT_EQ(report.records, records.size());
  EXPECT_EQ(report.chunks_ok, reader->chunks().size());
  EXPECT_EQ(report.chunks_corrupt, 0u);
  EXPECT_EQ(report.bytes_unreadable, 0u);
  EXPECT_TRUE(report.problems.empty());
  // A second pass reads the file again from the start.
  EXPECT_EQ(read_all(*reader).size(), records.size());
}

INSTANTIATE_TEST_SUITE_P(Codecs, WriterReader, ::testing::Values(Codec::kNone, Codec::kZstd, Codec::kLz4),
                         [](const auto& info) { return std::string(codec_name(info.param)); });

TEST(WriterReaderRows, RowMajorChunksRoundTrip) {
  std::string path = temp_path("rows.psc");
  auto records = every_kind(5);
  WriterOptions options;
  options.columnar = false;
  write_capture(path, records, options);
  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(read_all(*reader), records);
}

TEST(Writer, CreatesFileWithMode0600EvenOverAnExistingFile) {
  std::string path = temp_path("mode.psc");
  write_file(path, Bytes(10, 'x'));
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  write_capture(path, every_kind(1));
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(Writer, RejectsMalformedRecordsAndCountsStats) {
  std::string path = temp_path("stats.psc");
  auto writer = CaptureWriter::create(path, test_host());
  ASSERT_TRUE(writer.ok());
  Bytes f = fault(1, 1, 0x1000, 0x2000);
  EXPECT_FALSE(writer->append(f.data(), 20).ok()) << "shorter than a header";
  EXPECT_FALSE(writer->append(f.data(), 40).ok()) << "size disagrees with hdr.size";
  ASSERT_TRUE(writer->append(f.data(), f.size()).ok());
  Bytes p = proc_file(2, PS_PROC_MAPS, "abc");
  ASSERT_TRUE(writer->append(p.data(), p.size()).ok());
  EXPECT_EQ(writer->stats().records, 2u);
  EXPECT_EQ(writer->stats().records_by_kind[PS_EV_FAULT], 1u);
  EXPECT_EQ(writer->stats().records_by_kind[PS_EV_PROC_FILE], 1u);
  EXPECT_EQ(writer->stats().raw_bytes, f.size() + p.size());
  ASSERT_TRUE(writer->flush().ok());
  EXPECT_EQ(writer->stats().chunks, 1u);
  ASSERT_TRUE(writer->flush().ok());
  EXPECT_EQ(writer->stats().chunks, 1u) << "an empty flush writes nothing";
  ASSERT_TRUE(writer->close().ok());
  ASSERT_TRUE(writer->close().ok()) << "close is idempotent";
  EXPECT_FALSE(writer->append(f.data(), f.size()).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<uint64_t>(st.st_size), writer->stats().file_bytes);
}

TEST(Writer, CannotCreateInMissingDirectory) {
  auto writer = CaptureWriter::create("/nonexistent-dir/x.psc", test_host());
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find("/nonexistent-dir/x.psc"), std::string::npos);
}

TEST(Writer, EmptyCaptureIsCompleteWithNoRecords) {
  std::string path = temp_path("empty_capture.psc");
  write_capture(path, {});
  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_TRUE(reader->report().complete);
  EXPECT_TRUE(read_all(*reader).empty());
  EXPECT_TRUE(reader->chunks().empty());
}

// Chunks cover disjoint time ranges; a corrupt chunk outside the asked range
// is never read, which shows the index (not a scan) chose the chunks.
TEST(Reader, ForEachBetweenUsesTheIndex) {
  std::string path = temp_path("between.psc");
  std::vector<Bytes> records;
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 100; ++j)
      records.push_back(fault(1'000'000ull * i + 1000ull * j, 7, 0x10000ull * i + 4096ull * j, 0x400000));
  write_capture(path, records, {}, 100);  // one chunk per 100 records = per millisecond

  auto probe = CaptureReader::open(path);
  ASSERT_TRUE(probe.ok());
  ASSERT_EQ(probe->chunks().size(), 10u);
  EXPECT_EQ(probe->chunks()[3].first_ts_ns, 3'000'000u);
  EXPECT_EQ(probe->chunks()[3].last_ts_ns, 3'099'000u);
  EXPECT_EQ(probe->chunks()[3].records, 100u);
  uint64_t chunk0 = probe->chunks()[0].offset;
  uint64_t chunk1 = probe->chunks()[1].offset;

  Bytes bytes = read_file(path);
  bytes[chunk0 + (chunk1 - chunk0) / 2] ^= 0x40;  // inside chunk 0's payload
  write_file(path, bytes);

  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok());
  std::vector<uint64_t> ts;
  ASSERT_TRUE(reader
                  ->for_each_between(4'050'000, 6'020'000,
                                     [&](const ps_header& h) {
                                       ts.push_back(h.ts_ns);
                                       return true;
                                     })
                  .ok());
  ASSERT_EQ(ts.size(), 50u + 100u + 20u);
  EXPECT_EQ(ts.front(), 4'050'000u);
  EXPECT_EQ(ts.back(), 6'020'000u - 1000u);
  EXPECT_EQ(reader->report().chunks_ok, 3u) << "only chunks 4, 5 and 6 are read";
  EXPECT_TRUE(reader->report().problems.empty());
  EXPECT_EQ(reader->report().records, ts.size());

  // The same range including chunk 0 does read it and reports it.
  ASSERT_TRUE(reader->for_each_between(0, 1'000'000, [](const ps_header&) { return true; }).ok());
  EXPECT_EQ(reader->report().chunks_corrupt, 1u);
  ASSERT_EQ(reader->report().problems.size(), 1u);
  EXPECT_NE(reader->report().problems[0].find("CRC mismatch"), std::string::npos);
}

TEST(Reader, StopsEarlyWhenTheCallbackSaysSo) {
  std::string path = temp_path("stop.psc");
  write_capture(path, fault_storm(1000, 1), {}, 100);
  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok());
  int seen = 0;
  ASSERT_TRUE(reader->for_each([&](const ps_header&) { return ++seen < 250; }).ok());
  EXPECT_EQ(seen, 250);
}

}  // namespace
}  // namespace pagescope::capture
