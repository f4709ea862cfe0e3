// ps-access-phases: touches known, disjoint sets of pages in phases and logs
// exactly which pages it touched when, so access sampling can be checked
// against the truth.
//
//   ps-access-phases --log FILE [--phase PAGES]... [--sleep MS] [--retouch MS] [--thp]
//   ps-access-phases --churn SECONDS
//   ps-access-phases --sweep MIB SECONDS
//   ps-access-phases --filescan FILE HOT_MIB STREAM_MIB SECONDS
//
// Phases: one shared-memory region (memfd) holds every phase's pages back to
// back (phase k's pages follow phase k-1's). Each phase writes its
// even-numbered pages and reads its odd-numbered ones (clean: never dirty),
// then sleeps --sleep ms (default
// 1500); with --retouch MS it touches the same pages again every MS ms until
// the phase's --sleep has passed (--spin: again and again without sleeping,
// so the CPU never switches away and keeps its TLB entries). There is a sleep
// before the first phase too.
// --thp: the region is anonymous, 2 MiB aligned and madvise(MADV_HUGEPAGE)d
// (odd pages then read the huge zero page until written: no matter, the
// kernel maps a huge page on the first write fault of each 2 MiB).
//
// The log (CLOCK_MONOTONIC ns, the recorder's clock):
//   region ADDR BYTES
//   phase K FIRST_PAGE_ADDR PAGES BEGIN_NS END_NS     (END: the last touch finished)
//   thp_kb KB                                          (--thp: AnonHugePages after the phase)
//
// --churn: for SECONDS, maps, touches and unmaps regions in a loop while
// short-lived children fork, touch memory and exit: a moving target for a
// page-table walk.
//
// --sweep: MIB of memory updated at random pages for SECONDS; prints the rate
// (the access-sampling overhead benchmark's workload).
//
// --filescan: a hot set and a stream over a file, for the effect of clearing
// accessed bits on reclaim (docs/access-sampling.md).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void sleep_ms(uint64_t ms) {
  timespec ts{static_cast<time_t>(ms / 1000), static_cast<long>((ms % 1000) * 1000000)};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

constexpr size_t kPage = 4096;

void touch(volatile char* base, size_t pages) {
  for (size_t i = 0; i < pages; ++i) {
    volatile char* p = base + i * kPage;
    if (i % 2 == 0) {
      *p = static_cast<char>(*p + 1);
    } else {
      (void)*p;
    }
  }
}

int churn(double seconds) {
  uint64_t end = now_ns() + static_cast<uint64_t>(seconds * 1e9);
  unsigned rounds = 0;
  while (now_ns() < end) {
    size_t len = (64 + (rounds % 7) * 256) * kPage;
    auto* p = static_cast<char*>(
        mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (p == MAP_FAILED) return 1;
    for (size_t i = 0; i < len; i += kPage) p[i] = 1;
    munmap(p, len);
    if (++rounds % 50 == 0) {
      pid_t child = fork();
      if (child == 0) {
        size_t n = 512 * kPage;
        auto* q = static_cast<char*>(
            mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (q != MAP_FAILED) {
          for (size_t i = 0; i < n; i += kPage) q[i] = 1;
        }
        _exit(0);
      }
      if (child > 0) waitpid(child, nullptr, 0);
    }
  }
  std::printf("churn: %u map/unmap rounds\n", rounds);
  return 0;
}

// AnonHugePages of the whole process: whether the kernel gave us huge pages.
unsigned long anon_huge_kb() {
  FILE* f = std::fopen("/proc/self/smaps_rollup", "r");
  if (!f) return 0;
  char line[256];
  unsigned long kb = 0;
  while (std::fgets(line, sizeof(line), f)) {
    if (std::sscanf(line, "AnonHugePages: %lu kB", &kb) == 1) break;
  }
  std::fclose(f);
  return kb;
}

// A fixed amount of memory work for overhead measurements: MIB of anonymous
// memory, every page written once, then for SECONDS one 8-byte update at a
// pseudo-random page (each one a likely TLB miss: the case where re-setting
// cleared accessed bits costs most). Prints the update rate.
int sweep(size_t mib, double seconds) {
  size_t bytes = mib << 20, pages = bytes / kPage;
  auto* p = static_cast<uint64_t*>(
      mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
  if (p == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  for (size_t i = 0; i < pages; ++i) p[i * (kPage / 8)] = i;
  uint64_t x = 88172645463325252ull, n = 0;
  uint64_t begin = now_ns(), end = begin + static_cast<uint64_t>(seconds * 1e9), t = begin;
  while (t < end) {
    for (int i = 0; i < 4096; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      p[(x % pages) * (kPage / 8) + (x >> 58)] += 1;
    }
    n += 4096;
    t = now_ns();
  }
  std::printf("sweep: %zu MiB, updates_per_s %.0f\n", mib, n / ((t - begin) / 1e9));
  return 0;
}

// Reclaim's view of accessed bits: a file mapped shared and read-only; each
// pass reads every page of its first HOT_MIB (the hot set), then the next
// STREAM_MIB of the rest (a stream that wraps). Under a memory limit smaller
// than the file, the kernel should keep the hot set and drop the stream.
// Prints passes, major faults, and the hot set's residency (mincore) averaged
// over the passes.
int filescan(const char* path, size_t hot_mib, size_t stream_mib, double seconds) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::perror(path);
    return 1;
  }
  size_t bytes = static_cast<size_t>(st.st_size), hot = hot_mib << 20, stream = stream_mib << 20;
  if (hot + stream > bytes) {
    std::fprintf(stderr, "filescan: %s is smaller than HOT_MIB + STREAM_MIB\n", path);
    return 2;
  }
  auto* p = static_cast<volatile char*>(mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0));
  if (p == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  std::vector<unsigned char> vec(hot / kPage);
  rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  uint64_t end = now_ns() + static_cast<uint64_t>(seconds * 1e9);
  size_t cursor = hot, passes = 0;
  double resident = 0;
  char sum = 0;
  while (now_ns() < end) {
    for (size_t off = 0; off < hot; off += kPage) sum += p[off];
    for (size_t n = 0; n < stream; n += kPage) {
      sum += p[cursor];
      cursor += kPage;
      if (cursor >= bytes) cursor = hot;
    }
    mincore(const_cast<char*>(p), hot, vec.data());
    size_t in = 0;
    for (unsigned char v : vec) in += v & 1;
    resident += static_cast<double>(in) / vec.size();
    ++passes;
  }
  getrusage(RUSAGE_SELF, &r1);
  std::printf("filescan: passes %zu majflt %ld hot_resident %.3f (%d)\n", passes,
              r1.ru_majflt - r0.ru_majflt, passes ? resident / passes : 0.0, sum & 1);
  return 0;
}

void usage() {
  std::fprintf(stderr,
               "usage: ps-access-phases --log FILE [--phase PAGES]... [--sleep MS] "
               "[--retouch MS [--spin]] [--thp]\n"
               "       ps-access-phases --churn SECONDS\n"
               "       ps-access-phases --sweep MIB SECONDS\n"
               "       ps-access-phases --filescan FILE HOT_MIB STREAM_MIB SECONDS\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string log_path;
  std::vector<size_t> phases;
  uint64_t sleep = 1500, retouch = 0;
  bool thp = false, spin = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--log") {
      log_path = value();
    } else if (a == "--phase") {
      phases.push_back(std::strtoull(value(), nullptr, 10));
    } else if (a == "--sleep") {
      sleep = std::strtoull(value(), nullptr, 10);
    } else if (a == "--retouch") {
      retouch = std::strtoull(value(), nullptr, 10);
    } else if (a == "--thp") {
      thp = true;
    } else if (a == "--spin") {
      spin = true;
    } else if (a == "--churn") {
      return churn(std::strtod(value(), nullptr));
    } else if (a == "--filescan") {
      const char* path = value();
      size_t hot = std::strtoull(value(), nullptr, 10), stream = std::strtoull(value(), nullptr, 10);
      return filescan(path, hot, stream, std::strtod(value(), nullptr));
    } else if (a == "--sweep") {
      size_t mib = std::strtoull(value(), nullptr, 10);
      return sweep(mib, std::strtod(value(), nullptr));
    } else {
      usage();
      return 2;
    }
  }
  if (log_path.empty() || phases.empty()) {
    usage();
    return 2;
  }
  FILE* log = std::fopen(log_path.c_str(), "w");
  if (!log) {
    std::perror(log_path.c_str());
    return 1;
  }

  size_t total = 0;
  for (size_t n : phases) total += n;
  size_t align = thp ? (2u << 20) : kPage;
  size_t bytes = (total * kPage + align - 1) / align * align;
  // Without --thp the region is shared memory: a read of a page never
  // written maps a real (clean) page, where anonymous memory would map the
  // zero page, whose accessed bit clear_refs never clears.
  int fd = -1;
  if (!thp) {
    fd = memfd_create("ps-access-phases", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
      std::perror("memfd");
      return 1;
    }
  }
  auto* raw = static_cast<char*>(
      thp ? mmap(nullptr, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
          : mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
  if (raw == MAP_FAILED) {
    std::perror("mmap");
    return 1;
  }
  auto* region = reinterpret_cast<char*>(
      (reinterpret_cast<uintptr_t>(raw) + align - 1) / align * align);
  if (thp && madvise(region, bytes, MADV_HUGEPAGE) != 0) {
    std::perror("madvise(MADV_HUGEPAGE)");
    return 1;
  }
  std::fprintf(log, "region %#lx %zu\n", reinterpret_cast<unsigned long>(region), bytes);
  std::fflush(log);

  sleep_ms(sleep);
  size_t first = 0;
  for (size_t k = 0; k < phases.size(); ++k) {
    char* base = region + first * kPage;
    uint64_t begin = now_ns(), deadline = begin + sleep * 1000000ull;
    touch(base, phases[k]);
    uint64_t end = now_ns();
    if (retouch > 0) {
      while (now_ns() + retouch * 1000000ull < deadline) {
        if (!spin) sleep_ms(retouch);
        touch(base, phases[k]);
        end = now_ns();
      }
    }
    std::fprintf(log, "phase %zu %#lx %zu %lu %lu\n", k + 1, reinterpret_cast<unsigned long>(base),
                 phases[k], static_cast<unsigned long>(begin), static_cast<unsigned long>(end));
    if (thp) std::fprintf(log, "thp_kb %lu\n", anon_huge_kb());
    std::fflush(log);
    uint64_t t = now_ns();
    if (t < deadline) sleep_ms((deadline - t) / 1000000ull);
    first += phases[k];
  }
  std::fclose(log);
  return 0;
}
