// The content sampler on a real process whose pages hold known contents:
// zeros, one repeated word, random bytes, text. Every sampled page of those
// regions must carry exactly the sizes liblz4 and libzstd give for those
// bytes, the right same-filled flags, and nothing of the contents.
#include <gtest/gtest.h>
#include <lz4.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>
#ifdef PAGESCOPE_HAVE_LZO
#include <lzo/lzo1x.h>
#endif

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "events.h"
#include "compressors/calibration.h"
#include "inspector/live/content_sampler.h"
#include "tests/support/root.h"

namespace pagescope::live {
namespace {

namespace comp = pagescope::compressors;

constexpr size_t kPage = 4096;
constexpr size_t kRegionPages = 512;  // 2 MiB each: most of the child's mapped memory
constexpr char kMarker[] = "PAGESCOPE-CONTENT-MUST-NOT-LEAK";

enum Region { kZeros, kSame, kRandom, kText, kRegions };

// What the child writes into page i of a region.
std::vector<uint8_t> expected_page(Region r, size_t i) {
  std::vector<uint8_t> p(kPage, 0);
  switch (r) {
    case kZeros:
      break;
    case kSame:
      for (size_t k = 0; k < kPage; k += 8) std::memcpy(&p[k], "\xab\xcd\xef\x01\x23\x45\x67\x89", 8);
      break;
    case kRandom:
      p = comp::sample_page(comp::SampleKind::kRandom, 1000 + i);
      break;
    case kText:
      p = comp::sample_page(comp::SampleKind::kText, 2000 + i);
      std::memcpy(p.data() + 100, kMarker, sizeof kMarker - 1);
      break;
    default:
      break;
  }
  return p;
}

size_t lz4_size(const std::vector<uint8_t>& p) {
  std::vector<char> out(size_t(LZ4_compressBound(int(p.size()))));
  return size_t(LZ4_compress_default(reinterpret_cast<const char*>(p.data()), out.data(), int(p.size()), int(out.size())));
}

size_t zstd_size(const std::vector<uint8_t>& p) {
  std::vector<char> out(ZSTD_compressBound(p.size()));
  return ZSTD_compress(out.data(), out.size(), p.data(), p.size(), 3);
}

#ifdef PAGESCOPE_HAVE_LZO
size_t lzo_size(const std::vector<uint8_t>& p) {
  std::vector<uint8_t> out(p.size() + p.size() / 16 + 67), work(LZO1X_1_MEM_COMPRESS);
  lzo_uint n = out.size();
  lzo1x_1_compress(p.data(), p.size(), out.data(), &n, work.data());
  return n;
}
#endif

// A child that fills four regions, sends their addresses, and waits.
class KnownChild {
 public:
  KnownChild() {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(fds[0]);
      uint64_t addrs[kRegions];
      for (int r = 0; r < kRegions; ++r) {
        auto* base = static_cast<uint8_t*>(mmap(nullptr, kRegionPages * kPage, PROT_READ | PROT_WRITE,
                                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (base == MAP_FAILED) _exit(1);
        for (size_t i = 0; i < kRegionPages; ++i) {
          auto p = expected_page(Region(r), i);
          std::memcpy(base + i * kPage, p.data(), kPage);
          if (r == kZeros) base[i * kPage] = 0;  // a write, so the page is present (not the shared zero page)
        }
        madvise(base, kRegionPages * kPage, MADV_NOHUGEPAGE);
        addrs[r] = uint64_t(uintptr_t(base));
      }
      // An unreadable mapping the sampler must skip.
      mmap(nullptr, 16 * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      (void)!write(fds[1], addrs, sizeof addrs);
      for (;;) pause();
    }
    close(fds[1]);
    ok_ = read(fds[0], addrs_, sizeof addrs_) == ssize_t(sizeof addrs_);
    close(fds[0]);
  }
  ~KnownChild() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return ok_; }
  uint64_t start(Region r) const { return addrs_[r]; }
  pid_t pid() const { return pid_; }
  // Which region and page an address is in; false outside them.
  bool locate(uint64_t addr, Region& r, size_t& i) const {
    for (int k = 0; k < kRegions; ++k) {
      if (addr >= addrs_[k] && addr < addrs_[k] + kRegionPages * kPage) {
        r = Region(k);
        i = (addr - addrs_[k]) / kPage;
        return true;
      }
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  bool ok_ = false;
  uint64_t addrs_[kRegions] = {};
};

struct Captured {
  std::vector<uint8_t> bytes;  // every record appended, back to back
  std::vector<ps_page_content> pages;
  std::vector<ps_compress_calibration> calibrations;
  std::vector<std::string> maps;  // PS_PROC_MAPS texts
  std::map<int, int> kinds;
};

AppendRecord collect(Captured& c) {
  return [&c](const void* data, size_t size) {
    const auto* b = static_cast<const uint8_t*>(data);
    c.bytes.insert(c.bytes.end(), b, b + size);
    const auto& h = *static_cast<const ps_header*>(data);
    ASSERT_EQ(h.size, size);
    ++c.kinds[h.kind];
    if (h.kind == PS_EV_PAGE_CONTENT) {
      ASSERT_EQ(size, sizeof(ps_page_content));
      c.pages.push_back(*static_cast<const ps_page_content*>(data));
    } else if (h.kind == PS_EV_COMPRESS_CALIBRATION) {
      ASSERT_EQ(size, sizeof(ps_compress_calibration));
      c.calibrations.push_back(*static_cast<const ps_compress_calibration*>(data));
    } else if (h.kind == PS_EV_PROC_FILE) {
      const auto& f = *static_cast<const ps_proc_file*>(data);
      ASSERT_EQ(f.which, uint32_t(PS_PROC_MAPS));
      ASSERT_EQ(size, sizeof(ps_proc_file) + f.length);
      c.maps.emplace_back(reinterpret_cast<const char*>(&f + 1), f.length);
    }
  };
}

class ContentSamplerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SKIP_UNLESS_ROOT("reading another process's /proc/PID/mem and pagemap");
  }
};

TEST_F(ContentSamplerTest, SizesAreTheLibrariesSizesAndContentsNeverLeak) {
  KnownChild child;
  ASSERT_TRUE(child.ok());
  ContentSamplerOptions o;
  o.skip_own_forks = false;  // the children here are forks of this test
  o.pages_per_s = 400;
  auto sampler = make_content_sampler(o);
  Captured cap;
  auto append = collect(cap);
  std::unordered_set<uint32_t> live{uint32_t(child.pid())};
  const uint64_t t0 = 1000000000;
  sampler->begin(live, t0, append);
  std::map<Region, int> seen;
  for (int i = 1; i <= 20; ++i) sampler->poll(live, t0 + uint64_t(i) * 1000000000ull, append);
  sampler->end(live, t0 + 21 * 1000000000ull, append);

  ASSERT_GT(cap.pages.size(), 1000u);
  for (const auto& p : cap.pages) {
    EXPECT_EQ(p.hdr.pid, uint32_t(child.pid()));
    EXPECT_EQ(p.address % kPage, 0u);
    Region r;
    size_t i;
    if (!child.locate(p.address, r, i)) continue;
    ++seen[r];
    auto page = expected_page(r, i);
    EXPECT_EQ(p.compressed[PS_COMP_LZ4], lz4_size(page)) << "region " << r << " page " << i;
    EXPECT_EQ(p.compressed[PS_COMP_ZSTD], zstd_size(page)) << "region " << r << " page " << i;
#ifdef PAGESCOPE_HAVE_LZO
    EXPECT_EQ(p.compressed[PS_COMP_LZO], lzo_size(page)) << "region " << r << " page " << i;
#else
    EXPECT_EQ(p.compressed[PS_COMP_LZO], 0) << "no lzo in this build: not measured";
#endif
    EXPECT_EQ(bool(p.flags & PS_PAGE_ZERO), r == kZeros);
    EXPECT_EQ(bool(p.flags & PS_PAGE_SAME_FILLED), r == kZeros || r == kSame);
  }
  for (int r = 0; r < kRegions; ++r) EXPECT_GE(seen[Region(r)], 10) << "region " << r << " barely sampled";
  // Only sizes (and the maps that place them): three record kinds, and the
  // text pages' marker is nowhere.
  EXPECT_EQ(cap.kinds.size(), 3u);
  // The maps were appended once (they did not change), and hold the regions.
  ASSERT_EQ(cap.maps.size(), 1u);
  for (int r = 0; r < kRegions; ++r) {
    char start[32];
    std::snprintf(start, sizeof start, "%llx-", (unsigned long long)child.start(Region(r)));
    EXPECT_NE(cap.maps[0].find(start), std::string::npos) << start;
  }
  const std::string all(cap.bytes.begin(), cap.bytes.end());
  EXPECT_EQ(all.find(kMarker), std::string::npos);
  EXPECT_EQ(all.find("the page"), std::string::npos);  // no text-page fragment either

  // The calibration: one record per compressor per 5 s and at the end, counting
  // the non-same-filled pages, whose compressions took some time.
  uint64_t lz4_pages = 0, zstd_pages = 0;
  for (const auto& c : cap.calibrations) {
    if (c.compressor == PS_COMP_LZ4) lz4_pages = c.pages;
    if (c.compressor == PS_COMP_ZSTD) zstd_pages = c.pages;
    EXPECT_GT(c.compress_ns, 0u);
    EXPECT_GT(c.decompress_ns, 0u);
  }
  uint64_t not_same = 0;
  for (const auto& p : cap.pages) not_same += !(p.flags & PS_PAGE_SAME_FILLED);
  EXPECT_EQ(lz4_pages, not_same);
  EXPECT_EQ(zstd_pages, not_same);
  EXPECT_NE(sampler->report().find("% of one core"), std::string::npos) << sampler->report();
}

TEST_F(ContentSamplerTest, RateBoundsThePagesRead) {
  KnownChild child;
  ASSERT_TRUE(child.ok());
  ContentSamplerOptions o;
  o.skip_own_forks = false;  // the children here are forks of this test
  o.pages_per_s = 50;
  auto sampler = make_content_sampler(o);
  Captured cap;
  auto append = collect(cap);
  std::unordered_set<uint32_t> live{uint32_t(child.pid())};
  // 2 s of polls every 50 ms: at most 50 pages/s x 2 s.
  sampler->begin(live, 0, append);
  for (int i = 1; i <= 40; ++i) sampler->poll(live, uint64_t(i) * 50000000ull, append);
  EXPECT_LE(cap.pages.size(), 100u);
  EXPECT_GE(cap.pages.size(), 50u);
}

TEST_F(ContentSamplerTest, GoneAndUnreadableProcessesAreSkipped) {
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  ContentSamplerOptions o;
  o.skip_own_forks = false;  // the children here are forks of this test
  o.pages_per_s = 1000;
  auto sampler = make_content_sampler(o);
  Captured cap;
  auto append = collect(cap);
  // A reaped pid, and pid 2 (kthreadd: no mm, empty maps).
  std::unordered_set<uint32_t> live{uint32_t(gone), 2u};
  sampler->begin(live, 0, append);
  for (int i = 1; i <= 5; ++i) sampler->poll(live, uint64_t(i) * 1000000000ull, append);
  sampler->end(live, 6000000000ull, append);
  EXPECT_TRUE(cap.pages.empty());
  EXPECT_TRUE(cap.calibrations.empty());
  EXPECT_NE(sampler->report().find("0 pages"), std::string::npos) << sampler->report();
}

TEST_F(ContentSamplerTest, ProcessExitingMidwayStopsItsSampling) {
  auto child = std::make_unique<KnownChild>();
  ASSERT_TRUE(child->ok());
  ContentSamplerOptions o;
  o.skip_own_forks = false;  // the children here are forks of this test
  o.pages_per_s = 200;
  auto sampler = make_content_sampler(o);
  Captured cap;
  auto append = collect(cap);
  std::unordered_set<uint32_t> live{uint32_t(child->pid())};
  sampler->begin(live, 0, append);
  sampler->poll(live, 1000000000ull, append);
  const size_t before = cap.pages.size();
  EXPECT_GT(before, 0u);
  child.reset();  // killed and reaped, but still believed alive
  sampler->poll(live, 2000000000ull, append);
  EXPECT_EQ(cap.pages.size(), before);
}

// The recorder forks, then execs the command: until the exec, the traced pid
// is a copy of the recorder and must not be sampled; after it, the new
// address space is (files under /proc/PID bind to the mm they were opened on).
TEST_F(ContentSamplerTest, OwnForkIsSkippedUntilItExecs) {
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    char c;
    (void)!read(go[0], &c, 1);
    execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(go[0]);
  auto sampler = make_content_sampler(ContentSamplerOptions{});  // default: skip own forks
  Captured cap;
  auto append = collect(cap);
  std::unordered_set<uint32_t> live{uint32_t(pid)};
  sampler->begin(live, 0, append);
  sampler->poll(live, 1000000000ull, append);
  EXPECT_TRUE(cap.pages.empty()) << "sampled the recorder's own fork";
  (void)!write(go[1], "x", 1);
  close(go[1]);
  std::string exe;
  for (int i = 0; i < 200 && exe.find("sleep") == std::string::npos; ++i) {
    usleep(10000);
    char buf[256];
    ssize_t n = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), buf, sizeof buf);
    exe = n > 0 ? std::string(buf, size_t(n)) : "";
  }
  ASSERT_NE(exe.find("sleep"), std::string::npos);
  sampler->poll(live, 3000000000ull, append);
  EXPECT_FALSE(cap.pages.empty());
  // Every sampled page lies in the exec'd program's maps.
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (std::string line; std::getline(maps, line);) {
    unsigned long long a, b;
    if (std::sscanf(line.c_str(), "%llx-%llx", &a, &b) == 2) ranges.push_back({a, b});
  }
  for (const auto& p : cap.pages) {
    bool inside = false;
    for (auto [a, b] : ranges) inside |= p.address >= a && p.address < b;
    EXPECT_TRUE(inside) << std::hex << p.address;
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace
}  // namespace pagescope::live
