// The machine's memory over a capture, from the recorder's periodic system
// samples: MemTotal (and MemAvailable) from /proc/meminfo (PS_PROC_MEMINFO),
// and the traced memory cgroup's usage and limit (PS_PROC_MEMCG, recorded
// with --cgroup). What a working set is compared against.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "events.h"

namespace pagescope::model {

struct MemorySample {
  uint64_t ts_ns = 0;
  uint64_t mem_total = 0;      // bytes
  uint64_t mem_available = 0;  // bytes
};

struct MemcgSample {
  uint64_t ts_ns = 0;
  uint64_t usage = 0;  // bytes
  uint64_t limit = 0;  // bytes; 0: no limit ("max")
};

class SystemMemory {
 public:
  void apply(const ps_header& record);

  const std::vector<MemorySample>& meminfo() const { return meminfo_; }
  const std::vector<MemcgSample>& memcg() const { return memcg_; }
  // The latest sample at or before `ts` (else the first after it); nullopt when there is none.
  std::optional<MemorySample> meminfo_at(uint64_t ts) const;
  std::optional<MemcgSample> memcg_at(uint64_t ts) const;

 private:
  std::vector<MemorySample> meminfo_;
  std::vector<MemcgSample> memcg_;
};

// "MemTotal:  16384 kB" lines of /proc/meminfo: the value of `key` in bytes, if present.
std::optional<uint64_t> meminfo_value(std::string_view text, std::string_view key);
// The recorder's memcg text ("usage N\nlimit N\n" then memory.stat); limit "max" reads as 0.
std::optional<MemcgSample> parse_memcg(std::string_view text);

}  // namespace pagescope::model
