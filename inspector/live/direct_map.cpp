#include "inspector/live/direct_map.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace pagescope::live {
namespace {

// A page of our own, locked so it keeps its frame while the probe runs.
class CookiePage {
 public:
  CookiePage() {
    page_ = static_cast<uint64_t*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
    if (page_ == MAP_FAILED) page_ = nullptr;
    if (page_ && mlock(page_, 4096) != 0) locked_ = false;
  }
  ~CookiePage() {
    if (page_) {
      std::memset(page_, 0, 4096);
      munmap(page_, 4096);
    }
  }
  CookiePage(const CookiePage&) = delete;
  CookiePage& operator=(const CookiePage&) = delete;

  bool ok() const { return page_ != nullptr && locked_; }

  // Writes a fresh random cookie and returns it split in two random halves
  // (a ^ b), so the whole value never sits anywhere but in the page.
  bool refresh(uint64_t& a, uint64_t& b) {
    uint64_t r[2];
    if (getrandom(r, sizeof(r), 0) != sizeof(r)) return false;
    a = r[0];
    b = r[1];
    page_[0] = a ^ b;
    if (page_[0] == 0) page_[0] = ~0ull, b = a ^ ~0ull;  // never 0: unmapped reads return 0
    return true;
  }

  // Physical address of the page, from its pagemap entry (the frame number
  // reads as 0 without CAP_SYS_ADMIN: Documentation/admin-guide/mm/pagemap.rst).
  Result<uint64_t> phys() const {
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{std::string("cannot open /proc/self/pagemap: ") + strerror(errno)};
    uint64_t entry = 0;
    off_t off = static_cast<off_t>(reinterpret_cast<uintptr_t>(page_) / 4096 * 8);
    ssize_t n = pread(fd, &entry, sizeof(entry), off);
    close(fd);
    if (n != sizeof(entry)) return Error{"cannot read /proc/self/pagemap"};
    uint64_t pfn = entry & ((1ull << 55) - 1);
    if (!(entry >> 63) || pfn == 0) {
      return Error{"physical addresses are hidden in /proc/self/pagemap (needs CAP_SYS_ADMIN)",
                   ErrorKind::kPermission};
    }
    return pfn * 4096;
  }

 private:
  uint64_t* page_ = nullptr;
  bool locked_ = true;
};

}  // namespace

bool five_level_paging() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::string w;
    while (words >> w) {
      if (w == "la57") return true;
    }
    return false;
  }
  return false;
}

DirectMapRange direct_map_candidates(bool la57) {
  // arch/x86/include/asm/page_64_types.h: __PAGE_OFFSET_BASE_L4/L5 is the
  // lowest base; kernel_randomize_memory() moves it up in PUD steps, below
  // CPU_ENTRY_AREA_BASE (0xfffffe0000000000).
  uint64_t first = la57 ? 0xff11000000000000ull : 0xffff888000000000ull;
  uint64_t last = 0xfffffe0000000000ull - (1ull << 30);
  return {first, last};
}

Result<uint64_t> find_direct_map_base(const DirectMapProbe& probe, bool la57) {
  CookiePage page;
  if (!page.ok()) return Error{std::string("cannot lock a page in memory: ") + strerror(errno)};
  uint64_t a = 0, b = 0;
  if (!page.refresh(a, b)) return Error{"getrandom failed"};
  auto phys = page.phys();
  if (!phys) return phys.error();
  DirectMapRange range = direct_map_candidates(la57);
  auto base = probe(*phys, a, b, range.first, range.last);
  if (!base) return base.error();
  if (*base == 0) return Error{"the kernel's direct map was not found", ErrorKind::kUnsupported};

  // Confirm with a new cookie (the frame could have moved: read it again).
  if (!page.refresh(a, b)) return Error{"getrandom failed"};
  auto phys2 = page.phys();
  if (!phys2) return phys2.error();
  auto again = probe(*phys2, a, b, *base, *base);
  if (!again) return again.error();
  if (*again != *base) {
    return Error{"the kernel's direct map could not be confirmed", ErrorKind::kUnsupported};
  }
  return *base;
}

}  // namespace pagescope::live
