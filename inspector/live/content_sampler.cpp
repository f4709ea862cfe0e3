#include "inspector/live/content_sampler.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "events.h"
#include "compressors/compressor.h"
#include "inspector/live/proc_reader.h"

namespace pagescope::live {
namespace {

namespace comp = pagescope::compressors;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kPresent = 1ull << 63;  // pagemap: page present in RAM (Documentation/admin-guide/mm/pagemap.rst)
constexpr uint64_t kWindowPages = 64;      // pagemap entries read per probe: one 512-byte pread
constexpr uint64_t kPollWallLimitNs = 10000000;  // never hold the drain up longer than this

std::string read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, size_t(n)) : std::string();
}

uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

struct Range {
  uint64_t start = 0, end = 0;
};

// The readable VMAs of /proc/PID/maps, minus the ones /proc/PID/mem cannot
// read ([vvar] pages are not struct pages, [vsyscall] is outside the mm).
std::vector<Range> read_ranges(int maps_fd, std::string& text) {
  text.clear();
  char buf[16384];
  for (ssize_t n; (n = pread(maps_fd, buf, sizeof buf, off_t(text.size()))) > 0;) text.append(buf, size_t(n));
  std::vector<Range> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    unsigned long long s = 0, e = 0;
    char perms[8] = {};
    if (std::sscanf(line.c_str(), "%llx-%llx %7s", &s, &e, perms) != 3 || e <= s) continue;
    if (perms[0] != 'r') continue;
    if (line.find("[vvar") != std::string::npos || line.find("[vsyscall]") != std::string::npos) continue;
    out.push_back({s, e});
  }
  return out;
}

class ContentSampler final : public IntervalSampler {
 public:
  explicit ContentSampler(const ContentSamplerOptions& o)
      : options_(o),
        rate_(o.pages_per_s > 0 ? o.pages_per_s : kDefaultContentPagesPerS),
        budgeted_(o.pages_per_s <= 0),
        rng_(o.seed | 1) {
    for (const auto& name : comp::compressor_list()) {
      auto c = comp::make_compressor(name);
      int slot = comp::compressor_slot(name);
      if (!c || slot < 0 || slot >= PS_COMP_COUNT) continue;
      Slot s;
      s.slot = slot;
      s.compressor = std::move(c).value();
      bound_ = std::max(bound_, s.compressor->bound(kPage));
      slots_.push_back(std::move(s));
    }
    self_exe_ = read_link("/proc/self/exe");
    page_.resize(kPage);
    back_.resize(kPage);
    out_.resize(bound_);
  }
  ~ContentSampler() override {
    for (auto& [pid, p] : procs_) close_proc(p);
  }
  ContentSampler(const ContentSampler&) = delete;
  ContentSampler& operator=(const ContentSampler&) = delete;

  void begin(const std::unordered_set<uint32_t>&, uint64_t now_ns, const AppendRecord&) override {
    begin_ns_ = last_ns_ = last_calibration_ns_ = now_ns;
  }

  void poll(const std::unordered_set<uint32_t>& live, uint64_t now_ns, const AppendRecord& append) override {
    const uint64_t cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    if (now_ns > last_ns_) tokens_ = std::min(double(rate_), tokens_ + double(rate_) * double(now_ns - last_ns_) / 1e9);
    last_ns_ = now_ns;
    forget_gone(live);
    // The CPU budget: at the default rate, stay under kContentCpuBudget of
    // one core since the recording began.
    const bool over = budgeted_ && double(cpu_ns_) > kContentCpuBudget * double(now_ns - begin_ns_);
    if (over) ++skipped_polls_;
    if (!over && !live.empty() && tokens_ >= 1) {
      std::vector<uint32_t> pids(live.begin(), live.end());
      std::sort(pids.begin(), pids.end());
      const uint64_t want = uint64_t(tokens_);
      const uint64_t wall0 = clock_ns(CLOCK_MONOTONIC);
      uint64_t taken = 0;
      for (uint64_t attempt = 0; attempt < want * 4 && taken < want; ++attempt) {
        if ((attempt & 7) == 7 && clock_ns(CLOCK_MONOTONIC) - wall0 > kPollWallLimitNs) break;
        uint32_t pid = pids[next() % pids.size()];
        uint64_t addr = 0;
        if (!pick_present_page(pid, now_ns, append, addr)) continue;
        if (sample(pid, addr, append)) ++taken;
      }
      tokens_ -= double(want);  // unspent tokens do not pile up when pages are scarce
    }
    if (now_ns - last_calibration_ns_ >= options_.calibration_every_ns) {
      append_calibration(now_ns, append);
      last_calibration_ns_ = now_ns;
    }
    cpu_ns_ += clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  }

  void end(const std::unordered_set<uint32_t>&, uint64_t now_ns, const AppendRecord& append) override {
    append_calibration(now_ns, append);
    end_ns_ = now_ns;
    for (auto& [pid, p] : procs_) close_proc(p);
    procs_.clear();
  }

  std::string report() const override {
    const uint64_t wall = (end_ns_ ? end_ns_ : last_ns_) - begin_ns_;
    const double cpu_pct = wall ? 100.0 * double(cpu_ns_) / double(wall) : 0.0;
    std::string ratios;
    for (const auto& s : slots_) {
      char r[48];
      std::snprintf(r, sizeof r, ", %s %.2fx", s.compressor->name(),
                    s.compressed_bytes ? double(s.pages * kPage) / double(s.compressed_bytes) : 0.0);
      ratios += r;
    }
    char line[400];
    std::snprintf(line, sizeof line,
                  "content sampling: %llu pages (%llu zero, %llu same-filled, %llu unreadable)%s, "
                  "%llu maps snapshots; "
                  "cost %.1f ms CPU in %.1f s = %.2f%% of one core at %d pages/s%s%s",
                  (unsigned long long)pages_, (unsigned long long)zero_, (unsigned long long)same_,
                  (unsigned long long)unreadable_, ratios.c_str(), (unsigned long long)maps_snapshots_,
                  double(cpu_ns_) / 1e6, double(wall) / 1e9,
                  cpu_pct, rate_, budgeted_ ? " (default, capped at 2% CPU)" : "",
                  skipped_polls_ ? (", " + std::to_string(skipped_polls_) + " polls skipped for the budget").c_str() : "");
    return line;
  }

 private:
  struct Slot {
    int slot = 0;
    std::unique_ptr<comp::Compressor> compressor;
    uint64_t pages = 0;             // non-same-filled pages measured
    uint64_t compressed_bytes = 0;  // their compressed sizes, summed
    uint64_t compress_ns = 0, decompress_ns = 0;
  };
  struct Proc {
    int maps_fd = -1, pagemap_fd = -1, mem_fd = -1;
    std::vector<Range> ranges;
    std::vector<uint64_t> cum_pages;  // prefix sums of range sizes, for a size-weighted pick
    uint64_t maps_read_ns = 0;
    size_t maps_hash = 0;  // of the last maps text appended to the capture
    bool opened = false;
  };

  uint64_t next() {  // xorshift64*
    rng_ ^= rng_ >> 12;
    rng_ ^= rng_ << 25;
    rng_ ^= rng_ >> 27;
    return rng_ * 0x2545f4914f6cdd1dull;
  }

  static void close_proc(Proc& p) {
    for (int* fd : {&p.maps_fd, &p.pagemap_fd, &p.mem_fd})
      if (*fd >= 0) close(*fd), *fd = -1;
  }

  void forget_gone(const std::unordered_set<uint32_t>& live) {
    for (auto it = procs_.begin(); it != procs_.end();) {
      if (!live.count(it->first)) {
        close_proc(it->second);
        it = procs_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // The files of /proc/PID are bound to the mm the process had when they
  // were opened, so they are reopened with every maps refresh: after an
  // exec they would still show the old, dead address space.
  //
  // Each maps text that differs from the last one appended is appended as a
  // PS_PROC_MAPS snapshot, so the capture knows the VMA every sample came
  // from (the replay sizes unsampled pages by the nearest sample of their VMA).
  Proc* proc(uint32_t pid, uint64_t now_ns, const AppendRecord& append) {
    Proc& p = procs_[pid];
    if (!p.opened || now_ns - p.maps_read_ns >= options_.maps_refresh_ns) {
      close_proc(p);
      p.opened = false;
      p.ranges.clear();
      p.maps_read_ns = now_ns;  // a process we cannot open is retried at the next refresh
      const std::string dir = "/proc/" + std::to_string(pid);
      // The recorder's own fork before it execs the command is not the workload.
      if (options_.skip_own_forks && read_link(dir + "/exe") == self_exe_) return nullptr;
      p.maps_fd = open((dir + "/maps").c_str(), O_RDONLY | O_CLOEXEC);
      p.pagemap_fd = open((dir + "/pagemap").c_str(), O_RDONLY | O_CLOEXEC);
      p.mem_fd = open((dir + "/mem").c_str(), O_RDONLY | O_CLOEXEC);
      if (p.maps_fd < 0 || p.pagemap_fd < 0 || p.mem_fd < 0) {
        close_proc(p);  // gone, a kernel thread, or not ours to read
        return nullptr;
      }
      p.opened = true;
      p.ranges = read_ranges(p.maps_fd, maps_text_);
      const size_t h = std::hash<std::string>{}(maps_text_);
      if (!maps_text_.empty() && h != p.maps_hash) {
        auto rec = proc_text_record(pid, PS_PROC_MAPS, clock_ns(CLOCK_MONOTONIC), maps_text_);
        append(rec.data(), rec.size());
        p.maps_hash = h;
        ++maps_snapshots_;
      }
      p.cum_pages.clear();
      uint64_t total = 0;
      for (const auto& r : p.ranges) p.cum_pages.push_back(total += (r.end - r.start) / kPage);
    }
    return p.ranges.empty() ? nullptr : &p;
  }

  // A random mapped page (weighted by VMA size), then the first present page
  // at a random offset within the next kWindowPages of its VMA.
  bool pick_present_page(uint32_t pid, uint64_t now_ns, const AppendRecord& append, uint64_t& addr) {
    Proc* p = proc(pid, now_ns, append);
    if (!p) return false;
    const uint64_t total = p->cum_pages.back();
    if (total == 0) return false;
    const uint64_t k = next() % total;
    const size_t i = size_t(std::upper_bound(p->cum_pages.begin(), p->cum_pages.end(), k) - p->cum_pages.begin());
    const Range& r = p->ranges[i];
    const uint64_t before = i ? p->cum_pages[i - 1] : 0;
    const uint64_t first = r.start / kPage + (k - before);
    const uint64_t n = std::min(kWindowPages, r.end / kPage - first);
    uint64_t entries[kWindowPages];
    ssize_t got = pread(p->pagemap_fd, entries, n * 8, off_t(first * 8));
    if (got <= 0) return false;
    const uint64_t m = uint64_t(got) / 8;
    const uint64_t start = next() % m;
    for (uint64_t j = 0; j < m; ++j) {
      uint64_t e = entries[(start + j) % m];
      if (e & kPresent) {
        addr = (first + (start + j) % m) * kPage;
        return true;
      }
    }
    return false;
  }

  bool sample(uint32_t pid, uint64_t addr, const AppendRecord& append) {
    Proc& p = procs_[pid];
    // The page may have been unmapped or swapped since pagemap said present;
    // a failed read is skipped (and counted), never retried.
    if (pread(p.mem_fd, page_.data(), kPage, off_t(addr)) != ssize_t(kPage)) {
      ++unreadable_;
      return false;
    }
    ps_page_content rec{};
    rec.hdr.kind = PS_EV_PAGE_CONTENT;
    rec.hdr.size = sizeof rec;
    rec.hdr.ts_ns = clock_ns(CLOCK_MONOTONIC);
    rec.hdr.pid = pid;
    rec.hdr.tid = pid;
    rec.address = addr;
    uint64_t w0;
    std::memcpy(&w0, page_.data(), 8);
    bool same = true;
    for (size_t i = 8; i < kPage && same; i += 8) same = std::memcmp(page_.data() + i, &w0, 8) == 0;
    if (same) rec.flags |= PS_PAGE_SAME_FILLED | (w0 == 0 ? PS_PAGE_ZERO : 0);
    for (auto& s : slots_) {
      const uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
      size_t n = s.compressor->compress(page_.data(), kPage, out_.data(), out_.size());
      const uint64_t t1 = clock_ns(CLOCK_MONOTONIC);
      if (n == 0) continue;  // left 0: not measured
      rec.compressed[s.slot] = uint16_t(std::min<size_t>(n, UINT16_MAX));
      // The kernel stores same-filled pages without compressing them (zram's
      // ZRAM_SAME, zswap's same-filled check), so they do not calibrate.
      if (same) continue;
      s.compressor->decompress(out_.data(), n, back_.data(), kPage);
      const uint64_t t2 = clock_ns(CLOCK_MONOTONIC);
      ++s.pages;
      s.compressed_bytes += n;
      s.compress_ns += t1 - t0;
      s.decompress_ns += t2 - t1;
    }
    append(&rec, sizeof rec);
    ++pages_;
    if (rec.flags & PS_PAGE_ZERO) ++zero_;
    else if (same) ++same_;
    return true;
  }

  void append_calibration(uint64_t now_ns, const AppendRecord& append) {
    for (const auto& s : slots_) {
      if (s.pages == 0) continue;
      ps_compress_calibration rec{};
      rec.hdr.kind = PS_EV_COMPRESS_CALIBRATION;
      rec.hdr.size = sizeof rec;
      rec.hdr.ts_ns = now_ns;
      rec.compressor = uint32_t(s.slot);
      rec.pages = uint32_t(std::min<uint64_t>(s.pages, UINT32_MAX));
      rec.compress_ns = s.compress_ns;
      rec.decompress_ns = s.decompress_ns;
      append(&rec, sizeof rec);
    }
  }

  ContentSamplerOptions options_;
  int rate_;
  bool budgeted_;
  uint64_t rng_;
  std::vector<Slot> slots_;
  size_t bound_ = 0;
  std::vector<uint8_t> page_, out_, back_;
  std::unordered_map<uint32_t, Proc> procs_;
  std::string self_exe_;
  std::string maps_text_;  // reused buffer
  uint64_t maps_snapshots_ = 0;
  double tokens_ = 0;
  uint64_t begin_ns_ = 0, last_ns_ = 0, end_ns_ = 0, last_calibration_ns_ = 0;
  uint64_t cpu_ns_ = 0;  // this sampler's thread CPU time, all polls
  uint64_t pages_ = 0, zero_ = 0, same_ = 0, unreadable_ = 0, skipped_polls_ = 0;
};

}  // namespace

std::unique_ptr<IntervalSampler> make_content_sampler(const ContentSamplerOptions& options) {
  return std::make_unique<ContentSampler>(options);
}

}  // namespace pagescope::live
