// Test helper for record_attribution_test: faults on known pages of a file
// mapping at a known file offset.
//
//   map_file_pages FILE REPORT
//
// Creates FILE (64 pages), maps 32 of its pages from file offset 8 pages
// (MAP_PRIVATE, read-write), waits 400 ms (so a periodic maps snapshot names
// the file), then writes one byte to mapping pages 0, 3, 7 and 29: a write to
// a private file page is one copy-on-write fault each, never fault-around.
// REPORT: "pid P", "map ADDR LEN", "offset OFF".
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: map_file_pages FILE REPORT\n");
    return 2;
  }
  constexpr size_t kPage = 4096, kFilePages = 64, kMapPages = 32, kOffsetPages = 8;
  int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return 1;
  std::vector<char> page(kPage, 'x');
  for (size_t i = 0; i < kFilePages; ++i) {
    if (write(fd, page.data(), kPage) != ssize_t(kPage)) return 1;
  }
  char* map = static_cast<char*>(mmap(nullptr, kMapPages * kPage, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE, fd, kOffsetPages * kPage));
  if (map == MAP_FAILED) return 1;
  usleep(400 * 1000);
  for (size_t i : {0, 3, 7, 29}) map[i * kPage] = 'y';
  FILE* out = std::fopen(argv[2], "w");
  if (!out) return 1;
  std::fprintf(out, "pid %d\nmap %lu %zu\noffset %zu\n", int(getpid()),
               static_cast<unsigned long>(reinterpret_cast<uintptr_t>(map)), kMapPages * kPage,
               kOffsetPages * kPage);
  std::fclose(out);
  return 0;
}
