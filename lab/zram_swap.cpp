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

std::string BlockDir(int device) { return "/sys/block/zram" + std::to_string(device); }

// include/linux/swap.h `union swap_header`, version 1: what mkswap(8) writes,
// minus the UUID and label the kernel does not need.
Status WriteSwapHeader(const std::string& dev_path, std::uint64_t disksize) {
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

bool DeviceUnused(int device) {
  auto init = ReadSysNumber(BlockDir(device) + "/initstate");
  return init.ok() && *init == 0 && !SwapActive("/dev/zram" + std::to_string(device));
}

}  // namespace

Status ZramAvailable() {
  if (!PathExists("/sys/class/zram-control") && !PathExists("/sys/block/zram0"))
    return Error{"zram is unavailable: no /sys/class/zram-control (load it with: modprobe zram)"};
  return Status::Ok();
}

Result<std::string> ZramAlgorithms() {
  // Every device offers the same list; zram0 exists whenever the module is loaded
  // with its default of one device, otherwise hot-add answers the same way.
  for (int d = 0; d < 16; ++d) {
    auto text = ReadSysFile(BlockDir(d) + "/comp_algorithm");
    if (!text) continue;
    std::string out;
    for (char c : *text)
      if (c != '[' && c != ']' && c != '\n') out += c;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }
  return Error{"zram: no device to read the compressor list from"};
}

bool SwapActive(const std::string& dev_path) {
  std::istringstream in(ActiveSwaps());
  std::string name;
  std::string rest;
  while (in >> name) {
    if (name == dev_path) return true;
    std::getline(in, rest);
  }
  return false;
}

std::string ActiveSwaps() {
  auto text = ReadSysFile("/proc/swaps");
  if (!text) return {};
  auto eol = text->find('\n');
  return eol == std::string::npos ? std::string() : text->substr(eol + 1);
}

Status ReleaseZramDevice(int device, bool hot_remove) {
  std::string dev = "/dev/zram" + std::to_string(device);
  if (SwapActive(dev)) {
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
    reset = WriteSysFile(BlockDir(device) + "/reset", "1");
    if (reset) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!reset) return reset;
  if (hot_remove) {
    Status removed = WriteSysFile("/sys/class/zram-control/hot_remove", std::to_string(device));
    if (!removed) return removed;
  }
  return Status::Ok();
}

Result<std::unique_ptr<ZramSwap>> ZramSwap::Create(const ZramConfig& config) {
  if (Status s = ZramAvailable(); !s) return Error{s.message()};
  if (config.disksize < 16 * kPageSize) return Error{"--swap: zram size must be at least 64K"};
  auto algorithms = ZramAlgorithms();
  if (!algorithms) return algorithms.error();
  {
    std::istringstream in(*algorithms);
    std::string a;
    bool found = false;
    while (in >> a) found = found || a == config.algorithm;
    if (!found)
      return Error{"--swap: zram compressor '" + config.algorithm + "' is not available (this kernel offers: " +
                   *algorithms + ")"};
  }

  int device = -1;
  bool hot_added = false;
  if (config.device) {
    device = *config.device;
    if (!PathExists(BlockDir(device)))
      return Error{"--zram-device: /dev/zram" + std::to_string(device) + " does not exist"};
    if (!DeviceUnused(device))
      return Error{"zram busy: /dev/zram" + std::to_string(device) +
                   " is already initialized or used as swap by someone else"};
  } else {
    for (int d = 0; d < 64 && device < 0; ++d)
      if (PathExists(BlockDir(d)) && DeviceUnused(d)) device = d;
    if (device < 0) {
      // Reading hot_add creates a device and returns its number.
      auto added = ReadSysNumber("/sys/class/zram-control/hot_add");
      if (!added)
        return Error{"zram busy: every zram device is in use and a new one cannot be added (" +
                     added.error().message + ")"};
      device = static_cast<int>(*added);
      hot_added = true;
    }
  }

  std::string marker = config.state_dir + "/zram" + std::to_string(device);
  std::string content = "pid " + std::to_string(::getpid()) + "\nhot_added " + (hot_added ? "1" : "0") + "\n";
  if (Status s = WriteRegularFile(marker, content); !s) {
    if (hot_added) ReleaseZramDevice(device, true);
    return Error{s.message()};
  }
  std::unique_ptr<ZramSwap> swap(new ZramSwap(device, hot_added, marker));
  // From here on the destructor undoes whatever part of Configure succeeded.
  if (Status s = swap->Configure(config); !s) return Error{s.message()};
  return swap;
}

Status ZramSwap::Configure(const ZramConfig& config) {
  std::string dir = BlockDir(device_);
  if (Status s = WriteSysFile(dir + "/comp_algorithm", config.algorithm); !s) return s;
  if (Status s = WriteSysFile(dir + "/disksize", std::to_string(config.disksize)); !s) return s;
  if (!PathExists(dev_path())) return Error{dev_path() + ": no device node (is devtmpfs mounted on /dev?)"};
  if (Status s = WriteSwapHeader(dev_path(), config.disksize); !s) return s;
  // Highest priority: the lab's swap-outs go here before any other swap.
  int flags = SWAP_FLAG_PREFER | ((32767 << SWAP_FLAG_PRIO_SHIFT) & SWAP_FLAG_PRIO_MASK);
  if (::swapon(dev_path().c_str(), flags) != 0)
    return Error{"swapon " + dev_path() + ": " + std::strerror(errno)};
  if (auto st = ReadStats()) {
    base_reads_ = st->read_ios;
    base_writes_ = st->write_ios;
  }
  return Status::Ok();
}

Status ZramSwap::Teardown() {
  if (torn_down_) return Status::Ok();
  Status s = ReleaseZramDevice(device_, hot_added_);
  if (!s) return s;
  torn_down_ = true;
  ::unlink(marker_.c_str());
  return Status::Ok();
}

ZramSwap::~ZramSwap() { Teardown(); }

Result<ZramStats> ZramSwap::ReadStats() const {
  auto mm = ReadSysFile(BlockDir(device_) + "/mm_stat");
  if (!mm) return mm.error();
  ZramStats st;
  std::istringstream in(*mm);
  std::uint64_t mem_limit = 0;
  in >> st.orig_data_size >> st.compr_data_size >> st.mem_used_total >> mem_limit >> st.mem_used_max >>
      st.same_pages;
  std::uint64_t compacted = 0;
  in >> compacted >> st.huge_pages;
  // Documentation/block/stat.rst: read I/Os is field 1, write I/Os field 5.
  if (auto stat = ReadSysFile(BlockDir(device_) + "/stat")) {
    std::istringstream fields(*stat);
    std::uint64_t f[5] = {};
    for (auto& v : f) fields >> v;
    st.read_ios = f[0] - std::min(f[0], base_reads_);
    st.write_ios = f[4] - std::min(f[4], base_writes_);
  }
  return st;
}

}  // namespace pagescope::lab
