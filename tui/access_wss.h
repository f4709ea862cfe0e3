// The live working set of the process on the detail screen (`top --wss`):
// folds the access sampler's records (ps_access_bits, closed by a
// ps_access_interval) into the pages accessed in the last complete interval,
// per process and per address range. Plain C++ over bpf/events.h records, so
// it is tested without a kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "inspector/model/record_visitor.h"

namespace pagescope::tui {

class AccessWss : private model::RecordVisitor<AccessWss> {
 public:
  // One record as the sampler appends it (any kind; others are ignored).
  void add(const void* data, size_t size);
  // 4 KiB pages accessed in the pid's last complete interval, in kB; empty
  // before the first interval closed.
  std::optional<uint64_t> wss_kb(uint32_t pid) const;
  // The same, only the pages in [start, end).
  std::optional<uint64_t> wss_kb(uint32_t pid, uint64_t start, uint64_t end) const;
  void forget(uint32_t pid);

 private:
  friend class model::RecordVisitor<AccessWss>;
  void on_access_bits(const model::AccessBitsView& v);
  void on_access_interval(const ps_access_interval& iv);

  std::unordered_map<uint32_t, std::vector<uint64_t>> pending_;  // page numbers, this interval
  std::unordered_map<uint32_t, std::vector<uint64_t>> last_;     // sorted, the last closed interval
  std::vector<uint64_t> aligned_;                                 // the record being read, 8-byte aligned
};

}  // namespace pagescope::tui
