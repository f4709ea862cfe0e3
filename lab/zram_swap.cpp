#include "lab/zram_swap.h"

#include <fcntl.h>
#include <sys/swap.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <thread>

#include "lab/sys_file.h"

namespace pagescope::lab {
namespace {

constexpr std::size_t kPageSize = 4096;

std::string block_dir(int device) { return "/sys/block/zram" + std::to_string(device); }

// include/linux/swap.h `union swap_header`, version 1: what mkswap(8) writes,
// minus the UUID and label the kernel does not need.
Status write_swap_header(const std::string& dev_path, std::uint64_t disksize) {
  unsigned char page[kPageSize] = {};
  std::uint32_t version = 1;
  std::uint32_t last_page = static_cast<std::uint32_t>(disksize / kPageSize - 1);
  std::memcpy(page + 1024, &version, 4);
  std::memcpy(page + 1028, &last_page, 4);  // nr_badpages at 1032 stays 0
  std::memcpy(page + kPageSize - 10, "SWAPSPACE2", 10);
  int fd = ::open(dev_path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error{dev_path + ": " + std::strerror(errno)};
  ssize_t n = ::pwrite(fd, page, sizeof page, 0);
  int err = errno;
  if (n == static_cast<ssize_t>(sizeof page)) ::fsync(fd);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof page))
    return Error{"writing the swap header to " + dev_path + ": " + std::strerror(err)};
  return Status::Ok();
}

bool device_unused(int device) {
  auto init = read_sys_number(block_dir(device) + "/initstate");
  return init.ok() && *init == 0 && !swap_active("/dev/zram" + std::to_string(device));
}

}  // namespace

Status zram_available() {
  if (!path_exists("/sys/class/zram-control") && !path_exists("/sys/block/zram0"))
    return Error{"zram is unavailable: no /sys/class/zram-control (load it with: modprobe zram)"};
  return Status::Ok();
}

Result<std::string> zram_algorithms() {
  // Every device offers the same list; zram0 exists whenever the module is loaded
  // with its default of one device, otherwise hot-add answers the same way.
  for (int d = 0; d < 16; ++d) {
    auto text = read_sys_file(block_dir(d) + "/comp_algorithm");
    if (!text) continue;
    std::string out;
    for (char c : *text)
      if (c != '[' && c != ']' && c != '\n') out += c;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }
  return Error{"zram: no device to read the compressor list from"};
}

bool swap_active(const std::string& dev_path) {
  std::istringstream in(active_swaps());
  std::string name;
  std::string rest;
  while (in >> name) {
    if (name == dev_path) return true;
    std::getline(in, rest);
  }
  return false;
}

std::string active_swaps() {
  auto text = read_sys_file("/proc/swaps");
  if (!text) return {};
  auto eol = text->find('\n');
  return eol == std::string::npos ? std::string() : text->substr(eol + 1);
}

Status release_zram_device(int device, bool hot_remove) {
  std::string dev = "/dev/zram" + std::to_string(device);
  if (swap_active(dev)) {
    // swapoff is interruptible (try_to_unuse checks signal_pending), and our
    // SIGINT handler does not restart syscalls: retry, Ctrl-C must not leave
    // the swap active.
    int rc;
    int tries = 0;
    do {
      rc = ::swapoff(dev.c_str());
    } while (rc != 0 && errno == EINTR && ++tries < 100);
    if (rc != 0) return Error{"swapoff " + dev + ": " + std::strerror(errno)};
  }
  // reset fails with EBUSY while something still holds the device open.
  Status reset;
  for (int i = 0; i < 50; ++i) {
    reset = write_sys_file(block_dir(device) + "/reset", "1");
    if (reset) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!reset) return reset;
  if (hot_remove) {
    Status removed = write_sys_file("/sys/class/zram-control/hot_remove", std::to_string(device));
    if (!removed) return removed;
  }
  return Status::Ok();
}

Result<std::unique_ptr<ZramSwap>> ZramSwap::create(const ZramConfig& config) {
  if (Status s = zram_available(); !s) return Error{s.message()};
  if (config.disksize < 16 * kPageSize) return Error{"--swap: zram size must be at least 64K", ErrorKind::kUsage};
  auto algorithms = zram_algorithms();
  if (!algorithms) return algorithms.error();
  {
    std::istringstream in(*algorithms);
    std::string a;
    bool found = false;
    while (in >> a) found = found || a == config.algorithm;
    if (!found)
      return Error{"--swap: zram compressor '" + config.algorithm + "' is not available (this kernel offers: " +
                   *algorithms + ")",
                   ErrorKind::kUsage};
  }

  int device = -1;
  bool hot_added = false;
  if (config.device) {
    device = *config.device;
    if (!path_exists(block_dir(device)))
      return Error{"--zram-device: /dev/zram" + std::to_string(device) + " does not exist", ErrorKind::kUsage};
    if (!device_unused(device))
      return Error{"zram busy: /dev/zram" + std::to_string(device) +
                   " is already initialized or used as swap by someone else"};
  } else {
    for (int d = 0; d < 64 && device < 0; ++d)
      if (path_exists(block_dir(d)) && device_unused(d)) device = d;
    if (device < 0) {
      // Reading hot_add creates a device and returns its number.
      auto added = read_sys_number("/sys/class/zram-control/hot_add");
      if (!added)
        return Error{"zram busy: every zram device is in use and a new one cannot be added (" +
                     added.error().message + ")"};
      device = static_cast<int>(*added);
      hot_added = true;
    }
  }

  std::string marker = config.state_dir + "/zram" + std::to_string(device);
  std::string content = "pid " + std::to_string(::getpid()) + "\nhot_added " + (hot_added ? "1" : "0") + "\n";
  if (Status s = write_regular_file(marker, content); !s) {
    if (hot_added) release_zram_device(device, true);
    return Error{s.message()};
  }
  std::unique_ptr<ZramSwap> swap(new ZramSwap(device, hot_added, marker));
  // From here on the destructor undoes whatever part of configure() succeeded.
  if (Status s = swap->configure(config); !s) return Error{s.message()};
  return swap;
}

Status ZramSwap::configure(const ZramConfig& config) {
  std::string dir = block_dir(device_);
  if (Status s = write_sys_file(dir + "/comp_algorithm", config.algorithm); !s) return s;
  if (Status s = write_sys_file(dir + "/disksize", std::to_string(config.disksize)); !s) return s;
  if (!path_exists(dev_path())) return Error{dev_path() + ": no device node (is devtmpfs mounted on /dev?)"};
  if (Status s = write_swap_header(dev_path(), config.disksize); !s) return s;
  // Highest priority: the lab's swap-outs go here before any other swap.
  int flags = SWAP_FLAG_PREFER | ((32767 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
  if (::swapon(dev_path().c_str(), flags) != 0)
    return Error{"swapon " + dev_path() + ": " + std::strerror(errno)};
  if (auto st = read_stats()) {
    base_reads_ = st->read_ios;
    base_writes_ = st->write_ios;
  }
  return Status::Ok();
}

Status ZramSwap::teardown() {
  if (torn_down_) return Status::Ok();
  Status s = release_zram_device(device_, hot_added_);
  if (!s) return s;
  torn_down_ = true;
  ::unlink(marker_.c_str());
  return Status::Ok();
}

ZramSwap::~ZramSwap() { teardown(); }

Result<ZramStats> ZramSwap::read_stats() const {
  auto mm = read_sys_file(block_dir(device_) + "/mm_stat");
  if (!mm) return mm.error();
  ZramStats st;
  std::istringstream in(*mm);
  std::uint64_t mem_limit = 0;
  in >> st.orig_data_size >> st.compr_data_size >> st.mem_used_total >> mem_limit >> st.mem_used_max >>
      st.same_pages;
  std::uint64_t compacted = 0;
  in >> compacted >> st.huge_pages;
  // Documentation/block/stat.rst: read I/Os is field 1, write I/Os field 5.
  if (auto stat = read_sys_file(block_dir(device_) + "/stat")) {
    std::istringstream fields(*stat);
    std::uint64_t f[5] = {};
    for (auto& v : f) fields >> v;
    st.read_ios = f[0] - std::min(f[0], base_reads_);
    st.write_ios = f[4] - std::min(f[4], base_writes_);
  }
  return st;
}

}  // namespace pagescope::lab
