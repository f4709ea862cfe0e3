// ps-pressure: a deterministic memory-access workload for the memory-pressure
// lab. It maps one anonymous region, fills every page with content of a chosen
// compressibility, then touches pages in a chosen pattern until a time or
// access budget runs out, and finally reports its own getrusage() as one JSON
// line. The access sequence depends only on --mode, --size, --seed and the
// mode's parameters, so two runs with the same flags touch the same pages in
// the same order (only how far they get within --seconds differs).
//
// Modes:
//   seq      repeated sequential passes over the whole region (streaming)
//   uniform  every page equally likely
//   zipf     page popularity ~ 1/rank^alpha, hot pages scattered over the region
//   phases   a working set of --ws-fraction of the region that moves to a new,
//            disjoint place every --phase-accesses accesses
//   loop     sequential passes like seq; the lab sizes it slightly above the
//            memory limit, which is LRU's worst case (every access misses)
//
// Usage: ps-pressure --mode zipf --size 256M [--seconds 10] [--accesses N]
//          [--seed 1] [--alpha 0.99] [--write-pct 10] [--content random]
//          [--ws-fraction 0.25] [--phase-accesses N] [--report-file PATH]
//          [--report-fd N] [--print-pages N]
//
// The report carries a hash of the (page, read/write) sequence actually
// performed, so two runs can be checked to have done the same thing.
// --print-pages N prints the first N accesses ("page r|w" lines) without
// allocating anything: the tests check each mode's shape from it.
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.h"

namespace {

constexpr std::size_t kPage = 4096;

enum class Mode { kSeq, kUniform, kZipf, kPhases, kLoop };
enum class Content { kZero, kRandom, kText };

struct Options {
  Mode mode = Mode::kZipf;
  std::string mode_name = "zipf";
  std::uint64_t size = 256ull << 20;
  double seconds = 10;
  std::uint64_t accesses = 0;  // 0: no access budget, only --seconds
  std::uint64_t seed = 1;
  double alpha = 0.99;
  int write_pct = 10;
  Content content = Content::kRandom;
  std::string content_name = "random";
  double ws_fraction = 0.25;
  std::uint64_t phase_accesses = 0;  // 0: 20 accesses per working-set page
  std::string report_file;
  int report_fd = -1;
  std::uint64_t print_pages = 0;
};

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "ps-pressure: %s\n", message.c_str());
  std::exit(2);
}

// "64M", "1G", "4096", "512K" -> bytes.
Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Fail(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--mode") {
      o.mode_name = value();
      if (o.mode_name == "seq") o.mode = Mode::kSeq;
      else if (o.mode_name == "uniform") o.mode = Mode::kUniform;
      else if (o.mode_name == "zipf") o.mode = Mode::kZipf;
      else if (o.mode_name == "phases") o.mode = Mode::kPhases;
      else if (o.mode_name == "loop") o.mode = Mode::kLoop;
      else Fail("unknown mode '" + o.mode_name + "' (seq, uniform, zipf, phases, loop)");
    } else if (flag == "--size") {
      std::string v = value();
      auto size = pagescope::parse_byte_size(v);
      if (!size) Fail("--size: " + size.error().message);
      o.size = *size;
      if (o.size < kPage) Fail("bad --size '" + v + "' (at least 4K)");
    } else if (flag == "--seconds") {
      o.seconds = std::atof(value().c_str());
    } else if (flag == "--accesses") {
      o.accesses = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "--seed") {
      o.seed = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "--alpha") {
      o.alpha = std::atof(value().c_str());
      if (!(o.alpha > 0)) Fail("--alpha must be > 0");
    } else if (flag == "--write-pct") {
      o.write_pct = std::atoi(value().c_str());
      if (o.write_pct < 0 || o.write_pct > 100) Fail("--write-pct must be 0..100");
    } else if (flag == "--content") {
      o.content_name = value();
      if (o.content_name == "zero") o.content = Content::kZero;
      else if (o.content_name == "random") o.content = Content::kRandom;
      else if (o.content_name == "text") o.content = Content::kText;
      else Fail("unknown content '" + o.content_name + "' (zero, random, text)");
    } else if (flag == "--ws-fraction") {
      o.ws_fraction = std::atof(value().c_str());
      if (!(o.ws_fraction > 0 && o.ws_fraction <= 1)) Fail("--ws-fraction must be in (0, 1]");
    } else if (flag == "--phase-accesses") {
      o.phase_accesses = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "--report-file") {
      o.report_file = value();
    } else if (flag == "--report-fd") {
      o.report_fd = std::atoi(value().c_str());
    } else if (flag == "--print-pages") {
      o.print_pages = std::strtoull(value().c_str(), nullptr, 10);
    } else if (flag == "-h" || flag == "--help") {
      std::puts(
          "usage: ps-pressure --mode seq|uniform|zipf|phases|loop --size BYTES [--seconds S]\n"
          "         [--accesses N] [--seed N] [--alpha A] [--write-pct P] [--content zero|random|text]\n"
          "         [--ws-fraction F] [--phase-accesses N] [--report-file PATH] [--report-fd N]\n"
          "         [--print-pages N]");
      std::exit(0);
    } else {
      Fail("unknown flag '" + flag + "'");
    }
  }
  return o;
}

// Page filler with the requested compressibility: zero pages are
// "same-filled" for zram; text-like pages compress ~2x; random ones do not.
class Filler {
 public:
  Filler(Content content, std::uint64_t seed) : content_(content), rng_(seed ^ 0x9e3779b97f4a7c15ull) {
    if (content_ == Content::kText) BuildCorpus();
  }

  void FillPage(unsigned char* page) {
    switch (content_) {
      case Content::kZero:
        std::memset(page, 0, kPage);
        break;
      case Content::kRandom:
        for (std::size_t i = 0; i < kPage; i += 8) {
          std::uint64_t w = rng_();
          std::memcpy(page + i, &w, 8);
        }
        break;
      case Content::kText:
        // A page-sized window at a random place in the corpus: every page
        // differs, yet fills at memcpy speed.
        std::memcpy(page, corpus_.data() + rng_() % (corpus_.size() - kPage), kPage);
        break;
    }
  }

  // The byte a write access stores, keeping the page's character.
  unsigned char WriteByte() {
    switch (content_) {
      case Content::kZero: return 0;
      case Content::kRandom: return static_cast<unsigned char>(rng_());
      case Content::kText: return corpus_[rng_() % corpus_.size()];
    }
    return 0;
  }

 private:
  // Words from a small vocabulary separated by spaces and newlines: roughly
  // what logs and source text look like to a compressor.
  void BuildCorpus() {
    static constexpr std::string_view kWords[] = {
        "the ", "page ", "memory ", "swap ", "fault ", "of ", "and ", "kernel ",
        "reclaim ", "to ", "a ", "cgroup ", "zram ", "in ", "is ", "lru\n"};
    while (corpus_.size() < 256 * 1024) corpus_ += kWords[rng_() % std::size(kWords)];
  }

  Content content_;
  std::mt19937_64 rng_;
  std::string corpus_;
};

// Draws page indices for one mode. The sequence depends only on the options.
class PageSequence {
 public:
  PageSequence(const Options& o, std::uint64_t pages) : o_(o), pages_(pages), rng_(o.seed) {
    if (o.mode == Mode::kZipf) BuildZipf();
    if (o.mode == Mode::kPhases) {
      ws_pages_ = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(o.ws_fraction * pages));
      phase_len_ = o.phase_accesses ? o.phase_accesses : ws_pages_ * 20;
    }
  }

  std::uint64_t Next() {
    switch (o_.mode) {
      case Mode::kSeq:
      case Mode::kLoop: {
        std::uint64_t p = cursor_;
        cursor_ = (cursor_ + 1) % pages_;
        return p;
      }
      case Mode::kUniform:
        return rng_() % pages_;
      case Mode::kZipf: {
        // Inverse-CDF sampling; rank r is stored at a shuffled page.
        double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
        auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
        std::size_t rank = std::min<std::size_t>(it - cdf_.begin(), pages_ - 1);
        return rank_to_page_[rank];
      }
      case Mode::kPhases: {
        if (count_ > 0 && count_ % phase_len_ == 0) ++phase_;
        ++count_;
        // Consecutive phases use disjoint windows (wrapping around the region).
        std::uint64_t base = (phase_ * ws_pages_) % pages_;
        return (base + rng_() % ws_pages_) % pages_;
      }
    }
    return 0;
  }

 private:
  void BuildZipf() {
    cdf_.resize(pages_);
    double sum = 0;
    for (std::uint64_t r = 0; r < pages_; ++r) {
      sum += 1.0 / std::pow(static_cast<double>(r + 1), o_.alpha);
      cdf_[r] = sum;
    }
    for (double& c : cdf_) c /= sum;
    rank_to_page_.resize(pages_);
    for (std::uint64_t i = 0; i < pages_; ++i) rank_to_page_[i] = static_cast<std::uint32_t>(i);
    std::mt19937_64 shuffle_rng(o_.seed + 1);
    std::shuffle(rank_to_page_.begin(), rank_to_page_.end(), shuffle_rng);
  }

  const Options& o_;
  std::uint64_t pages_;
  std::mt19937_64 rng_;
  std::uint64_t cursor_ = 0;
  std::vector<double> cdf_;
  std::vector<std::uint32_t> rank_to_page_;
  std::uint64_t ws_pages_ = 0, phase_len_ = 1, phase_ = 0, count_ = 0;
};

std::uint64_t Micros(const timeval& tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1000000u + static_cast<std::uint64_t>(tv.tv_usec);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::uint64_t pages = o.size / kPage;
  if (pages > UINT32_MAX) Fail("--size too large");

  if (o.print_pages) {
    PageSequence sequence(o, pages);
    std::mt19937_64 op_rng(o.seed * 31 + 7);
    for (std::uint64_t i = 0; i < o.print_pages; ++i) {
      std::uint64_t page = sequence.Next();
      bool write = static_cast<int>(op_rng() % 100) < o.write_pct;
      std::printf("%llu %c\n", static_cast<unsigned long long>(page), write ? 'w' : 'r');
    }
    return 0;
  }

  void* mem = mmap(nullptr, pages * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) Fail("mmap of " + std::to_string(o.size) + " bytes failed: " + std::strerror(errno));
  // Base pages only: a THP would be swapped and faulted as one unit and blur
  // the per-page counts the lab compares.
  madvise(mem, pages * kPage, MADV_NOHUGEPAGE);
  auto* base = static_cast<unsigned char*>(mem);

  auto start = std::chrono::steady_clock::now();
  Filler filler(o.content, o.seed);
  for (std::uint64_t p = 0; p < pages; ++p) filler.FillPage(base + p * kPage);

  PageSequence sequence(o, pages);
  std::mt19937_64 op_rng(o.seed * 31 + 7);
  std::uint64_t accesses = 0, writes = 0, sink = 0, sequence_hash = 0xcbf29ce484222325ull;
  auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(o.seconds));
  for (;;) {
    if (o.accesses && accesses >= o.accesses) break;
    // The clock is read every 1024 accesses so it costs nothing per access.
    if ((accesses & 1023) == 0 && !o.accesses && std::chrono::steady_clock::now() >= deadline) break;
    std::uint64_t page = sequence.Next();
    bool write = static_cast<int>(op_rng() % 100) < o.write_pct;
    // FNV-1a over what was done, not over timing.
    sequence_hash = (sequence_hash ^ (page * 2 + write)) * 0x100000001b3ull;
    // The offset varies so a write does not always hit the same cache line.
    std::size_t offset = (accesses * 64) % kPage;
    volatile unsigned char* at = base + page * kPage + offset;
    if (write) {
      *at = filler.WriteByte();
      ++writes;
    } else {
      sink += *at;
    }
    ++accesses;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  char line[1024];
  std::snprintf(line, sizeof line,
                "{\"mode\":\"%s\",\"content\":\"%s\",\"size\":%llu,\"seed\":%llu,\"accesses\":%llu,"
                "\"writes\":%llu,\"elapsed_s\":%.6f,\"majflt\":%ld,\"minflt\":%ld,\"utime_us\":%llu,"
                "\"stime_us\":%llu,\"maxrss_kb\":%ld,\"nvcsw\":%ld,\"nivcsw\":%ld,\"checksum\":%llu,"
                "\"sequence_hash\":\"%016llx\"}\n",
                o.mode_name.c_str(), o.content_name.c_str(), static_cast<unsigned long long>(o.size),
                static_cast<unsigned long long>(o.seed), static_cast<unsigned long long>(accesses),
                static_cast<unsigned long long>(writes), elapsed, ru.ru_majflt, ru.ru_minflt,
                static_cast<unsigned long long>(Micros(ru.ru_utime)),
                static_cast<unsigned long long>(Micros(ru.ru_stime)), ru.ru_maxrss, ru.ru_nvcsw, ru.ru_nivcsw,
                static_cast<unsigned long long>(sink & 0xff), static_cast<unsigned long long>(sequence_hash));
  if (!o.report_file.empty()) {
    FILE* f = std::fopen(o.report_file.c_str(), "w");
    if (!f) Fail("cannot write " + o.report_file + ": " + std::strerror(errno));
    std::fputs(line, f);
    std::fclose(f);
  }
  if (o.report_fd >= 0) {
    if (write(o.report_fd, line, std::strlen(line)) < 0) Fail("cannot write the report fd");
  }
  if (o.report_file.empty() && o.report_fd < 0) std::fputs(line, stdout);
  return 0;
}
