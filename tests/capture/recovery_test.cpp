// Damaged files: every failure is a one-line Error or a ReadReport entry,
// never a crash, and every intact chunk is still read.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "capture_io.h"
#include "inspector/capture/crc32c.h"
#include "inspector/capture/format.h"

namespace pagescope::capture {
namespace {

using namespace testing;

// True if `got` appears in `all` in order (possibly with gaps).
bool is_subsequence(const std::vector<Bytes>& got, const std::vector<Bytes>& all) {
  size_t j = 0;
  for (const auto& g : got) {
    while (j < all.size() && all[j] != g) ++j;
    if (j == all.size()) return false;
    ++j;
  }
  return true;
}

std::vector<Bytes> sample_records() {
  auto records = every_kind(1000);
  auto storm = fault_storm(600, 100000, 3);
  records.insert(records.end(), storm.begin(), storm.end());
  for (const auto& r : every_kind(900000)) records.push_back(r);
  return records;
}

class Recovery : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = temp_path(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".psc");
    records_ = sample_records();
    write_capture(path_, records_, {}, 100);  // a chunk per 100 records
    original_ = read_file(path_);
    auto reader = CaptureReader::open(path_);
    ASSERT_TRUE(reader.ok());
    chunks_ = reader->chunks();
    ASSERT_GE(chunks_.size(), 6u);
    footer_offset_ = original_.size() - sizeof(format::Trailer) - format::footer_bytes(chunks_.size());
  }

  // End of chunk i's frame (start of the next one, or of the footer).
  uint64_t chunk_end(size_t i) const { return i + 1 < chunks_.size() ? chunks_[i + 1].offset : footer_offset_; }

  std::string path_;
  std::vector<Bytes> records_;
  Bytes original_;
  std::vector<ChunkInfo> chunks_;
  uint64_t footer_offset_ = 0;
};

TEST(RecoveryErrors, EmptyFile) {
  std::string path = temp_path("empty.psc");
  write_file(path, {});
  auto reader = CaptureReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message, path + ": empty file (no capture header)");
}

TEST(RecoveryErrors, MissingFile) {
  auto reader = CaptureReader::open(temp_path("does-not-exist.psc"));
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("No such file or directory"), std::string::npos);
}

TEST(RecoveryErrors, Directory) {
  auto reader = CaptureReader::open(::testing::TempDir());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.error().message.find("not a regular file"), std::string::npos);
}

TEST(RecoveryErrors, WrongMagic) {
  std::string path = temp_path("magic.psc");
  std::string text = "# this is a text file, not a capture\n";
  write_file(path, Bytes(text.begin(), text.end()));
  auto reader = CaptureReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message, path + ": not a pagescope capture (bad magic)");
  write_file(path, Bytes{'P', 'K'});  // shorter than the magic
  reader = CaptureReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message, path + ": not a pagescope capture (bad magic)");
}

TEST(RecoveryErrors, UnsupportedMajorVersion) {
  std::string path = temp_path("major.psc");
  write_capture(path, every_kind(1));
  Bytes bytes = read_file(path);
  format::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  h.format_major = PS_FORMAT_MAJOR + 1;
  h.format_minor = 3;
  h.header_crc = crc32c(&h, offsetof(format::FileHeader, header_crc));  // a genuine future file
  std::memcpy(bytes.data(), &h, sizeof h);
  write_file(path, bytes);
  auto reader = CaptureReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message, path + ": unsupported capture format version " +
                                        std::to_string(PS_FORMAT_MAJOR + 1) + ".3 (this build reads " +
                                        std::to_string(PS_FORMAT_MAJOR) + ".x)");
}

TEST(RecoveryErrors, NewerMinorVersionIsRead) {
  std::string path = temp_path("minor.psc");
  auto records = every_kind(1);
  write_capture(path, records);
  Bytes bytes = read_file(path);
  format::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  h.format_minor = PS_FORMAT_MINOR + 1;
  h.header_crc = crc32c(&h, offsetof(format::FileHeader, header_crc));
  std::memcpy(bytes.data(), &h, sizeof h);
  write_file(path, bytes);
  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->format_minor(), PS_FORMAT_MINOR + 1);
  EXPECT_EQ(read_all(*reader), records);
}

// A host fact from a newer minor version is skipped, the known ones still read.
TEST(RecoveryErrors, UnknownHostFactIsSkipped) {
  std::string path = temp_path("hosttag.psc");
  auto records = every_kind(1);
  write_capture(path, records);
  Bytes bytes = read_file(path);
  format::FileHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  // Drop footer and trailer (their offsets would move), then insert {tag 999, "abc"}.
  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok());
  bytes.resize(bytes.size() - sizeof(format::Trailer) - format::footer_bytes(reader->chunks().size()));
  Bytes tlv = {0xe7, 0x03, 3, 0, 0, 0, 'a', 'b', 'c'};
  bytes.insert(bytes.begin() + sizeof h + h.host_len, tlv.begin(), tlv.end());
  h.host_len += static_cast<uint32_t>(tlv.size());
  h.host_crc = crc32c(bytes.data() + sizeof h, h.host_len);
  h.header_crc = crc32c(&h, offsetof(format::FileHeader, header_crc));
  std::memcpy(bytes.data(), &h, sizeof h);
  write_file(path, bytes);
  reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  EXPECT_EQ(reader->host().command_line, test_host().command_line);
  EXPECT_EQ(read_all(*reader), records);
  EXPECT_FALSE(reader->report().complete);
  EXPECT_TRUE(reader->report().problems.empty());
}

TEST(RecoveryErrors, CorruptHeaderByte) {
  std::string path = temp_path("hdrcrc.psc");
  write_capture(path, every_kind(1));
  Bytes bytes = read_file(path);
  bytes[13] ^= 0x01;  // host_len
  write_file(path, bytes);
  auto reader = CaptureReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message, path + ": corrupt capture header (CRC mismatch)");
  bytes[13] ^= 0x01;
  bytes[40] ^= 0x01;  // inside the host facts
  write_file(path, bytes);
  reader = CaptureReader::open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().message, path + ": corrupt capture header (host facts CRC mismatch)");
}

TEST_F(Recovery, TruncationAtEveryOffset) {
  std::string cut_path = path_ + ".cut";
  write_file(cut_path, original_);
  // Shrinking the one copy step by step is cheap (no data written per cut).
  for (size_t cut = original_.size() - 1; cut != SIZE_MAX; --cut) {
    ASSERT_EQ(truncate(cut_path.c_str(), static_cast<off_t>(cut)), 0);
    auto reader = CaptureReader::open(cut_path);
    if (cut < chunks_[0].offset) {
      ASSERT_FALSE(reader.ok()) << cut;
      const std::string& m = reader.error().message;
      EXPECT_TRUE(m.find("empty file") != std::string::npos || m.find("truncated capture header") != std::string::npos)
          << cut << ": " << m;
      continue;
    }
    ASSERT_TRUE(reader.ok()) << cut << ": " << reader.error().message;
    size_t whole = 0, expected = 0;
    uint64_t readable_end = chunks_[0].offset;
    while (whole < chunks_.size() && chunk_end(whole) <= cut) {
      expected += chunks_[whole].records;
      readable_end = chunk_end(whole);
      ++whole;
    }
    EXPECT_EQ(reader->chunks().size(), whole) << cut;
    auto got = read_all(*reader);
    const ReadReport& report = reader->report();
    ASSERT_EQ(got.size(), expected) << cut;
    EXPECT_TRUE(std::equal(got.begin(), got.end(), records_.begin())) << cut;
    EXPECT_FALSE(report.complete) << cut;
    EXPECT_EQ(report.chunks_ok, whole) << cut;
    EXPECT_EQ(report.chunks_corrupt, 0u) << cut << ": a cut is not corruption";
    EXPECT_EQ(report.bytes_unreadable, cut - readable_end) << cut;
    EXPECT_EQ(report.problems.size(), cut == readable_end ? 0u : 1u) << cut;
  }
}

TEST_F(Recovery, FlippedByteInEachPartOfAChunk) {
  const size_t victim = 2;
  const uint64_t at = chunks_[victim].offset;
  const uint64_t payload_mid = at + sizeof(format::ChunkFrame) + (chunk_end(victim) - at - 48) / 2;
  std::vector<Bytes> expected;
  size_t skip_from = 0;
  for (size_t i = 0; i < victim; ++i) skip_from += chunks_[i].records;
  for (size_t i = 0; i < records_.size(); ++i)
    if (i < skip_from || i >= skip_from + chunks_[victim].records) expected.push_back(records_[i]);

  for (uint64_t offset : {at, at + 8, at + 12, at + 24, at + 44, payload_mid, chunk_end(victim) - 1}) {
    Bytes bytes = original_;
    bytes[offset] ^= 0x20;
    write_file(path_, bytes);
    auto reader = CaptureReader::open(path_);
    ASSERT_TRUE(reader.ok()) << offset;
    auto got = read_all(*reader);
    const ReadReport& report = reader->report();
    EXPECT_TRUE(report.complete) << offset;
    EXPECT_EQ(got, expected) << "flip at " << offset;
    EXPECT_EQ(report.chunks_corrupt, 1u) << offset;
    EXPECT_EQ(report.chunks_ok, chunks_.size() - 1) << offset;
    EXPECT_EQ(report.bytes_unreadable, chunk_end(victim) - at) << offset;
    ASSERT_EQ(report.problems.size(), 1u) << offset;
    EXPECT_EQ(report.problems[0].rfind("chunk 2 at offset " + std::to_string(at) + ": ", 0), 0u)
        << report.problems[0];
  }
}

TEST_F(Recovery, FlippedByteWithoutFooterIsFoundByTheRebuildScan) {
  Bytes bytes(original_.begin(), original_.begin() + footer_offset_);  // as if killed before close
  bytes[chunks_[1].offset + 60] ^= 0x01;
  write_file(path_, bytes);
  auto reader = CaptureReader::open(path_);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(reader->report().complete);
  EXPECT_EQ(reader->chunks().size(), chunks_.size() - 1);
  EXPECT_EQ(reader->report().chunks_corrupt, 1u);
  auto got = read_all(*reader);
  EXPECT_EQ(got.size(), records_.size() - chunks_[1].records);
  EXPECT_EQ(reader->report().problems.size(), 1u);
  EXPECT_NE(reader->report().problems[0].find("CRC mismatch"), std::string::npos);
}

TEST_F(Recovery, CorruptFooterFallsBackToScanning) {
  Bytes bytes = original_;
  bytes[footer_offset_ + 12] ^= 0x01;  // an index entry
  write_file(path_, bytes);
  auto reader = CaptureReader::open(path_);
  ASSERT_TRUE(reader.ok());
  EXPECT_FALSE(reader->report().complete);
  EXPECT_EQ(reader->chunks().size(), chunks_.size());
  auto got = read_all(*reader);
  EXPECT_EQ(got, records_);
  ASSERT_FALSE(reader->report().problems.empty());
  EXPECT_NE(reader->report().problems[0].find("footer unreadable (footer CRC mismatch)"), std::string::npos);
}

TEST(RecoveryErrors, GarbageAfterAValidHeader) {
  std::string path = temp_path("garbage.psc");
  write_capture(path, {});
  Bytes bytes = read_file(path);
  std::mt19937 rng(5);
  bytes.resize(bytes.size() - sizeof(format::Trailer) - format::footer_bytes(0));
  for (int i = 0; i < 100000; ++i) bytes.push_back(static_cast<uint8_t>(rng()));
  write_file(path, bytes);
  auto reader = CaptureReader::open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE(read_all(*reader).empty());
  EXPECT_EQ(reader->report().bytes_unreadable, 100000u);
  EXPECT_FALSE(reader->report().problems.empty());
}

TEST(RecoveryErrors, RandomBytesAreNotACapture) {
  std::mt19937 rng(6);
  std::string path = temp_path("random.psc");
  for (size_t size : {1u, 7u, 8u, 31u, 32u, 33u, 4096u}) {
    Bytes bytes(size);
    for (auto& b : bytes) b = static_cast<uint8_t>(rng());
    write_file(path, bytes);
    auto reader = CaptureReader::open(path);
    ASSERT_FALSE(reader.ok());
    EXPECT_EQ(reader.error().message, path + ": not a pagescope capture (bad magic)");
  }
}

// Random damage of every kind: whatever is returned must be original records,
// in the original order; nothing crashes (run under -DPAGESCOPE_SANITIZE=ON).
TEST_F(Recovery, RandomMutations) {
  std::mt19937_64 rng(20261125);
  std::string mutated = path_ + ".mut";
  int opened = 0, with_problems = 0;
  for (int trial = 0; trial < 400; ++trial) {
    Bytes bytes = original_;
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !bytes.empty(); ++e) {
      size_t at = rng() % bytes.size();
      switch (rng() % 5) {
        case 0: bytes[at] ^= static_cast<uint8_t>(1 + rng() % 255); break;
        case 1: bytes.resize(at); break;
        case 2: {  // insert garbage
          Bytes junk(1 + rng() % 200);
          for (auto& b : junk) b = static_cast<uint8_t>(rng());
          bytes.insert(bytes.begin() + static_cast<long>(at), junk.begin(), junk.end());
          break;
        }
        case 3: {  // delete a range
          size_t len = std::min<size_t>(1 + rng() % 500, bytes.size() - at);
          bytes.erase(bytes.begin() + static_cast<long>(at), bytes.begin() + static_cast<long>(at + len));
          break;
        }
        case 4: {  // duplicate-free overwrite with zeros (a hole)
          size_t len = std::min<size_t>(1 + rng() % 100, bytes.size() - at);
          std::fill(bytes.begin() + static_cast<long>(at), bytes.begin() + static_cast<long>(at + len), 0);
          break;
        }
      }
    }
    write_file(mutated, bytes);
    auto reader = CaptureReader::open(mutated);
    if (!reader.ok()) {
      EXPECT_EQ(reader.error().message.find('\n'), std::string::npos);
      continue;
    }
    ++opened;
    auto got = read_all(*reader);
    EXPECT_TRUE(is_subsequence(got, records_)) << "trial " << trial;
    EXPECT_EQ(reader->report().records, got.size());
    if (!reader->report().problems.empty()) ++with_problems;
    for (const auto& p : reader->report().problems) EXPECT_EQ(p.find('\n'), std::string::npos);
    std::vector<Bytes> between;
    reader->for_each_between(0, UINT64_MAX, [&](const ps_header& h) {
      const auto* p = reinterpret_cast<const uint8_t*>(&h);
      between.emplace_back(p, p + h.size);
      return true;
    });
    EXPECT_TRUE(is_subsequence(between, records_)) << "trial " << trial;
  }
  EXPECT_GT(opened, 100);
  EXPECT_GT(with_problems, 50);
}

// The one file whose name starts like OutputFile::temp_pattern(path) without
// its XXXXXX, or "" if there is not exactly one.
std::string temporary_of(const std::string& path) {
  std::string pattern = OutputFile::temp_pattern(path);
  std::filesystem::path prefix(pattern.substr(0, pattern.size() - 6));
  std::string found;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(prefix.parent_path())) {
    if (e.path().filename().string().rfind(prefix.filename().string(), 0) == 0) {
      found = e.path().string();
      ++n;
    }
  }
  return n == 1 ? found : "";
}

// The recorder's crash story: a writer that flushed and was then SIGKILLed
// leaves every flushed record readable, under the temporary name it writes
// before close() renames it (".NAME.XXXXXX" beside NAME; output_file.h).
TEST(RecoveryKill, SigkilledWriterKeepsEveryFlushedRecord) {
  std::string path = temp_path("killed.psc");
  constexpr int kBatch = 500;
  constexpr int kBatchesBeforeKill = 20;
  int acks[2];
  ASSERT_EQ(pipe(acks), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(acks[0]);
    auto writer = CaptureWriter::create(path, test_host());
    if (!writer.ok()) _exit(2);
    for (uint64_t batch = 0; batch < 100000; ++batch) {
      for (uint64_t i = 0; i < kBatch; ++i) {
        uint64_t n = batch * kBatch + i;
        Bytes f = fault(1000 + n * 250, 77, 0x7f0000000000 + 4096 * n, 0x401000 + 16 * (n % 3));
        if (!writer->append(f.data(), f.size()).ok()) _exit(3);
      }
      if (!writer->flush().ok()) _exit(4);
      if (write(acks[1], &batch, sizeof batch) != sizeof batch) _exit(5);
    }
    pause();
    _exit(0);
  }
  ::close(acks[1]);
  uint64_t batch = 0;
  for (int i = 0; i < kBatchesBeforeKill; ++i) ASSERT_EQ(read(acks[0], &batch, sizeof batch), ssize_t{sizeof batch});
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  ::close(acks[0]);

  EXPECT_NE(access(path.c_str(), F_OK), 0) << "only close() gives the capture its name";
  const std::string prefix = temporary_of(path);
  ASSERT_FALSE(prefix.empty()) << "no single " << OutputFile::temp_pattern(path);
  auto reader = CaptureReader::open(prefix);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  uint64_t n = 0;
  bool in_order = true;
  ASSERT_TRUE(reader
                  ->for_each([&](const ps_header& h) {
                    const auto& f = reinterpret_cast<const ps_fault&>(h);
                    in_order = in_order && h.kind == PS_EV_FAULT && h.ts_ns == 1000 + n * 250 &&
                               f.address == 0x7f0000000000 + 4096 * n;
                    ++n;
                    return true;
                  })
                  .ok());
  EXPECT_TRUE(in_order);
  EXPECT_GE(n, uint64_t{kBatch} * kBatchesBeforeKill);
  EXPECT_EQ(n % kBatch, 0u) << "chunks are all-or-nothing";
  EXPECT_FALSE(reader->report().complete);
  EXPECT_EQ(reader->report().chunks_corrupt, 0u);
  EXPECT_EQ(reader->report().records, n);
  std::remove(prefix.c_str());
}

}  // namespace
}  // namespace pagescope::capture
