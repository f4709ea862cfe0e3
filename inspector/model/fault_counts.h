// Page faults broken down by the questions users ask of them: which mode,
// which access, was the page missing or protected, did it need I/O.
#pragma once

#include <cstdint>

#include "events.h"

namespace pagescope::model {

struct FaultCounts {
  uint64_t total = 0;
  uint64_t user = 0;
  uint64_t kernel = 0;       // taken in kernel mode (copy_to_user, GUP with regs)
  uint64_t read = 0;
  uint64_t write = 0;
  uint64_t exec = 0;         // instruction fetch
  uint64_t protection = 0;   // page present, access not allowed (COW, mprotect, NUMA hinting)
  uint64_t not_present = 0;
  uint64_t minor = 0;
  uint64_t major = 0;        // needed I/O (swap-in, file read)
  uint64_t unknown_access = 0;  // no error code: access and protection unknown

  void add(const ps_fault& f);
  FaultCounts& operator+=(const FaultCounts& o);
};

// The access a fault made, as one word for tables and exports.
const char* fault_access_name(const ps_fault& f);
bool fault_is_kernel_mode(const ps_fault& f);

}  // namespace pagescope::model
