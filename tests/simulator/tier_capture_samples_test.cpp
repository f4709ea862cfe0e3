// Content samples read back from a capture file (what record --sample-contents
// writes), and `pagescope replay --tier` on such a capture: sizes come from
// the samples, calibration from the capture, and the output says so.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "events.h"
#include "inspector/capture/host_info.h"
#include "inspector/capture/writer.h"
#include "simulator/tiers/sampled_sizes.h"

namespace pagescope::sim::tiers {
namespace {

template <typename T>
std::vector<uint8_t> bytes(const T& r) {
  std::vector<uint8_t> b(sizeof r);
  std::memcpy(b.data(), &r, sizeof r);
  return b;
}

std::vector<uint8_t> fault(uint32_t pid, uint64_t address) {
  ps_fault f{};
  f.hdr.kind = PS_EV_FAULT;
  f.hdr.size = sizeof f;
  f.hdr.pid = f.hdr.tid = pid;
  f.address = address;
  return bytes(f);
}

std::vector<uint8_t> content(uint32_t pid, uint64_t address, uint16_t lz4, uint16_t zstd, uint32_t flags = 0) {
  ps_page_content c{};
  c.hdr.kind = PS_EV_PAGE_CONTENT;
  c.hdr.size = sizeof c;
  c.hdr.pid = c.hdr.tid = pid;
  c.address = address;
  c.flags = flags;
  c.compressed[PS_COMP_LZ4] = lz4;
  c.compressed[PS_COMP_ZSTD] = zstd;
  return bytes(c);
}

std::vector<uint8_t> calibration(uint32_t comp, uint32_t pages, uint64_t c_ns, uint64_t d_ns) {
  ps_compress_calibration k{};
  k.hdr.kind = PS_EV_COMPRESS_CALIBRATION;
  k.hdr.size = sizeof k;
  k.compressor = comp;
  k.pages = pages;
  k.compress_ns = c_ns;
  k.decompress_ns = d_ns;
  return bytes(k);
}

std::vector<uint8_t> maps(uint32_t pid, const std::string& text) {
  ps_proc_file f{};
  f.hdr.kind = PS_EV_PROC_FILE;
  f.hdr.size = uint32_t(sizeof f + text.size());
  f.hdr.pid = f.hdr.tid = pid;
  f.which = PS_PROC_MAPS;
  f.length = uint32_t(text.size());
  auto b = bytes(f);
  b.insert(b.end(), text.begin(), text.end());
  return b;
}

std::string write_capture(const std::string& name, const std::vector<std::vector<uint8_t>>& recs) {
  std::string path = std::string(PAGESCOPE_BINARY_DIR) + "/" + name + ".psc";
  auto w = capture::CaptureWriter::create(path, capture::read_host_info());
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  for (const auto& r : recs) EXPECT_TRUE(w->append(r.data(), r.size()).ok());
  EXPECT_TRUE(w->close().ok());
  return path;
}

// pid 10: one anonymous VMA of 256 pages at 0x1000000, sampled at two pages;
// faults on four of its pages, twice each (so they are evicted and refault
// at 2 frames), and on one page outside it.
std::string sampled_capture() {
  std::vector<std::vector<uint8_t>> recs;
  recs.push_back(maps(10, "01000000-01100000 rw-p 00000000 00:00 0 \n7ffd0000-7ffd1000 r--p 00000000 00:00 0 [stack]\n"));
  recs.push_back(maps(10, "this is not a maps line\n"));  // damaged: skipped, costs only its regions
  for (int round = 0; round < 2; ++round)
    for (uint64_t page : {0, 1, 100, 200}) recs.push_back(fault(10, 0x1000000 + page * 4096));
  recs.push_back(fault(10, 0x5000000));
  recs.push_back(content(10, 0x1000000, 1000, 700));
  recs.push_back(content(10, 0x1000000 + 200 * 4096, 2000, 1500));
  recs.push_back(content(10, 0x1000000 + 300 * 4096, 20, 13, PS_PAGE_SAME_FILLED | PS_PAGE_ZERO));
  recs.push_back(calibration(PS_COMP_LZ4, 10, 100000, 20000));
  recs.push_back(calibration(PS_COMP_LZ4, 20, 300000, 60000));  // cumulative: the last one counts
  recs.push_back(calibration(PS_COMP_ZSTD, 20, 900000, 200000));
  recs.push_back(calibration(PS_COMP_COUNT + 5, 1, 1, 1));  // an unknown compressor id is ignored
  return write_capture("tier_capture_samples", recs);
}

TEST(CaptureSamples, ReadsSamplesMapsAndTheLastCalibration) {
  auto c = read_capture_contents(sampled_capture());
  ASSERT_TRUE(c.ok()) << c.error().message;
  ASSERT_EQ(c->pages.size(), 3u);
  EXPECT_EQ(c->pages[0].pid, 10u);
  EXPECT_EQ(c->pages[0].address, 0x1000000u);
  EXPECT_EQ(c->pages[0].compressed[PS_COMP_LZ4], 1000);
  EXPECT_EQ(c->pages[2].flags, uint32_t(PS_PAGE_SAME_FILLED | PS_PAGE_ZERO));
  ASSERT_EQ(c->regions.size(), 2u);
  EXPECT_EQ(c->regions[0].start, 0x1000000u);
  EXPECT_EQ(c->regions[0].end, 0x1100000u);
  EXPECT_EQ(c->calibration[PS_COMP_LZ4].pages, 20u);
  EXPECT_EQ(c->calibration[PS_COMP_LZ4].compress_ns, 300000u);
  EXPECT_EQ(c->calibration[PS_COMP_ZSTD].decompress_ns, 200000u);
  EXPECT_EQ(c->calibration[PS_COMP_LZO].pages, 0u);
}

TEST(CaptureSamples, BadFilesAreErrorsThatNameThem) {
  auto missing = read_capture_contents("/nonexistent/x.psc");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/x.psc"), std::string::npos) << missing.error().message;
  std::string text = std::string(PAGESCOPE_BINARY_DIR) + "/tier_capture_samples_not.psc";
  std::ofstream(text) << "1 2 3\n";
  auto bad = read_capture_contents(text);
  EXPECT_FALSE(bad.ok());
  std::remove(text.c_str());
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

TEST(CaptureSamples, ReplaySaysTheSizesAndCostsCameFromTheCapture) {
  const std::string bin = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";
  struct stat st;
  if (stat(bin.c_str(), &st) != 0) GTEST_SKIP() << bin << " not built";
  const std::string path = sampled_capture(), out = path + ".out";
  std::string cmd = bin + " replay " + path + " -p lru --frames 2 --tier none,zswap:lz4:100%,zswap:zstd:100% >" + out + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(out);
  std::string text = slurp(out);
  // lz4: 300000 ns / 20 pages = 15000 ns compress, 3000 ns decompress.
  EXPECT_NE(text.find("lz4: recording host's calibration from the capture (20 sampled pages): 15000 ns compress, "
                      "3000 ns decompress"),
            std::string::npos)
      << text;
  // Pages 0 and 200 their own sample; 1 and 100 the nearest in the VMA; the page outside any VMA modelled.
  EXPECT_NE(text.find("lz4: page sizes from the capture's 3 content samples: 2 pages their own sample, 2 the "
                      "nearest sampled page of their VMA, 1 modelled"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("sampled 80%"), std::string::npos) << text;
  // A trace that is not a capture says its sizes are modelled.
  std::ofstream(path + ".txt") << "1 2 3 1 2 3\n";
  cmd = bin + " replay " + path + ".txt --frames 2 --tier zswap:lz4 --csv >" + out + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(out);
  EXPECT_NE(slurp(out).find("zswap:lz4,modelled,"), std::string::npos) << slurp(out);
  std::remove((path + ".txt").c_str());
  std::remove(out.c_str());
}

}  // namespace
}  // namespace pagescope::sim::tiers
