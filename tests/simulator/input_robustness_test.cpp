// Hostile inputs to the readers every simulator command goes through (issue
// 17, items 14, 16 and 18): special files, binary bytes in text traces, ids
// too large for an address, a capture with a chunk spliced in twice, and
// flags that are not numbers. Each must give a one-line error, never a hang
// or a silently wrong answer.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <future>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "events.h"
#include "inspector/capture/chunk.h"
#include "inspector/capture/format.h"
#include "inspector/capture/reader.h"
#include "inspector/capture/writer.h"
#include "simulator/trace.h"
#include "simulator/traces/formats.h"

namespace pagescope::sim {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/input_robustness_" + std::to_string(getpid()) + "_" + name;
}

std::string write_file(const std::string& name, const std::string& bytes) {
  std::string p = temp_path(name);
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

// Reads `path` as `format`: the error message, or "" when it read fine.
std::string read_error(const std::string& format, const std::string& path, uint64_t* refs = nullptr) {
  auto src = traces::open_source(format, path, {});
  if (!src) return src.error().message;
  uint64_t n = 0;
  Status st = (*src)->for_each([&](const RawReference&) { ++n; });
  if (refs) *refs = n;
  return st.ok() ? "" : st.message();
}

// Issue 17.16: "1 2 3\0 4 5" counted 3 references and said nothing.
TEST(InputRobustness, NulByteInATextTraceIsAnError) {
  const std::string path = write_file("nul.txt", std::string("1 2 3\0 4 5\n6\n", 13));
  uint64_t refs = 0;
  const std::string err = read_error("text", path, &refs);
  EXPECT_NE(err.find("NUL byte"), std::string::npos) << err;
  EXPECT_NE(err.find(path + ":1:"), std::string::npos) << err;  // names file and line
  EXPECT_EQ(read_error("lirs", path).find("NUL byte") != std::string::npos, true);
  unlink(path.c_str());
}

// The line reader still hands over every line, long ones and a last one without newline.
TEST(InputRobustness, LinesLongerThanTheBufferAndNoFinalNewline) {
  std::string text;
  for (int i = 0; i < 40000; ++i) text += std::to_string(i % 97) + " ";
  text += "\n5 6\n7";
  const std::string path = write_file("long.txt", text);
  uint64_t refs = 0;
  EXPECT_EQ(read_error("text", path, &refs), "");
  EXPECT_EQ(refs, 40003u);
  unlink(path.c_str());
}

// Issue 17.14: `mkfifo f; pagescope mrc f` waited forever in open().
TEST(InputRobustness, FifoIsRefusedWithoutBlocking) {
  const std::string path = temp_path("fifo");
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0) << std::strerror(errno);
  for (const char* format : {"text", "csv", "din", "oracle-general", "lirs", "gcc", "capture"}) {
    auto result = std::async(std::launch::async, [&] { return read_error(format, path); });
    ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready)
        << format << " blocked on a FIFO";  // (the test then hangs: it did before the fix)
    const std::string err = result.get();
    EXPECT_NE(err.find("FIFO"), std::string::npos) << format << ": " << err;
  }
  unlink(path.c_str());
}

// Issue 17.16: page 2^53 times 4096 wrapped to a small address in .din/.csv,
// so two distinct pages became one.
TEST(InputRobustness, PagesTooLargeForAnAddressAreNotWrapped) {
  TraceBuilder b(4096);
  b.add(uint64_t{1} << 53, false);
  b.add(1, false);
  Trace t = b.finish();
  for (const char* format : {"din", "csv"}) {
    const std::string out = temp_path(std::string("big.") + format);
    Status st = traces::find_format(format)->write(t, out);
    ASSERT_FALSE(st.ok()) << format;
    EXPECT_NE(st.message().find("does not fit"), std::string::npos) << st.message();
    unlink(out.c_str());
  }
  const std::string out = temp_path("big.txt");
  EXPECT_TRUE(traces::find_format("text")->write(t, out).ok());  // page numbers: no product
  unlink(out.c_str());
}

TEST(InputRobustness, CsvColumnOutsideTheRowIsAnError) {
  const std::string path = write_file("cols.csv", "1,r\n");
  traces::SourceOptions o;
  o.csv_columns = "addr=2147483648,op=1";
  auto src = traces::open_source("csv", path, o);
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("--csv-columns"), std::string::npos);
  unlink(path.c_str());
}

std::vector<uint8_t> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Issue 17.18: a chunk present twice was read twice ("2 chunks", every record
// counted twice) without a word.
TEST(InputRobustness, RepeatedChunkIsReportedAndReadOnce) {
  const std::string one = temp_path("one.psc");
  {
    auto w = capture::CaptureWriter::create(one, capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    for (uint64_t i = 0; i < 10; ++i) {
      ps_fault f{};
      f.hdr.kind = PS_EV_FAULT;
      f.hdr.size = sizeof f;
      f.hdr.ts_ns = 1000 + i;
      f.hdr.pid = f.hdr.tid = 7;
      f.address = 0x1000 * (i + 1);
      ASSERT_TRUE(w->append(&f, sizeof f).ok());
    }
    ASSERT_TRUE(w->close().ok());
  }
  std::vector<uint8_t> file = slurp(one);
  capture::format::FileHeader h;
  std::memcpy(&h, file.data(), sizeof h);
  const size_t data_start = sizeof h + h.host_len;
  capture::format::ChunkFrame f;
  std::memcpy(&f, file.data() + data_start, sizeof f);
  const size_t chunk_end = data_start + sizeof f + f.payload_len;
  ASSERT_LE(chunk_end, file.size());
  // Header, the chunk, the same chunk again; no footer (a splice drops it).
  std::vector<uint8_t> twice(file.begin(), file.begin() + long(chunk_end));
  twice.insert(twice.end(), file.begin() + long(data_start), file.begin() + long(chunk_end));
  const std::string path = temp_path("twice.psc");
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(twice.data()), long(twice.size()));

  auto r = capture::CaptureReader::open(path);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->chunks().size(), 1u);
  uint64_t records = 0;
  ASSERT_TRUE(r->for_each([&](const ps_header&) { ++records; return true; }).ok());
  EXPECT_EQ(records, 10u);
  EXPECT_EQ(r->report().chunks_ok, 1u);
  EXPECT_EQ(r->report().chunks_corrupt, 1u);
  ASSERT_FALSE(r->report().problems.empty());
  EXPECT_NE(r->report().problems.back().find("sequence number 0 again"), std::string::npos)
      << r->report().problems.back();
  EXPECT_NE(r->report().problems.back().find("offset " + std::to_string(chunk_end)), std::string::npos);
  unlink(one.c_str());
  unlink(path.c_str());
}

// Runs the built pagescope binary; exit code and stderr.
struct CliRun {
  int code = -1;
  std::string err;
};
CliRun pagescope(const std::string& args) {
  const std::string err_path = temp_path("stderr");
  const bool own_stdout = args.find('>') != std::string::npos;
  const std::string cmd = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope " + args +
                          (own_stdout ? "" : " >/dev/null") + " 2>" + err_path;
  CliRun r;
  int status = std::system(cmd.c_str());
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  unlink(err_path.c_str());
  return r;
}

// Issue 17.16: `mrc --shards nan` was accepted and SHARDS silently dropped.
TEST(InputRobustness, ShardsRateMustBeANumber) {
  struct stat st;
  if (stat((std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope").c_str(), &st) != 0) GTEST_SKIP() << "no binary";
  const std::string trace = write_file("t.txt", "1 2 3 1 2 3\n");
  for (const char* rate : {"nan", "inf", "-0.5", "2"}) {
    CliRun r = pagescope("mrc " + trace + " --shards " + rate);
    EXPECT_EQ(r.code, 2) << rate << ": " << r.err;
    EXPECT_NE(r.err.find("--shards"), std::string::npos) << r.err;
  }
  EXPECT_EQ(pagescope("mrc " + trace + " --shards 0.5").code, 0);
  unlink(trace.c_str());
}

// Issue 17.7: a corrupt chunk is one line on stderr naming the file, the
// offset and the problem, exit code 2, and the chunks before it still shown.
TEST(InputRobustness, InspectOfACorruptCaptureShowsWhatReadsAndExits2) {
  struct stat st;
  if (stat((std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope").c_str(), &st) != 0) GTEST_SKIP() << "no binary";
  const std::string path = temp_path("corrupt.psc");
  {
    auto w = capture::CaptureWriter::create(path, capture::HostInfo{});
    ASSERT_TRUE(w) << w.error().message;
    for (uint64_t i = 0; i < 20; ++i) {
      ps_fault f{};
      f.hdr.kind = PS_EV_FAULT;
      f.hdr.size = sizeof f;
      f.hdr.ts_ns = 1000 + i;
      f.hdr.pid = f.hdr.tid = 7;
      f.address = 0x1000 * (i + 1);
      ASSERT_TRUE(w->append(&f, sizeof f).ok());
      if (i == 9) {
        ASSERT_TRUE(w->flush().ok());  // two chunks of 10
      }
    }
    ASSERT_TRUE(w->close().ok());
  }
  std::vector<uint8_t> file = slurp(path);
  capture::format::FileHeader h;
  std::memcpy(&h, file.data(), sizeof h);
  size_t at = sizeof h + h.host_len;
  capture::format::ChunkFrame f;
  std::memcpy(&f, file.data() + at, sizeof f);
  const size_t second = at + sizeof f + f.payload_len;
  file[second + sizeof f] ^= 0xff;  // the second chunk's first payload byte
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), long(file.size()));

  const std::string out = temp_path("inspect.out");
  CliRun r = pagescope("inspect " + path + " --json >" + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(path + ": chunk 1 at offset " + std::to_string(second) + ": CRC mismatch"),
            std::string::npos) << r.err;
  std::ifstream o(out);
  std::stringstream shown;
  shown << o.rdbuf();
  EXPECT_NE(shown.str().find("\"records\": 10"), std::string::npos) << shown.str().substr(0, 600);
  unlink(out.c_str());
  unlink(path.c_str());
}

// Issue 17.7: a chunk frame's lengths are held to what its payload can expand
// to, so a tiny file cannot make the reader allocate 2 x 256 MiB.
TEST(InputRobustness, ChunkLengthsAreBoundedByThePayload) {
  capture::format::ChunkFrame f{};
  f.magic = capture::format::kChunkMagic;
  f.transform = capture::format::kTransformColumns;
  f.payload_len = 100;
  f.encoded_len = 100;
  f.raw_len = 1000;
  f.records = 10;
  f.codec = 0;  // stored
  EXPECT_TRUE(capture::ChunkDecoder::check_header(f, 100).ok());
  f.encoded_len = capture::format::kMaxChunkBytes;
  EXPECT_FALSE(capture::ChunkDecoder::check_header(f, 100).ok());
  f.codec = 2;  // lz4: at most ~255 times the payload
  EXPECT_FALSE(capture::ChunkDecoder::check_header(f, 100).ok());
  f.encoded_len = 100;
  f.raw_len = capture::format::kMaxChunkBytes;  // columns cannot hold 2.6 MB per byte
  EXPECT_FALSE(capture::ChunkDecoder::check_header(f, 100).ok());
  f.transform = capture::format::kTransformRows;
  f.raw_len = 1000;  // rows are stored as they are
  EXPECT_FALSE(capture::ChunkDecoder::check_header(f, 100).ok());
}

// Issue 17.12 end to end: one fault stamped near 2^63 in an otherwise small
// capture; --timeline, --wss and --pid --wss answer at once, and absurd
// intervals are refused with exit 2.
TEST(InputRobustness, FarFutureTimestampDoesNotBlowUpInspect) {
  struct stat st;
  if (stat((std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope").c_str(), &st) != 0) GTEST_SKIP() << "no binary";
  const std::string path = temp_path("future.psc");
  {
    capture::HostInfo host;
    host.start_ns = 1000;
    auto w = capture::CaptureWriter::create(path, host);
    ASSERT_TRUE(w) << w.error().message;
    for (uint64_t ts : {uint64_t{2000}, uint64_t{3000}, (uint64_t{1} << 63) - 5}) {
      ps_fault f{};
      f.hdr.kind = PS_EV_FAULT;
      f.hdr.size = sizeof f;
      f.hdr.ts_ns = ts;
      f.hdr.pid = f.hdr.tid = 7;
      f.address = 0x1000 + ts % 4096 * 4096;
      ASSERT_TRUE(w->append(&f, sizeof f).ok());
    }
    ASSERT_TRUE(w->close().ok());
  }
  for (const char* args : {"--timeline", "--wss", "--pid 7 --wss", "--timeline --interval 1ms"}) {
    const auto start = std::chrono::steady_clock::now();
    CliRun r = pagescope("inspect " + path + " " + args);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.code, 0) << args << ": " << r.err;
    EXPECT_LT(seconds, 20.0) << args;
  }
  for (const char* args : {"--timeline --interval 1ns", "--wss --tau 1ns"}) {
    CliRun r = pagescope("inspect " + path + " " + args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_NE(r.err.find("1ms"), std::string::npos) << r.err;
  }
  unlink(path.c_str());
}

}  // namespace
}  // namespace pagescope::sim
