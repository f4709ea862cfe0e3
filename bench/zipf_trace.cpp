// Writes the simulator benchmarks' workload as a trace file, for end-to-end
// measurements of `replay`/`mrc` (reading included) and for other tools:
//   zipf_trace REFS PAGES FORMAT OUT     FORMAT: text | oracle-general
// zipf(1.0) over PAGES ranks, seeded (the same file every time); text marks a
// quarter of the references as writes ("123w"); oracle-general (libCacheSim's
// oracleGeneral: u32 time, u64 id, u32 size, i64 next access) has no writes
// and a next-access field of -1 (pagescope ignores it; libCacheSim's LRU
// does not read it). No pagescope library: it streams straight to the file.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: zipf_trace REFS PAGES text|oracle-general OUT\n");
    return 2;
  }
  const uint64_t refs = std::strtoull(argv[1], nullptr, 10), pages = std::strtoull(argv[2], nullptr, 10);
  const bool text = std::strcmp(argv[3], "text") == 0;
  if (!text && std::strcmp(argv[3], "oracle-general") != 0) return 2;
  std::FILE* f = std::fopen(argv[4], "wb");
  if (!f || pages == 0) return 1;
  std::vector<double> cdf(pages);
  double sum = 0;
  for (uint64_t k = 0; k < pages; ++k) cdf[k] = (sum += 1.0 / double(k + 1));
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, sum);
  for (uint64_t i = 0; i < refs; ++i) {
    const uint64_t k = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
    const uint64_t page = 0x7f0000000ull + k * 977;  // ranks scattered, as in bench/reference_workload.h
    const bool write = rng() % 4 == 0;
    if (text) {
      std::fprintf(f, "%llu%s\n", (unsigned long long)page, write ? "w" : "");
    } else {
      unsigned char rec[24];
      const uint32_t t = uint32_t(i), size = 4096;
      const int64_t next = -1;
      std::memcpy(rec, &t, 4);
      std::memcpy(rec + 4, &page, 8);
      std::memcpy(rec + 12, &size, 4);
      std::memcpy(rec + 16, &next, 8);
      std::fwrite(rec, 1, 24, f);
    }
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
