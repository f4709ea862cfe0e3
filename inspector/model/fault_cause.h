// Why a page fault happened, decided from what a fault record and the model
// know: the error code (not present / protection, read / write), whether the
// kernel counted it major (it waited for I/O), the VMA it hit, and whether
// the page was touched before in this mapping. The kernel's own reasons
// (mm/memory.c: do_anonymous_page, do_swap_page, do_read_fault,
// do_cow_fault, do_wp_page, wp_page_shared) map onto these classes.
#pragma once

#include <array>
#include <cstdint>

#include "events.h"
#include "inspector/model/vma.h"

namespace pagescope::model {

enum class FaultCause : uint8_t {
  kDemandZero,   // first touch of anonymous memory that needs a page of its own (a write, or shared memory)
  kZeroPage,     // first read of private anonymous memory: the shared zero page is mapped
  kAnonRefault,  // anonymous page faulted in again without I/O (after MADV_DONTNEED, or from the swap cache)
  kSwapIn,       // anonymous (or shared-memory) page read back from swap: a major fault
  kFileCache,    // file page found in the page cache: a minor fault
  kFileDisk,     // file page read from disk: a major fault
  kCopyOnWrite,  // write to a present private page it must copy (after fork, or of the zero page)
  kProtection,   // write to a present page it may write but not yet (a shared file page's dirty tracking)
  kUnknown,      // the capture lacks the error code or the major/minor count this class needs
  kCount,
};
inline constexpr int kFaultCauseCount = int(FaultCause::kCount);
const char* fault_cause_name(FaultCause c);

// `first_touch`: no earlier fault on this page in this mapping (the model's
// page map). A fault the kernel failed (SIGSEGV) is not a counted fault and
// never reaches here.
FaultCause classify_fault(const ps_fault& f, const Vma& vma, bool first_touch);

struct FaultsByCause {
  std::array<uint64_t, kFaultCauseCount> count{};
  void add(FaultCause c) { ++count[size_t(c)]; }
  uint64_t operator[](FaultCause c) const { return count[size_t(c)]; }
};

}  // namespace pagescope::model
