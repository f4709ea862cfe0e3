// ps-working-set: a working set with a known size that changes once, for
// checking accessed-bit sampling (`record --wss-interval`).
//
//   ps-working-set K1 K2 SECONDS_PER_PHASE REPORT
//
// Phase 1 writes one byte to each of K1 pages of one anonymous mapping, over
// and over, for SECONDS_PER_PHASE; phase 2 does the same to K2 pages of a
// different mapping. Each mapping is followed by a PROT_NONE guard page so the
// kernel cannot merge the two into one VMA. REPORT receives "key value" lines:
// pid, both mappings' address and length, and each phase's CLOCK_MONOTONIC
// start and end (ns). THP is disabled so every page is a 4 KiB page.
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr size_t kPage = 4096;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

// `pages` writable pages and a guard after them.
char* map_region(size_t pages) {
  void* p = mmap(nullptr, (pages + 1) * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                 -1, 0);
  if (p == MAP_FAILED) {
    std::perror("ps-working-set: mmap");
    std::exit(1);
  }
  char* base = static_cast<char*>(p);
  if (mprotect(base + pages * kPage, kPage, PROT_NONE) != 0) {
    std::perror("ps-working-set: mprotect");
    std::exit(1);
  }
  return base;
}

// Sweeps the pages until `until_ns`; the pass counter keeps each write new.
void touch_until(char* base, size_t pages, uint64_t until_ns) {
  volatile char* p = base;
  for (unsigned pass = 1; now_ns() < until_ns; ++pass) {
    for (size_t i = 0; i < pages; ++i) p[i * kPage] = char(pass);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: ps-working-set K1 K2 SECONDS_PER_PHASE REPORT\n");
    return 2;
  }
  const size_t k1 = std::strtoull(argv[1], nullptr, 10);
  const size_t k2 = std::strtoull(argv[2], nullptr, 10);
  const double seconds = std::strtod(argv[3], nullptr);
  if (k1 == 0 || k2 == 0 || !(seconds > 0)) {
    std::fprintf(stderr, "ps-working-set: K1, K2 and SECONDS_PER_PHASE must be positive\n");
    return 2;
  }
  if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) std::perror("ps-working-set: PR_SET_THP_DISABLE");
  char* one = map_region(k1);
  char* two = map_region(k2);
  const uint64_t phase_ns = uint64_t(seconds * 1e9);

  const uint64_t p1_start = now_ns();
  touch_until(one, k1, p1_start + phase_ns);
  const uint64_t p1_end = now_ns();
  const uint64_t p2_start = now_ns();
  touch_until(two, k2, p2_start + phase_ns);
  const uint64_t p2_end = now_ns();

  FILE* out = std::fopen(argv[4], "w");
  if (!out) {
    std::perror(argv[4]);
    return 1;
  }
  std::fprintf(out, "pid %d\n", int(getpid()));
  std::fprintf(out, "region1 %llu %llu\n", (unsigned long long)uintptr_t(one),
               (unsigned long long)(k1 * kPage));
  std::fprintf(out, "region2 %llu %llu\n", (unsigned long long)uintptr_t(two),
               (unsigned long long)(k2 * kPage));
  std::fprintf(out, "phase1 %llu %llu\n", (unsigned long long)p1_start, (unsigned long long)p1_end);
  std::fprintf(out, "phase2 %llu %llu\n", (unsigned long long)p2_start, (unsigned long long)p2_end);
  std::fclose(out);
  return 0;
}
