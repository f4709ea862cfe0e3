// Every reader on small files written here, every writer by a round trip, and
// the readers' error messages (file and line) on malformed input.
#include <zlib.h>

#include <cstdio>
#include <fstream>

#include "simulator/reference_source.h"
#include "simulator/trace_file.h"
#include "simulator/traces/formats.h"
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

std::string temp_path(const std::string& name) {
  return std::string(PAGESCOPE_BINARY_DIR) + "/sim_formats_" + name;
}

std::string write_file(const std::string& name, const std::string& text) {
  std::string p = temp_path(name);
  std::ofstream(p) << text;
  return p;
}

Result<Trace> load(const std::string& path, const std::string& format, const std::string& page_size = "4K",
                   traces::SourceOptions so = {}) {
  TraceFileOptions o;
  o.path = path;
  o.format = format;
  o.page_size = page_size;
  o.source = so;
  return load_trace_file(o);
}

std::vector<uint64_t> pages(const Trace& t) {
  std::vector<uint64_t> v;
  for (PageId id : t.refs) v.push_back(t.page_of[id]);
  return v;
}

TEST(TextFormat, ManyPerLineMarksCommentsAndCommas) {
  auto t = load(write_file("a.txt", "# Silberschatz\n7 0 1, 2\n\n0w 3 w:0 r4 0x10\n"), "text");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages(*t), (std::vector<uint64_t>{7, 0, 1, 2, 0, 3, 0, 4, 16}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{0, 0, 0, 0, 1, 0, 1, 0, 0}));
  EXPECT_EQ(t->distinct_pages(), 7u);
}

TEST(TextFormat, MalformedTokenNamesLine) {
  auto t = load(write_file("bad.txt", "1 2 3\n4 five 6\n"), "text");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("bad.txt:2:"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("five"), std::string::npos);
}

TEST(TextFormat, MissingFileIsOneLineError) {
  auto t = load(temp_path("does-not-exist.txt"), "text");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("cannot open"), std::string::npos);
  EXPECT_EQ(t.error().message.find('\n'), std::string::npos);
}

TEST(TextFormat, ReadsGzip) {
  std::string p = temp_path("z.txt.gz");
  gzFile f = gzopen(p.c_str(), "wb");
  gzputs(f, "5 6 7\n5\n");
  gzclose(f);
  auto t = load(p, "text");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages(*t), (std::vector<uint64_t>{5, 6, 7, 5}));
}

TEST(DinFormat, LabelsAddressesAndPageSize) {
  std::string p = write_file("a.din", "0 1000\n1 1fff\n2 2000 4\n3 0\n0 7ffff000\n");
  auto t = load(p, "din");
  ASSERT_TRUE(t.ok()) << t.error().message;
  // 0x1000 and 0x1fff are page 1 with 4 KiB pages; the escape (label 3) is skipped.
  EXPECT_EQ(pages(*t), (std::vector<uint64_t>{1, 1, 2, 0x7ffff}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{0, 1, 0, 0}));
  // Huge pages: all of them are in page 0 except the last.
  auto h = load(p, "din", "2M");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(pages(*h), (std::vector<uint64_t>{0, 0, 0, 0x7ffff000ull >> 21}));
  auto bad = load(write_file("bad.din", "0 1000\n9 1000\n"), "din");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("bad.din:2:"), std::string::npos);
}

TEST(CsvFormat, ColumnMapHeaderAndPid) {
  std::string p = write_file("a.csv", "op,address,pid\nr,4096,10\nw,8192,10\nR,4096,11\n");
  traces::SourceOptions so;
  so.csv_columns = "op=0,addr=1,pid=2";
  so.csv_header = true;
  auto t = load(p, "csv", "4K", so);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages(*t), (std::vector<uint64_t>{1, 2, 1}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{0, 1, 0}));
  ASSERT_EQ(t->pids.size(), 3u);
  // Page 1 of pid 10 and page 1 of pid 11 are different pages.
  EXPECT_EQ(t->distinct_pages(), 3u);
  std::vector<uint32_t> pids;
  auto parts = split_by_pid(*t, &pids);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].size(), 2u);
  EXPECT_EQ(parts[1].size(), 1u);

  so.csv_columns = "page=1";
  auto bad = load(p, "csv", "4K", so);
  ASSERT_TRUE(bad.ok()) << bad.error().message;
  EXPECT_EQ(pages(*bad), (std::vector<uint64_t>{4096, 8192, 4096}));
  so.csv_columns = "addr=7";
  auto missing = load(p, "csv", "4K", so);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("a.csv:2:"), std::string::npos) << missing.error().message;
  so.csv_columns = "bogus=1";
  EXPECT_FALSE(load(p, "csv", "4K", so).ok());
}

TEST(LirsFormat, SkipsStarLines) {
  auto t = load(write_file("x.trace", "1\n2\n*\n3\n1\n"), "lirs");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages(*t), (std::vector<uint64_t>{1, 2, 3, 1}));
}

TEST(GccFormat, LoadsStoresAndAddresses) {
  auto t = load(write_file("gcc.trace", "s 0x1fffff50 1\nl 0x1fffff58 1\nl 0x20000000 6\n"), "gcc");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages(*t), (std::vector<uint64_t>{0x1ffff, 0x1ffff, 0x20000}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{1, 0, 0}));
  auto bad = load(write_file("bad_gcc.trace", "l 0x10 1\nx 0x10 1\n"), "gcc");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(":2:"), std::string::npos);
}

TEST(OracleGeneral, WriteReadRoundTripAndNextAccess) {
  Trace t = testing::zipf_trace(5000, 300, 0.9, 5);
  std::string p = temp_path("rt.oracleGeneral.bin");
  ASSERT_TRUE(traces::find_format("oracle-general")->write(t, p).ok());
  auto back = load(p, "oracle-general");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(pages(*back), pages(t));
  // Check the next-access field against a direct scan of the file.
  std::ifstream in(p, std::ios::binary);
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(bytes.size(), t.size() * 24);
  auto le = [&](size_t off, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | bytes[off + i];
    return v;
  };
  for (size_t i = 0; i < t.size(); i += 97) {
    int64_t next = static_cast<int64_t>(le(i * 24 + 16, 8));
    int64_t expect = -1;
    for (size_t j = i + 1; j < t.size(); ++j)
      if (t.refs[j] == t.refs[i]) { expect = int64_t(j) + 1; break; }  // 1-based vtime
    EXPECT_EQ(next, expect) << i;
    EXPECT_EQ(le(i * 24, 4), i);
    EXPECT_EQ(le(i * 24 + 12, 4), 4096u);
  }
}

TEST(OracleGeneral, TruncatedFileIsAnError) {
  std::string p = temp_path("trunc.oracleGeneral.bin");
  std::ofstream(p, std::ios::binary) << std::string(24 * 3 + 5, '\0');
  auto t = load(p, "oracle-general");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("truncated"), std::string::npos) << t.error().message;
}

TEST(Writers, TextCsvDinRoundTrip) {
  Trace t = testing::uniform_trace(2000, 100, 9, 0.4);
  for (const char* fmt : {"text", "csv", "din"}) {
    std::string p = temp_path(std::string("rt.") + fmt);
    ASSERT_TRUE(traces::find_format(fmt)->write(t, p).ok()) << fmt;
    traces::SourceOptions so;
    so.csv_columns = "addr=0,op=1";
    so.csv_header = true;
    auto back = load(p, fmt, "4K", so);
    ASSERT_TRUE(back.ok()) << fmt << ": " << back.error().message;
    EXPECT_EQ(pages(*back), pages(t)) << fmt;
    EXPECT_EQ(back->writes, t.writes) << fmt;
  }
}

TEST(Formats, GuessFromFileName) {
  EXPECT_EQ(traces::guess_format("x/cloudPhysicsIO.oracleGeneral.bin"), "oracle-general");
  EXPECT_EQ(traces::guess_format("a.din"), "din");
  EXPECT_EQ(traces::guess_format("/d/gcc.trace.gz"), "gcc");
  EXPECT_EQ(traces::guess_format("/d/sprite.trace.gz"), "lirs");
  EXPECT_EQ(traces::guess_format("run.psc"), "capture");
  EXPECT_EQ(traces::guess_format("refs.txt"), "text");
  EXPECT_FALSE(traces::open_source("nope", "x", {}).ok());
}

}  // namespace
}  // namespace pagescope::sim
