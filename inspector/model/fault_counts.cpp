#include "inspector/model/fault_counts.h"

namespace pagescope::model {

bool fault_is_kernel_mode(const ps_fault& f) {
  // The error code's USER bit is the hardware's word; the flag is the
  // recorder's when no error code was available.
  if (f.flags & PS_FAULT_ERR_KNOWN) return !(f.error_code & PS_PF_USER);
  return (f.flags & PS_FAULT_KERNEL) != 0;
}

const char* fault_access_name(const ps_fault& f) {
  if (!(f.flags & PS_FAULT_ERR_KNOWN)) return "unknown";
  if (f.error_code & PS_PF_INSTR) return "exec";
  if (f.error_code & PS_PF_WRITE) return "write";
  return "read";
}

void FaultCounts::add(const ps_fault& f) {
  ++total;
  if (fault_is_kernel_mode(f)) ++kernel; else ++user;
  if (f.flags & PS_FAULT_MAJOR) ++major; else ++minor;
  if (!(f.flags & PS_FAULT_ERR_KNOWN)) {
    ++unknown_access;
    return;
  }
  if (f.error_code & PS_PF_INSTR) ++exec;
  else if (f.error_code & PS_PF_WRITE) ++write;
  else ++read;
  if (f.error_code & PS_PF_PROT) ++protection; else ++not_present;
}

FaultCounts& FaultCounts::operator+=(const FaultCounts& o) {
  total += o.total; user += o.user; kernel += o.kernel;
  read += o.read; write += o.write; exec += o.exec;
  protection += o.protection; not_present += o.not_present;
  minor += o.minor; major += o.major; unknown_access += o.unknown_access;
  return *this;
}

}  // namespace pagescope::model
