// A memory cgroup with a hard limit for the length of one lab run, on cgroup
// v2 when its memory controller is enabled, otherwise on the v1 memory
// hierarchy. The name starts with kLabCgroupPrefix so leftovers of a run that
// was SIGKILLed can be found. Destruction (or teardown()) kills whatever is
// still inside and removes the directory.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::lab {

inline constexpr const char* kLabCgroupPrefix = "pagescope-lab-";

enum class CgroupVersion { kV1, kV2 };

// Where a memory cgroup can be made on this machine.
struct MemoryHierarchy {
  CgroupVersion version;
  std::string root;  // /sys/fs/cgroup/memory (v1) or the v2 mount
};

// The usable memory hierarchy, v2 preferred; an error names what is missing.
Result<MemoryHierarchy> find_memory_hierarchy();

// What the cgroup itself counted, read before it is removed.
struct CgroupStats {
  std::uint64_t limit_hits = 0;   // v1 memory.failcnt; v2 memory.events "max"
  std::uint64_t oom_kills = 0;    // v1 memory.oom_control "oom_kill"; v2 memory.events "oom_kill"
  std::uint64_t peak_bytes = 0;   // v1 memory.max_usage_in_bytes; v2 memory.peak
  std::uint64_t swap_bytes = 0;   // v1 memory.stat "swap"; v2 memory.stat "swap" or memory.swap.current
  std::map<std::string, std::uint64_t> stat;  // memory.stat as the kernel wrote it
};

class MemoryCgroup {
 public:
  static Result<std::unique_ptr<MemoryCgroup>> create(const MemoryHierarchy& hierarchy, const std::string& name,
                                                      std::uint64_t limit_bytes);
  ~MemoryCgroup();
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;

  // Kills what is left inside, removes the directory; safe to call twice.
  Status teardown();
  Result<CgroupStats> read_stats() const;

  const std::string& path() const { return path_; }
  // A process joins by writing its pid here (before exec, in the child).
  std::string procs_file() const { return path_ + "/cgroup.procs"; }
  CgroupVersion version() const { return version_; }

 private:
  MemoryCgroup(CgroupVersion version, std::string path) : version_(version), path_(std::move(path)) {}

  CgroupVersion version_;
  std::string path_;
  bool torn_down_ = false;
};

// SIGKILLs every process in the cgroup directory, waits for it to empty, and
// removes it. Shared by MemoryCgroup::teardown and leftover cleanup.
Status remove_cgroup_dir(const std::string& path);

}  // namespace pagescope::lab
