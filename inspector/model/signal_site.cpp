#include "inspector/model/signal_site.h"

namespace pagescope::model {
namespace {

constexpr int kSigBus = 7;
constexpr int kBusAdrErr = 2;      // BUS_ADRERR: nonexistent physical address (past a file's end)
constexpr uint64_t kNullRange = 64 * 1024;

}  // namespace

const char* signal_site_name(SignalSite s) {
  switch (s) {
    case SignalSite::kSent: return "sent";
    case SignalSite::kNullPage: return "null page";
    case SignalSite::kStackGuard: return "stack guard";
    case SignalSite::kThreadStackGuard: return "thread stack guard";
    case SignalSite::kBeyondHeap: return "beyond heap";
    case SignalSite::kProtNone: return "PROT_NONE";
    case SignalSite::kNotAllowed: return "not allowed";
    case SignalSite::kBeyondFile: return "beyond end of file";
    case SignalSite::kUnmapped: return "unmapped";
    case SignalSite::kOther: break;
  }
  return "other";
}

SignalSiteResult classify_signal(const ps_signal& s, const AddressSpace& space) {
  if (s.code <= 0) return {SignalSite::kSent, nullptr};
  const uint64_t a = s.addr;
  if (const Vma* v = space.find(a)) {
    if (int(s.signo) == kSigBus) return {v->file && s.code == kBusAdrErr ? SignalSite::kBeyondFile : SignalSite::kOther, v};
    if (v->perms == 0) {
      // glibc puts a PROT_NONE guard right below each thread's stack.
      const auto& pieces = space.pieces();
      auto above = pieces.find(v->end);
      const bool thread_guard = above != pieces.end() && above->second.kind == VmaKind::kThreadStack;
      return {thread_guard ? SignalSite::kThreadStackGuard : SignalSite::kProtNone, v};
    }
    return {SignalSite::kNotAllowed, v};
  }
  if (int(s.signo) == kSigBus) return {SignalSite::kOther, nullptr};
  if (a < kNullRange) return {SignalSite::kNullPage, nullptr};
  const auto& pieces = space.pieces();
  auto above = pieces.upper_bound(a);
  if (above != pieces.end() && above->second.kind == VmaKind::kStack && above->second.start - a <= kStackGuardGap) {
    return {SignalSite::kStackGuard, &above->second};
  }
  if (above != pieces.begin()) {
    const Vma& below = std::prev(above)->second;
    if (below.kind == VmaKind::kHeap) return {SignalSite::kBeyondHeap, &below};
  }
  return {SignalSite::kUnmapped, nullptr};
}

}  // namespace pagescope::model
