// RecordVisitor: every kind reaches its one handler when whole; a record cut
// short of its struct (or of its bitmaps) goes to on_malformed, is counted,
// and never reaches its handler; a proc_file's text is clamped to the record.
#include "inspector/model/record_visitor.h"

#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pagescope::model {
namespace {

// Records which handler each visit reached.
struct Log : RecordVisitor<Log> {
  std::vector<std::string> calls;
  std::vector<std::string> reasons;
  std::string text;
  void on_fault(const ps_fault&) { calls.push_back("fault"); }
  void on_mm_syscall(const ps_mm_syscall&) { calls.push_back("mm_syscall"); }
  void on_fork(const ps_fork&) { calls.push_back("fork"); }
  void on_exec(const ps_exec&) { calls.push_back("exec"); }
  void on_exit(const ps_exit&) { calls.push_back("exit"); }
  void on_reclaim(const ps_reclaim&) { calls.push_back("reclaim"); }
  void on_lru_shrink(const ps_lru_shrink&) { calls.push_back("lru_shrink"); }
  void on_write_folio(const ps_write_folio&) { calls.push_back("write_folio"); }
  void on_swap_ents(const ps_swap_ents&) { calls.push_back("swap_ents"); }
  void on_tlb_flush(const ps_tlb_flush&) { calls.push_back("tlb_flush"); }
  void on_oom_victim(const ps_oom_victim&) { calls.push_back("oom_victim"); }
  void on_signal(const ps_signal&) { calls.push_back("signal"); }
  void on_mmap_file(const ps_mmap_file&) { calls.push_back("mmap_file"); }
  void on_compaction(const ps_compaction&) { calls.push_back("compaction"); }
  void on_order_counts(const ps_order_counts&) { calls.push_back("order_counts"); }
  void on_proc_file(const ps_proc_file&, std::string_view t) {
    calls.push_back("proc_file");
    text = std::string(t);
  }
  void on_lost(const ps_lost&) { calls.push_back("lost"); }
  void on_target(const ps_target&) { calls.push_back("target"); }
  void on_access_bits(const AccessBitsView&) { calls.push_back("access_bits"); }
  void on_access_interval(const ps_access_interval&) { calls.push_back("access_interval"); }
  void on_page_content(const ps_page_content&) { calls.push_back("page_content"); }
  void on_compress_calibration(const ps_compress_calibration&) { calls.push_back("compress_calibration"); }
  void on_unknown(const ps_header&) { calls.push_back("unknown"); }
  void on_malformed(const ps_header&, const char* reason) { reasons.push_back(reason); }
};

struct Kind {
  uint16_t kind;
  size_t size;
  const char* handler;
};

const Kind kKinds[] = {
    {PS_EV_FAULT, sizeof(ps_fault), "fault"},
    {PS_EV_MMAP, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_MUNMAP, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_MPROTECT, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_MREMAP, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_BRK, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_MADVISE, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_SHMAT, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_SHMDT, sizeof(ps_mm_syscall), "mm_syscall"},
    {PS_EV_FORK, sizeof(ps_fork), "fork"},
    {PS_EV_EXEC, sizeof(ps_exec), "exec"},
    {PS_EV_EXIT, sizeof(ps_exit), "exit"},
    {PS_EV_RECLAIM, sizeof(ps_reclaim), "reclaim"},
    {PS_EV_LRU_SHRINK, sizeof(ps_lru_shrink), "lru_shrink"},
    {PS_EV_WRITE_FOLIO, sizeof(ps_write_folio), "write_folio"},
    {PS_EV_SWAP_ENTS, sizeof(ps_swap_ents), "swap_ents"},
    {PS_EV_TLB_FLUSH, sizeof(ps_tlb_flush), "tlb_flush"},
    {PS_EV_OOM_VICTIM, sizeof(ps_oom_victim), "oom_victim"},
    {PS_EV_SIGNAL, sizeof(ps_signal), "signal"},
    {PS_EV_MMAP_FILE, sizeof(ps_mmap_file), "mmap_file"},
    {PS_EV_COMPACTION, sizeof(ps_compaction), "compaction"},
    {PS_EV_ORDER_COUNTS, sizeof(ps_order_counts), "order_counts"},
    {PS_EV_PROC_FILE, sizeof(ps_proc_file), "proc_file"},
    {PS_EV_LOST, sizeof(ps_lost), "lost"},
    {PS_EV_TARGET, sizeof(ps_target), "target"},
    {PS_EV_ACCESS_BITS, sizeof(ps_access_bits), "access_bits"},
    {PS_EV_ACCESS_INTERVAL, sizeof(ps_access_interval), "access_interval"},
    {PS_EV_PAGE_CONTENT, sizeof(ps_page_content), "page_content"},
    {PS_EV_COMPRESS_CALIBRATION, sizeof(ps_compress_calibration), "compress_calibration"},
};

// A zeroed record of `size` bytes (8-byte aligned) with its header filled in.
std::vector<uint64_t> make(uint16_t kind, size_t size, size_t room = 0) {
  std::vector<uint64_t> words((std::max(size, room) + 7) / 8 + 1, 0);
  auto* h = reinterpret_cast<ps_header*>(words.data());
  h->kind = kind;
  h->size = uint32_t(size);
  h->ts_ns = 1000;
  h->pid = h->tid = 7;
  if (kind == PS_EV_ACCESS_BITS) reinterpret_cast<ps_access_bits*>(h)->page_shift = 12;
  return words;
}

const ps_header& hdr(const std::vector<uint64_t>& w) { return *reinterpret_cast<const ps_header*>(w.data()); }

TEST(RecordVisitor, EachWholeKindReachesItsHandler) {
  for (const Kind& k : kKinds) {
    Log log;
    log.visit(hdr(make(k.kind, k.size)));
    ASSERT_EQ(log.calls.size(), 1u) << k.handler;
    EXPECT_EQ(log.calls[0], k.handler);
    EXPECT_EQ(log.malformed_records(), 0u) << k.handler;
  }
}

TEST(RecordVisitor, ATruncatedRecordOfEachKindIsMalformedNeverHandled) {
  for (const Kind& k : kKinds) {
    for (size_t size : {sizeof(ps_header), k.size - 1}) {
      Log log;
      log.visit(hdr(make(k.kind, size, k.size)));
      EXPECT_TRUE(log.calls.empty()) << k.handler << " at " << size << " bytes";
      EXPECT_EQ(log.malformed_records(), 1u) << k.handler;
      ASSERT_EQ(log.reasons.size(), 1u) << k.handler;
      EXPECT_STREQ(log.reasons[0].c_str(), malformed::kShort);
    }
  }
}

TEST(RecordVisitor, AccessBitsWhoseBitmapsRunPastTheRecordAreMalformed) {
  // 65 pages need 2 words per bitmap: 40 + 48 bytes; give it one word each.
  auto w = make(PS_EV_ACCESS_BITS, sizeof(ps_access_bits) + 3 * 8, 200);
  reinterpret_cast<ps_access_bits*>(w.data())->pages = 65;
  Log log;
  log.visit(hdr(w));
  EXPECT_TRUE(log.calls.empty());
  ASSERT_EQ(log.reasons.size(), 1u);
  EXPECT_STREQ(log.reasons[0].c_str(), malformed::kBitmaps);

  reinterpret_cast<ps_access_bits*>(w.data())->pages = 64;
  reinterpret_cast<ps_access_bits*>(w.data())->page_shift = 40;
  log.visit(hdr(w));
  EXPECT_TRUE(log.calls.empty());
  ASSERT_EQ(log.reasons.size(), 2u);
  EXPECT_STREQ(log.reasons[1].c_str(), malformed::kPageShift);
  EXPECT_EQ(log.malformed_records(), 2u);

  reinterpret_cast<ps_access_bits*>(w.data())->page_shift = 21;
  log.visit(hdr(w));
  EXPECT_EQ(log.calls, std::vector<std::string>{"access_bits"});
}

TEST(RecordVisitor, AProcFileWhoseLengthRunsPastTheRecordIsClamped) {
  const std::string text = "some avg10=0.00 total=5\n";
  auto w = make(PS_EV_PROC_FILE, sizeof(ps_proc_file) + text.size());
  auto* f = reinterpret_cast<ps_proc_file*>(w.data());
  f->which = PS_PROC_PSI_MEMORY;
  f->length = 1 << 20;  // claims a megabyte
  std::memcpy(f + 1, text.data(), text.size());
  Log log;
  log.visit(hdr(w));
  EXPECT_EQ(log.calls, std::vector<std::string>{"proc_file"});
  EXPECT_EQ(log.text, text);
  EXPECT_EQ(log.malformed_records(), 0u);

  f->length = 4;  // shorter than the room: its own length wins
  log.visit(hdr(w));
  EXPECT_EQ(log.text, "some");
}

TEST(RecordVisitor, UnknownKindsGoToOnUnknown) {
  for (uint16_t kind : {uint16_t(PS_EV_NONE), uint16_t(22), uint16_t(63), uint16_t(72), uint16_t(500)}) {
    Log log;
    log.visit(hdr(make(kind, sizeof(ps_header))));
    EXPECT_EQ(log.calls, std::vector<std::string>{"unknown"}) << kind;
    EXPECT_EQ(log.malformed_records(), 0u);
  }
}

// Handlers a visitor does not name fall to on_other.
struct FaultsOnly : RecordVisitor<FaultsOnly> {
  int faults = 0, other = 0;
  void on_fault(const ps_fault&) { ++faults; }
  void on_other(const ps_header&) { ++other; }
};

TEST(RecordVisitor, KindsWithoutAHandlerFallToOnOther) {
  FaultsOnly v;
  for (const Kind& k : kKinds) v.visit(hdr(make(k.kind, k.size)));
  v.visit(hdr(make(300, sizeof(ps_header))));
  v.visit(hdr(make(PS_EV_FAULT, 30, 48)));  // malformed: neither
  EXPECT_EQ(v.faults, 1);
  EXPECT_EQ(v.other, int(std::size(kKinds)));
  EXPECT_EQ(v.malformed_records(), 1u);
}

}  // namespace
}  // namespace pagescope::model
