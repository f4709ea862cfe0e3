// ps-fault-causes: one page-fault cause after another, each in its own
// mapping, with the kernel's own count for each step, to check how a capture
// classifies faults (README "Faults by cause").
//
//   ps-fault-causes DIR [swap]
//
// Steps (64 pages each, THP off):
//   zero-page     read fresh private anonymous memory (the zero page is mapped)
//   cow           write those same pages (each copies the zero page)
//   demand-zero   write fresh private anonymous memory
//   anon-refault  MADV_DONTNEED that memory, then read it again
//   file-cache    read a private mapping of a file just written (in the page cache)
//   file-disk     read a mapping of a file dropped from the cache (fsync + POSIX_FADV_DONTNEED)
//   protection    write a shared file mapping after reading it (the kernel's dirty tracking)
//   swap-in       with "swap": write fresh memory, MADV_PAGEOUT it, read it back
// Files go in DIR, which must be on a disk file system (not tmpfs) for
// file-disk to read from disk. Writes DIR/steps.txt, one line per step:
// "STEP START_ADDR LENGTH MINFLT MAJFLT" (decimal; the faults getrusage
// counted during the step's loop alone; file-cache's fault-around maps
// several pages per fault, so that count is below 64).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr size_t kPage = 4096;
constexpr size_t kPages = 64;
constexpr size_t kLen = kPage * kPages;

struct Step {
  const char* name;
  char* start;
  long minflt, majflt;
};
Step g_steps[16];
int g_count = 0;
volatile char g_sink;

void die(const char* what) {
  std::perror(what);
  std::exit(1);
}

rusage now() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return r;
}

// Runs `loop` between two getrusage calls and keeps the difference.
template <typename Loop>
void step(const char* name, char* start, Loop&& loop) {
  const rusage a = now();
  loop();
  const rusage b = now();
  g_steps[g_count++] = {name, start, b.ru_minflt - a.ru_minflt, b.ru_majflt - a.ru_majflt};
}

char* anon() {
  void* p = mmap(nullptr, kLen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) die("mmap");
  return static_cast<char*>(p);
}

void read_all(const char* p) {
  for (size_t i = 0; i < kLen; i += kPage) g_sink = p[i];
}
void write_all(char* p) {
  for (size_t i = 0; i < kLen; i += kPage) p[i] = char(1 + i / kPage);
}

// A file of kPages pages of non-zero bytes, written with write() (no faults
// here in the measured loops: the buffer is touched before).
int make_file(const std::string& path, bool drop) {
  static char buf[kLen];
  std::memset(buf, 'x', sizeof buf);
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) die("open");
  if (write(fd, buf, sizeof buf) != static_cast<ssize_t>(sizeof buf)) die("write");
  if (drop) {
    if (fsync(fd) != 0) die("fsync");
    if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0) die("fadvise");
  }
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [swap]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const bool swap = argc > 2 && std::strcmp(argv[2], "swap") == 0;
  prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
  g_sink = 0;  // its own page faults here, not inside the first step
  g_steps[0] = {};

  char* a = anon();
  step("zero-page", a, [&] { read_all(a); });
  step("cow", a, [&] { write_all(a); });

  char* b = anon();
  step("demand-zero", b, [&] { write_all(b); });
  if (madvise(b, kLen, MADV_DONTNEED) != 0) die("madvise");
  step("anon-refault", b, [&] { read_all(b); });

  int cached = make_file(dir + "/cached", false);
  char* c = static_cast<char*>(mmap(nullptr, kLen, PROT_READ, MAP_PRIVATE, cached, 0));
  if (c == MAP_FAILED) die("mmap cached");
  step("file-cache", c, [&] { read_all(c); });

  int dropped = make_file(dir + "/dropped", true);
  char* d = static_cast<char*>(mmap(nullptr, kLen, PROT_READ, MAP_PRIVATE, dropped, 0));
  if (d == MAP_FAILED) die("mmap dropped");
  step("file-disk", d, [&] { read_all(d); });

  int shared = make_file(dir + "/shared", false);
  char* e = static_cast<char*>(mmap(nullptr, kLen, PROT_READ | PROT_WRITE, MAP_SHARED, shared, 0));
  if (e == MAP_FAILED) die("mmap shared");
  read_all(e);  // mapped read-only first: the write below is the dirty-tracking fault
  step("protection", e, [&] { write_all(e); });

  if (swap) {
    char* g = anon();
    write_all(g);
    if (madvise(g, kLen, MADV_PAGEOUT) != 0) die("madvise(MADV_PAGEOUT)");
    step("swap-in", g, [&] { read_all(g); });
  }

  FILE* out = std::fopen((dir + "/steps.txt").c_str(), "w");
  if (!out) die("steps.txt");
  for (int i = 0; i < g_count; ++i) {
    std::fprintf(out, "%s %lu %zu %ld %ld\n", g_steps[i].name, reinterpret_cast<unsigned long>(g_steps[i].start),
                 kLen, g_steps[i].minflt, g_steps[i].majflt);
  }
  std::fclose(out);
  return 0;
}
