// ps-fault-storm: as many page faults as the machine can take, for overhead
// benchmarks and lost-event tests.
//
//   ps-fault-storm [MIB [ROUNDS [PROCS]]]     defaults: 256 MiB, 4 rounds, 2 processes
//
// Each process maps MIB of anonymous memory, writes one byte per 4 KiB page
// (THP off, so one fault per page), unmaps, and repeats ROUNDS times. Prints
// one line: "faults N seconds S faults_per_s R cpu_s C" with N from wait4 of
// the children (the kernel's own count) and C their user + system CPU (a
// tracer's in-kernel cost per fault shows there; bench/record_overhead.sh).
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const size_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 256;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 4;
  const int procs = argc > 3 ? std::atoi(argv[3]) : 2;
  if (mib == 0 || rounds <= 0 || procs <= 0) {
    std::fprintf(stderr, "usage: %s [MIB>0 [ROUNDS>0 [PROCS>0]]]\n", argv[0]);
    return 2;
  }
  prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
  timespec start{}, end{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int p = 0; p < procs; ++p) {
    if (fork() == 0) {
      const size_t bytes = mib << 20;
      for (int r = 0; r < rounds; ++r) {
        char* m = static_cast<char*>(
            mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        if (m == MAP_FAILED) _exit(1);
        for (size_t i = 0; i < bytes; i += 4096) m[i] = 1;
        munmap(m, bytes);
      }
      _exit(0);
    }
  }
  long faults = 0;
  double cpu_s = 0;
  int failed = 0;
  for (int p = 0; p < procs; ++p) {
    int status = 0;
    rusage ru{};
    if (wait4(-1, &status, 0, &ru) > 0) {
      faults += ru.ru_minflt + ru.ru_majflt;
      cpu_s += static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
      failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double secs = static_cast<double>(end.tv_sec - start.tv_sec) +
                static_cast<double>(end.tv_nsec - start.tv_nsec) / 1e9;
  std::printf("faults %ld seconds %.3f faults_per_s %.0f cpu_s %.3f\n", faults, secs,
              static_cast<double>(faults) / secs, cpu_s);
  return failed ? 1 : 0;
}
