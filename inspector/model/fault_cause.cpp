#include "inspector/model/fault_cause.h"

namespace pagescope::model {
namespace {

// Shared memory: a shmem file to the kernel (shared anonymous memory, SysV,
// POSIX /dev/shm, memfd), anonymous to the program: zero-filled when new,
// swapped rather than written to a disk file.
bool shmem(const Vma& v) {
  if (!v.shared) return false;
  if (!v.file || v.path.empty()) return true;
  return is_shared_memory_path(v.path) || v.path.rfind("/dev/zero", 0) == 0;
}

}  // namespace

const char* fault_cause_name(FaultCause c) {
  switch (c) {
    case FaultCause::kDemandZero: return "demand-zero";
    case FaultCause::kZeroPage: return "zero-page";
    case FaultCause::kAnonRefault: return "anon-refault";
    case FaultCause::kSwapIn: return "swap-in";
    case FaultCause::kFileCache: return "file-cache";
    case FaultCause::kFileDisk: return "file-disk";
    case FaultCause::kCopyOnWrite: return "cow";
    case FaultCause::kProtection: return "protection";
    case FaultCause::kUnknown:
    case FaultCause::kCount: break;
  }
  return "unknown";
}

FaultCause classify_fault(const ps_fault& f, const Vma& vma, bool first_touch) {
  const bool error_known = f.flags & PS_FAULT_ERR_KNOWN;
  const bool kind_known = f.flags & PS_FAULT_ACCOUNTED;  // the kernel's major/minor count
  const bool major = kind_known && (f.flags & PS_FAULT_MAJOR);
  const bool write = error_known && (f.error_code & PS_PF_WRITE);
  if (error_known && (f.error_code & PS_PF_PROT)) {
    // A present page: a private one is copied on write (do_wp_page); a
    // shared one is made writable and dirty (wp_page_shared).
    if (write && !vma.shared && (vma.perms & kPermWrite)) return FaultCause::kCopyOnWrite;
    return FaultCause::kProtection;
  }
  // Not present (or not known to be). A first touch of shared memory may
  // find a page another process made: counted as demand-zero all the same.
  const bool anon = !vma.file || shmem(vma);
  if (anon) {
    if (major) return FaultCause::kSwapIn;
    if (!kind_known) return FaultCause::kUnknown;
    if (!first_touch) return FaultCause::kAnonRefault;
    if (!error_known) return FaultCause::kUnknown;
    // A read of private memory maps the zero page (do_anonymous_page);
    // shared memory and writes allocate a page. An instruction fetch is a
    // read to the kernel.
    return write || vma.shared ? FaultCause::kDemandZero : FaultCause::kZeroPage;
  }
  if (!kind_known) return FaultCause::kUnknown;
  return major ? FaultCause::kFileDisk : FaultCause::kFileCache;
}

}  // namespace pagescope::model
