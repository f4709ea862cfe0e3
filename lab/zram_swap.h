// A zram device used as swap for the length of one lab run. create() claims a
// free device (or hot-adds one), sets its compressor and size, writes a swap
// header and swapon()s it at the highest priority so it takes the lab's
// swap-outs before any swap the machine already had. Destruction (or
// teardown()) swapoff()s, resets and, if hot-added, removes the device again.
// A marker file in the state directory names the device while it is ours, so
// a run killed with SIGKILL can be cleaned up later (see leftovers.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace pagescope::lab {

struct ZramConfig {
  std::string algorithm = "lz4";
  std::uint64_t disksize = 1ull << 30;
  std::optional<int> device;  // a specific /dev/zramN; it must be unused
  std::string state_dir;      // where the ownership marker goes
};

// /sys/block/zramN/mm_stat (Documentation/admin-guide/blockdev/zram.rst) and
// the device's I/O counts from /sys/block/zramN/stat.
struct ZramStats {
  std::uint64_t orig_data_size = 0;   // bytes stored, before compression
  std::uint64_t compr_data_size = 0;  // bytes after compression
  std::uint64_t mem_used_total = 0;   // memory the device uses, allocator overhead included
  std::uint64_t mem_used_max = 0;
  std::uint64_t same_pages = 0;       // pages stored as one repeated word (zero pages)
  std::uint64_t huge_pages = 0;       // pages that did not compress
  std::uint64_t write_ios = 0;        // one per page swapped out to this device since swapon
  std::uint64_t read_ios = 0;         // one per page swapped in from it since swapon
  double ratio() const {
    return compr_data_size ? static_cast<double>(orig_data_size) / static_cast<double>(compr_data_size) : 0;
  }
};

class ZramSwap {
 public:
  static Result<std::unique_ptr<ZramSwap>> create(const ZramConfig& config);
  ~ZramSwap();
  ZramSwap(const ZramSwap&) = delete;
  ZramSwap& operator=(const ZramSwap&) = delete;

  // swapoff, reset, hot_remove; safe to call twice. The destructor calls it.
  Status teardown();
  Result<ZramStats> read_stats() const;

  int device() const { return device_; }
  std::string dev_path() const { return "/dev/zram" + std::to_string(device_); }

 private:
  ZramSwap(int device, bool hot_added, std::string marker)
      : device_(device), hot_added_(hot_added), marker_(std::move(marker)) {}
  Status configure(const ZramConfig& config);

  int device_;
  bool hot_added_;
  std::string marker_;
  bool torn_down_ = false;
  // I/O counts at swapon: the swap header and swapon's own reads are not swap traffic.
  std::uint64_t base_reads_ = 0;
  std::uint64_t base_writes_ = 0;
};

// Is zram usable here at all (module loaded, control files present)?
Status zram_available();
// The compressors the kernel offers ("lzo-rle lzo lz4 ..."), without brackets.
Result<std::string> zram_algorithms();
// Undoes one zram device as swap: swapoff (if active), reset, hot_remove if
// asked. Shared by ZramSwap::teardown and leftover cleanup.
Status release_zram_device(int device, bool hot_remove);
// Whether a device node path appears in /proc/swaps.
bool swap_active(const std::string& dev_path);
// The lines of /proc/swaps after the header, for "restored?" checks.
std::string active_swaps();

}  // namespace pagescope::lab
