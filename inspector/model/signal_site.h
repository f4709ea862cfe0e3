// Where a refused memory access landed (a SIGSEGV or SIGBUS record): the
// process's layout at that moment says whether it hit the null page, the
// stack's guard gap, a thread stack's guard, the gap above the heap, a
// PROT_NONE mapping, a mapping that does not allow the access, past the end
// of a mapped file, or nothing at all.
#pragma once

#include <cstdint>
#include <string>

#include "events.h"
#include "inspector/model/address_space.h"

namespace pagescope::model {

enum class SignalSite : uint8_t {
  kSent,              // si_code <= 0: sent by a process (kill, tgkill), not an access
  kNullPage,          // no mapping, below 64 KiB (a null pointer plus an offset)
  kStackGuard,        // no mapping, within the guard gap below the main stack (it could not grow)
  kThreadStackGuard,  // the PROT_NONE guard below a thread stack
  kBeyondHeap,        // no mapping, between the heap's end and the next mapping
  kProtNone,          // a PROT_NONE mapping (an explicit guard or reserved range)
  kNotAllowed,        // a mapping whose permissions refuse the access (write to read-only, exec of data)
  kBeyondFile,        // SIGBUS: a file mapping past the file's end
  kUnmapped,          // no mapping anywhere near
  kOther,             // a signal code these classes do not cover (alignment, hardware error)
};
const char* signal_site_name(SignalSite s);

// The main stack's guard gap: the kernel's default stack_guard_gap is 256 pages.
inline constexpr uint64_t kStackGuardGap = 256 * 4096;

struct SignalSiteResult {
  SignalSite site = SignalSite::kUnmapped;
  const Vma* vma = nullptr;  // the mapping hit, or the one the site is named after (stack, heap); may be null
};
SignalSiteResult classify_signal(const ps_signal& s, const AddressSpace& space);

// One SIGSEGV/SIGBUS of a process, classified when it happened.
struct SignalEvent {
  uint64_t ts_ns = 0;
  uint32_t tid = 0;
  uint32_t sender_pid = 0;
  uint32_t signo = 0;
  int32_t code = 0;
  uint64_t addr = 0;
  uint64_t ip = 0;
  SignalSite site = SignalSite::kUnmapped;
  std::string vma;  // kind, range, permissions and path of SignalSiteResult::vma, or ""
};

}  // namespace pagescope::model
