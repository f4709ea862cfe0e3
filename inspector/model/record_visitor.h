// One typed visitor over records, in the spirit of perf's `perf_tool`: a
// consumer names the kinds it wants (on_fault(const ps_fault&), ...) and
// RecordVisitor::visit validates each record's size once, clamps its
// variable-length tail and calls the one handler for its kind. A record
// shorter than its struct (or whose bitmaps run past it) goes to
// on_malformed with a reason, is counted, and never reaches its handler.
//
// CRTP, not virtual: visit() is a switch on the kind whose handlers inline
// into it, because this is the hot path of every offline command.
//
//   class Counter : public RecordVisitor<Counter> {
//    public:
//     void on_fault(const ps_fault& f) { ++faults; }
//     uint64_t faults = 0;
//   };
//   Counter c;  reader.for_each([&](const ps_header& h) { c.visit(h); return true; });
//
// Handlers a consumer does not define fall to on_other(h) (default: nothing),
// so "everything else" is one override. A handler may be private if the
// class befriends RecordVisitor<Self>.
#pragma once

#include <cstdint>
#include <string_view>

#include "events.h"
#include "inspector/model/access_bits.h"
#include "inspector/model/record_view.h"

namespace pagescope::model {

// Why a record was not handed to its handler.
namespace malformed {
inline constexpr const char* kShort = "record shorter than its struct";
inline constexpr const char* kPageShift = "access bits: page_shift outside 12..30";
inline constexpr const char* kBitmaps = "access bits: bitmaps run past the record";
}  // namespace malformed

template <typename Derived>
class RecordVisitor {
 public:
  // Validates `h` and calls exactly one of the handlers below.
  inline void visit(const ps_header& h);

  // Records that went to on_malformed.
  uint64_t malformed_records() const { return malformed_; }

  // Default handlers: a kind the consumer does not name falls to on_other.
  void on_fault(const ps_fault& r) { self().on_other(r.hdr); }
  void on_mm_syscall(const ps_mm_syscall& r) { self().on_other(r.hdr); }  // PS_EV_MMAP..PS_EV_SHMDT
  void on_mmap_file(const ps_mmap_file& r) { self().on_other(r.hdr); }
  void on_fork(const ps_fork& r) { self().on_other(r.hdr); }
  void on_exec(const ps_exec& r) { self().on_other(r.hdr); }
  void on_exit(const ps_exit& r) { self().on_other(r.hdr); }
  void on_reclaim(const ps_reclaim& r) { self().on_other(r.hdr); }
  void on_lru_shrink(const ps_lru_shrink& r) { self().on_other(r.hdr); }
  void on_write_folio(const ps_write_folio& r) { self().on_other(r.hdr); }
  void on_swap_ents(const ps_swap_ents& r) { self().on_other(r.hdr); }
  void on_tlb_flush(const ps_tlb_flush& r) { self().on_other(r.hdr); }
  void on_oom_victim(const ps_oom_victim& r) { self().on_other(r.hdr); }
  void on_signal(const ps_signal& r) { self().on_other(r.hdr); }
  void on_compaction(const ps_compaction& r) { self().on_other(r.hdr); }
  void on_order_counts(const ps_order_counts& r) { self().on_other(r.hdr); }
  // `text`: the `length` bytes after the struct, clamped to the record.
  void on_proc_file(const ps_proc_file& r, std::string_view /*text*/) { self().on_other(r.hdr); }
  void on_lost(const ps_lost& r) { self().on_other(r.hdr); }
  void on_target(const ps_target& r) { self().on_other(r.hdr); }
  // `bits`: the three bitmaps, checked to lie inside the record.
  void on_access_bits(const AccessBitsView& bits) { self().on_other(bits.record->hdr); }
  void on_access_interval(const ps_access_interval& r) { self().on_other(r.hdr); }
  void on_page_content(const ps_page_content& r) { self().on_other(r.hdr); }
  void on_compress_calibration(const ps_compress_calibration& r) { self().on_other(r.hdr); }
  // A kind this build does not know (a newer recorder, PS_EV_NONE).
  void on_unknown(const ps_header& h) { self().on_other(h); }
  void on_other(const ps_header&) {}
  // `reason`: one of malformed::k*. Counted before the call.
  void on_malformed(const ps_header&, const char* /*reason*/) {}

 private:
  Derived& self() { return static_cast<Derived&>(*this); }

  template <typename T>
  const T* fits(const ps_header& h) {
    if (h.size >= sizeof(T)) return reinterpret_cast<const T*>(&h);
    bad(h, malformed::kShort);
    return nullptr;
  }
  void bad(const ps_header& h, const char* reason) {
    ++malformed_;
    self().on_malformed(h, reason);
  }

  uint64_t malformed_ = 0;
};

template <typename Derived>
inline void RecordVisitor<Derived>::visit(const ps_header& h) {
  Derived& d = self();
  switch (h.kind) {
    case PS_EV_FAULT:
      if (const auto* r = fits<ps_fault>(h)) d.on_fault(*r);
      return;
    case PS_EV_MMAP: case PS_EV_MUNMAP: case PS_EV_MPROTECT: case PS_EV_MREMAP:
    case PS_EV_BRK: case PS_EV_MADVISE: case PS_EV_SHMAT: case PS_EV_SHMDT:
      if (const auto* r = fits<ps_mm_syscall>(h)) d.on_mm_syscall(*r);
      return;
    case PS_EV_FORK:
      if (const auto* r = fits<ps_fork>(h)) d.on_fork(*r);
      return;
    case PS_EV_EXEC:
      if (const auto* r = fits<ps_exec>(h)) d.on_exec(*r);
      return;
    case PS_EV_EXIT:
      if (const auto* r = fits<ps_exit>(h)) d.on_exit(*r);
      return;
    case PS_EV_RECLAIM:
      if (const auto* r = fits<ps_reclaim>(h)) d.on_reclaim(*r);
      return;
    case PS_EV_LRU_SHRINK:
      if (const auto* r = fits<ps_lru_shrink>(h)) d.on_lru_shrink(*r);
      return;
    case PS_EV_WRITE_FOLIO:
      if (const auto* r = fits<ps_write_folio>(h)) d.on_write_folio(*r);
      return;
    case PS_EV_SWAP_ENTS:
      if (const auto* r = fits<ps_swap_ents>(h)) d.on_swap_ents(*r);
      return;
    case PS_EV_TLB_FLUSH:
      if (const auto* r = fits<ps_tlb_flush>(h)) d.on_tlb_flush(*r);
      return;
    case PS_EV_MMAP_FILE:
      if (const auto* r = fits<ps_mmap_file>(h)) d.on_mmap_file(*r);
      return;
    case PS_EV_OOM_VICTIM:
      if (const auto* r = fits<ps_oom_victim>(h)) d.on_oom_victim(*r);
      return;
    case PS_EV_SIGNAL:
      if (const auto* r = fits<ps_signal>(h)) d.on_signal(*r);
      return;
    case PS_EV_COMPACTION:
      if (const auto* r = fits<ps_compaction>(h)) d.on_compaction(*r);
      return;
    case PS_EV_ORDER_COUNTS:
      if (const auto* r = fits<ps_order_counts>(h)) d.on_order_counts(*r);
      return;
    case PS_EV_PROC_FILE:
      if (const auto* r = fits<ps_proc_file>(h)) d.on_proc_file(*r, proc_file_text(*r));
      return;
    case PS_EV_LOST:
      if (const auto* r = fits<ps_lost>(h)) d.on_lost(*r);
      return;
    case PS_EV_TARGET:
      if (const auto* r = fits<ps_target>(h)) d.on_target(*r);
      return;
    case PS_EV_ACCESS_BITS: {
      const auto* r = fits<ps_access_bits>(h);
      if (!r) return;
      if (r->page_shift < 12 || r->page_shift > 30) return bad(h, malformed::kPageShift);
      const AccessBitsView v = access_bits_view(h);
      if (!v.record) return bad(h, malformed::kBitmaps);
      d.on_access_bits(v);
      return;
    }
    case PS_EV_ACCESS_INTERVAL:
      if (const auto* r = fits<ps_access_interval>(h)) d.on_access_interval(*r);
      return;
    case PS_EV_PAGE_CONTENT:
      if (const auto* r = fits<ps_page_content>(h)) d.on_page_content(*r);
      return;
    case PS_EV_COMPRESS_CALIBRATION:
      if (const auto* r = fits<ps_compress_calibration>(h)) d.on_compress_calibration(*r);
      return;
    default:
      d.on_unknown(h);
      return;
  }
}

}  // namespace pagescope::model
