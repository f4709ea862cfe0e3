// ps-segv: refused memory accesses on purpose, one per child process, each
// ended by the kernel's signal, to check what a capture says about crashes
// (README "Crashes").
//
//   ps-segv DIR
//
// Cases: null (write to address 16), read-only (write to a PROT_READ
// mapping), prot-none (read of a PROT_NONE mapping), beyond-heap (read just
// past the heap's end), stack (unbounded recursion past the stack's limit),
// beyond-file (read of a file mapping's page past the file's end: SIGBUS).
// Writes DIR/cases.txt: "CASE PID SIGNAL ADDRESS" per child (decimal; the
// signal from wait(), ADDRESS the one it tried, 0 for the stack case, where
// the kernel decides it).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

volatile char g_sink;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  _exit(100);
}

// Each frame takes a page; the 8 MiB limit ends it long before the depth test.
int recurse(int depth) {
  volatile char frame[4096];
  frame[0] = char(depth);
  if (depth > (1 << 30)) return frame[0];
  return recurse(depth + 1) + frame[0];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const long page = sysconf(_SC_PAGESIZE);
  char* ro = static_cast<char*>(mmap(nullptr, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  char* none = static_cast<char*>(mmap(nullptr, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (ro == MAP_FAILED || none == MAP_FAILED) die("mmap");
  char* heap_end = static_cast<char*>(sbrk(0));
  if (heap_end == reinterpret_cast<char*>(-1)) die("sbrk");
  // A file of one page, mapped two pages long: the second page is past its end.
  const std::string path = dir + "/short-file";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ftruncate(fd, page) != 0) die("short file");
  char* file = static_cast<char*>(mmap(nullptr, 2 * page, PROT_READ, MAP_SHARED, fd, 0));
  if (file == MAP_FAILED) die("mmap file");
  // The heap's end is page aligned and the page above it unmapped (brk leaves a gap).
  char* beyond_heap = heap_end + page / 2;

  struct Case {
    const char* name;
    char* addr;
  };
  const Case cases[] = {{"null", reinterpret_cast<char*>(16)},
                        {"read-only", ro},
                        {"prot-none", none},
                        {"beyond-heap", beyond_heap},
                        {"stack", nullptr},
                        {"beyond-file", file + page}};
  FILE* out = std::fopen((dir + "/cases.txt").c_str(), "w");
  if (!out) die("cases.txt");
  for (const Case& c : cases) {
    pid_t child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
      if (std::strcmp(c.name, "stack") == 0) {
        rlimit r{8 << 20, 8 << 20};
        setrlimit(RLIMIT_STACK, &r);
        recurse(0);
      } else if (std::strcmp(c.name, "read-only") == 0 || std::strcmp(c.name, "null") == 0) {
        *reinterpret_cast<volatile char*>(c.addr) = 1;
      } else {
        g_sink = *reinterpret_cast<volatile char*>(c.addr);
      }
      _exit(0);  // not reached: the access is refused
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) die("waitpid");
    std::fprintf(out, "%s %d %d %lu\n", c.name, child, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
                 reinterpret_cast<unsigned long>(c.addr));
  }
  std::fclose(out);
  return 0;
}
