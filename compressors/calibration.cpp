#include "compressors/calibration.h"

#include <cstring>
#include <string>

namespace pagescope::compressors {

namespace {

uint64_t splitmix(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// A small vocabulary: text, logs and program data repeat short tokens, which
// is what makes such pages compress 2-4x with lz4.
constexpr const char* kWords[] = {
    "the",  "page",  "memory", "of",     "and",    "to",    "fault", "in",    "swap",  "a",
    "data", "file",  "kernel", "is",     "for",    "with",  "zone",  "anon",  "lru",   "0x7f",
    "user", "error", "size",   "struct", "return", "NULL",  "int",   "else",  "map",   "cache",
    "1024", "4096",  "INFO",   "WARN",   "time",   "value", "key",   "list",  "node",  "free",
};

}  // namespace

std::vector<uint8_t> sample_page(SampleKind kind, uint64_t seed) {
  std::vector<uint8_t> page(kSamplePageSize, 0);
  uint64_t s = seed;
  switch (kind) {
    case SampleKind::kZeros:
      break;
    case SampleKind::kRandom:
      for (size_t i = 0; i < page.size(); i += 8) {
        uint64_t v = splitmix(s);
        std::memcpy(&page[i], &v, 8);
      }
      break;
    case SampleKind::kText: {
      size_t i = 0;
      constexpr size_t kVocab = sizeof kWords / sizeof kWords[0];
      while (i < page.size()) {
        uint64_t r = splitmix(s);
        const char* w = kWords[r % kVocab];
        for (size_t k = 0; w[k] && i < page.size(); ++k) page[i++] = uint8_t(w[k]);
        if (i < page.size()) page[i++] = (r >> 32) % 11 == 0 ? '\n' : ' ';
      }
      break;
    }
  }
  return page;
}

namespace {

using Clock = std::chrono::steady_clock;

template <typename F>
double ns_per_call(F&& f, std::chrono::nanoseconds budget) {
  // Double the batch until it fills the budget: few clock reads, no per-call timing noise.
  uint64_t n = 1;
  for (;;) {
    auto t0 = Clock::now();
    for (uint64_t i = 0; i < n; ++i) f();
    auto dt = Clock::now() - t0;
    if (dt >= budget || n >= (uint64_t{1} << 24)) return double(std::chrono::duration_cast<std::chrono::nanoseconds>(dt).count()) / double(n);
    n *= 2;
  }
}

Result<SampleCost> measure(const Compressor& c, const std::vector<uint8_t>& page, std::chrono::nanoseconds budget) {
  std::vector<uint8_t> out(c.bound(page.size())), back(page.size());
  SampleCost cost;
  cost.compressed_bytes = c.compress(page.data(), page.size(), out.data(), out.size());
  if (cost.compressed_bytes == 0) return Error{std::string(c.name()) + ": compressing a sample page failed"};
  volatile size_t sink = 0;
  cost.compress_ns = ns_per_call([&] { sink = sink + c.compress(page.data(), page.size(), out.data(), out.size()); }, budget);
  size_t n = cost.compressed_bytes;
  // Compressing again above left the same bytes in `out` (deterministic).
  cost.decompress_ns = ns_per_call([&] { sink = sink + c.decompress(out.data(), n, back.data(), back.size()); }, budget);
  if (back != page) return Error{std::string(c.name()) + ": a sample page did not round-trip"};
  return cost;
}

}  // namespace

Result<Calibration> calibrate(const Compressor& c, std::chrono::nanoseconds per_measure) {
  Calibration cal;
  cal.compressor = c.name();
  struct Sample {
    SampleKind kind;
    SampleCost* cost;
  };
  for (Sample s : {Sample{SampleKind::kZeros, &cal.zeros}, Sample{SampleKind::kRandom, &cal.random},
                   Sample{SampleKind::kText, &cal.text}}) {
    auto cost = measure(c, sample_page(s.kind), per_measure);
    if (!cost) return cost.error();
    *s.cost = *cost;
  }
  return cal;
}

}  // namespace pagescope::compressors
