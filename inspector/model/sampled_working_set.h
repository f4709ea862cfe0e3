// Working set from accessed bits: `pagescope record --wss-interval D` reads
// /proc/PID/smaps every D and then clears the accessed bits (clear_refs), so
// each sample's "Referenced:" is what the process touched during the interval
// that ended at the sample: W(t, D), re-references included. Faults (see
// working_set.h) only see first touches, so this is the upper figure of the
// two, up to the TLB caveat below.
//
// Caveat: x86 does not flush the TLB when clear_refs clears the accessed
// bits; a page whose translation stays cached in the TLB is not re-marked on
// access, so a tight loop over few pages can be under-counted.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "events.h"
#include "inspector/model/smaps_parser.h"

namespace pagescope::model {

struct WssSample {
  uint64_t t_ns = 0;         // when smaps was read: end of the interval
  uint64_t interval_ns = 0;  // since the previous sample; 0 for the first (nothing cleared before it)
  uint64_t referenced = 0;   // bytes referenced in the interval, whole process
  uint64_t rss = 0;          // bytes resident at t
  std::array<uint64_t, kVmaKindCount> referenced_by_kind{};
  std::vector<SmapsVma> vmas;  // every VMA, kinds classified as AddressSpace does
};

// Collects the PS_PROC_SMAPS samples of one process.
class SmapsSampler {
 public:
  explicit SmapsSampler(uint32_t pid) : pid_(pid) {}
  void apply(const ps_header& record);
  const std::vector<WssSample>& samples() const { return samples_; }
  uint64_t bad_samples() const { return bad_; }           // smaps text that did not parse
  const std::string& last_error() const { return last_error_; }

 private:
  uint32_t pid_;
  std::vector<WssSample> samples_;
  uint64_t bad_ = 0;
  std::string last_error_;
};

// Bytes referenced in a sample by the VMAs inside [start, end).
uint64_t referenced_in(const WssSample& s, uint64_t start, uint64_t end);

}  // namespace pagescope::model
