// ps-vma-script: a scripted sequence of address-space changes with the
// kernel's own answer written down at each step, to check the inspector's
// address-space model against the kernel.
//
// Usage: ps-vma-script DIR [START_DELAY_MS]
//
// START_DELAY_MS: sleep before the first checkpoint, so a recorder that
// snapshots new processes has time to read this one's maps first.
//
// It performs: anonymous and file mmap, MAP_FIXED over part of a mapping,
// munmap of a middle slice, mprotect of a sub-range and back (the kernel
// merges the pieces again), mremap grow-in-place, move (MREMAP_FIXED) and
// MREMAP_DONTUNMAP, brk up and down, a thread, then fork; the child execs this
// program again, which records its new image and exits.
//
// At each numbered checkpoint it copies /proc/self/maps to DIR/cp-N.maps and
// appends "N PID TS_NS LOGGED LABEL" to DIR/checkpoints.txt, with TS_NS from
// CLOCK_MONOTONIC (the clock of capture timestamps), read before the maps.
// LOGGED=1 means every memory syscall since the previous checkpoint of this
// pid is in DIR/syscalls.txt ("PID NAME A0 A1 A2 A3 A4 A5 RET" lines, with
// "CP N" lines between checkpoints; NAME "touch" is a write to every page of
// [A0, A0+A1)), so a test can replay them; LOGGED=0 steps
// (thread creation, fork, exec) involve the C library's own mappings.
//
// Nothing between checkpoints allocates or uses stdio, so the only changes to
// the address space are the ones listed.
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace {

constexpr long kPage = 4096;
const char* g_dir = nullptr;
char g_log[1 << 16];
size_t g_log_len = 0;
char g_maps[1 << 18];

void append(const char* s) {
  const size_t n = strlen(s);
  if (g_log_len + n < sizeof g_log) {
    memcpy(g_log + g_log_len, s, n);
    g_log_len += n;
  }
}

void append_num(uint64_t v, bool negative = false) {
  char buf[24];
  int i = sizeof buf;
  buf[--i] = '\0';
  do {
    buf[--i] = char('0' + v % 10);
    v /= 10;
  } while (v);
  if (negative) buf[--i] = '-';
  append(buf + i);
}

void path_of(char* out, size_t size, const char* name) {
  out[0] = '\0';
  strncat(out, g_dir, size - 1);
  strncat(out, "/", size - strlen(out) - 1);
  strncat(out, name, size - strlen(out) - 1);
}

void die(const char* what) {
  (void)!write(2, "ps-vma-script: ", 15);
  (void)!write(2, what, strlen(what));
  (void)!write(2, "\n", 1);
  _exit(1);
}

void write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) die("write failed");
    p += w;
    n -= size_t(w);
  }
}

// One syscall result into the log (as the tracer would record it).
long logged(const char* name, long ret, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
            uint64_t a3 = 0, uint64_t a4 = 0, uint64_t a5 = 0) {
  append_num(uint64_t(getpid()));
  append(" ");
  append(name);
  for (uint64_t a : {a0, a1, a2, a3, a4, a5}) {
    append(" ");
    append_num(a);
  }
  append(" ");
  append_num(ret < 0 ? uint64_t(-ret) : uint64_t(ret), ret < 0);
  append("\n");
  return ret;
}

char* do_mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off) {
  long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);
  logged("mmap", r, uint64_t(addr), len, uint64_t(prot), uint64_t(flags), uint64_t(int64_t(fd)),
         uint64_t(off));
  if (r < 0 && r > -4096) die("mmap failed");
  return reinterpret_cast<char*>(r);
}

void do_munmap(char* addr, size_t len) {
  if (logged("munmap", syscall(SYS_munmap, addr, len), uint64_t(addr), len) != 0) die("munmap");
}

void do_mprotect(char* addr, size_t len, int prot) {
  if (logged("mprotect", syscall(SYS_mprotect, addr, len, prot), uint64_t(addr), len,
             uint64_t(prot)) != 0) {
    die("mprotect");
  }
}

char* do_mremap(char* old, size_t old_len, size_t new_len, int flags, char* new_addr) {
  long r = syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
  logged("mremap", r, uint64_t(old), old_len, new_len, uint64_t(flags), uint64_t(new_addr));
  if (r < 0 && r > -4096) die("mremap failed");
  return reinterpret_cast<char*>(r);
}

uint64_t do_brk(uint64_t to) {
  long r = syscall(SYS_brk, to);
  logged("brk", r, to);
  return uint64_t(r);
}

// Writes one byte per page. Logged too ("touch ADDR LEN"): the first write
// gives a VMA its anon_vma, which decides what the kernel merges later.
void touch(char* p, size_t len) {
  for (size_t i = 0; i < len; i += kPage) p[i] = 1;
  logged("touch", 0, uint64_t(p), len);
}

void checkpoint(int n, bool all_logged, const char* label) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const uint64_t now = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
  int in = open("/proc/self/maps", O_RDONLY);
  if (in < 0) die("cannot open /proc/self/maps");
  size_t len = 0;
  ssize_t r;
  while ((r = read(in, g_maps + len, sizeof g_maps - len)) > 0) len += size_t(r);
  close(in);
  char name[64] = "cp-";
  char num[16];
  int i = sizeof num;
  num[--i] = '\0';
  int v = n;
  do {
    num[--i] = char('0' + v % 10);
    v /= 10;
  } while (v);
  strcat(name, num + i);
  strcat(name, ".maps");
  char path[4096];
  path_of(path, sizeof path, name);
  int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) die("cannot write a checkpoint");
  write_all(out, g_maps, len);
  close(out);

  // The index line is built in the log buffer's tail to avoid stdio.
  const size_t mark = g_log_len;
  append_num(uint64_t(n));
  append(" ");
  append_num(uint64_t(getpid()));
  append(" ");
  append_num(now);
  append(all_logged ? " 1 " : " 0 ");
  append(label);
  append("\n");
  path_of(path, sizeof path, "checkpoints.txt");
  int idx = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (idx < 0) die("cannot write checkpoints.txt");
  write_all(idx, g_log + mark, g_log_len - mark);
  close(idx);
  g_log_len = mark;
  append("CP ");
  append_num(uint64_t(n));
  append("\n");
}

void flush_log() {
  char path[4096];
  path_of(path, sizeof path, "syscalls.txt");
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) die("cannot write syscalls.txt");
  write_all(fd, g_log, g_log_len);
  close(fd);
  g_log_len = 0;
}

void* thread_main(void* arg) {
  touch(static_cast<char*>(arg), kPage);
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "--exec-child") == 0) {
    g_dir = argv[2];
    checkpoint(100, false, "after-exec");
    return 0;
  }
  if (argc < 2 || argc > 3 || argv[1][0] == '-') {
    const char usage[] = "usage: ps-vma-script DIR [START_DELAY_MS]\n";
    (void)!write(2, usage, sizeof usage - 1);
    return 2;
  }
  g_dir = argv[1];
  if (argc == 3) {
    const long ms = atol(argv[2]);
    timespec delay{ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&delay, nullptr);
  }

  checkpoint(0, false, "start");

  char* anon = do_mmap(nullptr, 16 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  touch(anon, 16 * kPage);
  char path[4096];
  path_of(path, sizeof path, "data.bin");
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) die("cannot create data.bin");
  static char page[kPage];
  for (int i = 0; i < 8; ++i) write_all(fd, page, sizeof page);
  char* file = do_mmap(nullptr, 8 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  touch(file, 8 * kPage);
  checkpoint(1, true, "mmap-anon-and-file");

  do_mmap(anon + 2 * kPage, 3 * kPage, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  do_mmap(file + 3 * kPage, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  checkpoint(2, true, "map-fixed-over-part");

  do_munmap(anon + 8 * kPage, 3 * kPage);
  checkpoint(3, true, "munmap-middle-slice");

  do_mprotect(anon + 12 * kPage, 2 * kPage, PROT_READ);
  checkpoint(4, true, "mprotect-sub-range");
  do_mprotect(anon + 12 * kPage, 2 * kPage, PROT_READ | PROT_WRITE);
  checkpoint(5, true, "mprotect-back-merges");

  char* grow = do_mmap(nullptr, 8 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  do_munmap(grow + 4 * kPage, 4 * kPage);
  touch(grow, 4 * kPage);
  grow = do_mremap(grow, 4 * kPage, 8 * kPage, 0, nullptr);
  touch(grow, 8 * kPage);
  checkpoint(6, true, "mremap-grow-in-place");

  char* dest = do_mmap(nullptr, 16 * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* moved = do_mremap(grow, 8 * kPage, 12 * kPage, MREMAP_MAYMOVE | MREMAP_FIXED, dest + 2 * kPage);
  touch(moved, 12 * kPage);
  checkpoint(7, true, "mremap-move");

  char* copy = do_mremap(moved, 4 * kPage, 4 * kPage, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, nullptr);
  touch(copy, 4 * kPage);
  checkpoint(8, true, "mremap-dontunmap");

  const uint64_t b0 = do_brk(0);
  do_brk(b0 + 64 * 1024);
  do_brk(b0 + 128 * 1024);
  touch(reinterpret_cast<char*>(b0), 128 * 1024);
  checkpoint(9, true, "brk-up");
  do_brk(b0 + 32 * 1024);
  checkpoint(10, true, "brk-down");

  pthread_t t;
  if (pthread_create(&t, nullptr, thread_main, anon) != 0) die("pthread_create");
  pthread_join(t, nullptr);
  checkpoint(11, false, "after-thread");

  flush_log();
  const pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    checkpoint(12, false, "child-after-fork");
    touch(anon + 12 * kPage, 4 * kPage);  // copy-on-write
    checkpoint(13, false, "child-after-cow");
    flush_log();
    execl("/proc/self/exe", argv[0], "--exec-child", g_dir, static_cast<char*>(nullptr));
    die("exec failed");
  }
  int status = 0;
  waitpid(child, &status, 0);
  checkpoint(14, false, "parent-after-child");
  flush_log();
  close(fd);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
