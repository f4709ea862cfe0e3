// ps-touch-pages: a workload with a known answer, for checking what `record`
// captures against the kernel's own counts.
//
//   ps-touch-pages N M REPORT [EXEC...]
//
// In a measured window it mmaps N pages and writes one byte to each, maps,
// mprotects and unmaps a 7-page region, read-touches an 11-page region,
// MADV_DONTNEEDs the N pages and rewrites the first 5, and unmaps. Then a
// forked child writes M pages and exits; finally the process execs EXEC
// (default /bin/true). REPORT receives "key value" lines: the window's
// CLOCK_MONOTONIC bounds, the getrusage fault delta inside it, every call's
// address and length, and the child's pid and wait4 fault count. THP is
// disabled (PR_SET_THP_DISABLE) so each touched page is exactly one fault.
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
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

constexpr size_t kPage = 4096;

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

long faults_so_far() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt + ru.ru_majflt;
}

// Calls made inside the window, recorded without allocating (a fixed array).
struct Call {
  const char* op;
  uintptr_t addr;
  size_t len;
};
Call calls[32];
int ncalls = 0;
void note(const char* op, void* addr, size_t len) {
  calls[ncalls++] = {op, reinterpret_cast<uintptr_t>(addr), len};
}

[[noreturn]] void die(const char* what) {
  perror(what);
  _exit(2);
}

void* map_anon(size_t pages, int prot) {
  void* p = mmap(nullptr, pages * kPage, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap");
  note("mmap", p, pages * kPage);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s N M REPORT [EXEC...]\n", argv[0]);
    return 2;
  }
  const size_t n = std::strtoull(argv[1], nullptr, 10);
  const size_t m = std::strtoull(argv[2], nullptr, 10);
  if (n < 5 || m < 1) {
    std::fprintf(stderr, "ps-touch-pages: N must be >= 5 and M >= 1\n");
    return 2;
  }
  FILE* report = std::fopen(argv[3], "w");
  if (!report) die(argv[3]);
  if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) die("prctl(PR_SET_THP_DISABLE)");

  // Warm up everything the window uses so its only faults are the ones below.
  volatile char stack_warm[256 * 1024];
  for (size_t i = 0; i < sizeof(stack_warm); i += kPage) stack_warm[i] = 1;
  faults_so_far();
  now_ns();

  const long f0 = faults_so_far();
  const uint64_t t0 = now_ns();
  // --- window ---
  char* a = static_cast<char*>(map_anon(n, PROT_READ | PROT_WRITE));
  for (size_t i = 0; i < n; ++i) a[i * kPage] = 1;  // n write faults

  char* b = static_cast<char*>(map_anon(7, PROT_READ | PROT_WRITE));
  if (mprotect(b, 7 * kPage, PROT_READ) != 0) die("mprotect");
  note("mprotect", b, 7 * kPage);
  if (mprotect(b + 2 * kPage, 3 * kPage, PROT_NONE) != 0) die("mprotect");
  note("mprotect", b + 2 * kPage, 3 * kPage);
  if (munmap(b, 7 * kPage) != 0) die("munmap");
  note("munmap", b, 7 * kPage);

  volatile char* c = static_cast<char*>(map_anon(11, PROT_READ));
  long sum = 0;
  for (size_t i = 0; i < 11; ++i) sum += c[i * kPage];  // 11 read faults (zero page)
  if (munmap(const_cast<char*>(c), 11 * kPage) != 0) die("munmap");
  note("munmap", const_cast<char*>(c), 11 * kPage);

  if (madvise(a, n * kPage, MADV_DONTNEED) != 0) die("madvise");
  note("madvise", a, n * kPage);
  for (size_t i = 0; i < 5; ++i) a[i * kPage] = 2;  // 5 write refaults
  if (munmap(a, n * kPage) != 0) die("munmap");
  note("munmap", a, n * kPage);
  const uint64_t t1 = now_ns();
  const long f1 = faults_so_far();
  // --- end of window ---

  std::fprintf(report, "pid %d\nt0 %llu\nt1 %llu\nwindow_faults %ld\nsum %ld\n", getpid(),
               static_cast<unsigned long long>(t0), static_cast<unsigned long long>(t1), f1 - f0,
               sum);
  for (int i = 0; i < ncalls; ++i) {
    std::fprintf(report, "%s %llu %zu\n", calls[i].op, static_cast<unsigned long long>(calls[i].addr),
                 calls[i].len);
  }

  std::fflush(report);
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    char* d = static_cast<char*>(mmap(nullptr, m * kPage, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (d == MAP_FAILED) _exit(3);
    for (size_t i = 0; i < m; ++i) d[i * kPage] = 1;
    _exit(0);
  }
  rusage child_ru{};
  int status = 0;
  if (wait4(child, &status, 0, &child_ru) != child) die("wait4");
  std::fprintf(report, "child_pid %d\nchild_faults %ld\nchild_status %d\n", child,
               child_ru.ru_minflt + child_ru.ru_majflt, status);
  std::fclose(report);

  std::vector<char*> exec_args;
  if (argc > 4) {
    for (int i = 4; i < argc; ++i) exec_args.push_back(argv[i]);
  } else {
    exec_args.push_back(const_cast<char*>("/bin/true"));
  }
  exec_args.push_back(nullptr);
  execv(exec_args[0], exec_args.data());
  die("execv");
}
