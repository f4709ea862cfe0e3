// An in-memory record stream, laid out exactly as records sit in a capture
// chunk (back to back, 8-byte aligned). Tests and benchmarks build streams
// with it; the model consumes them through the same `const ps_header&`.
// A test builder, so it lives with the tests, not in the model library; it
// keeps the model's namespace because every stream it builds is model input
// (and a `pagescope::testing` would hide GoogleTest's `::testing` inside
// `namespace pagescope`).
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "events.h"

namespace pagescope::model {

class RecordBuffer {
 public:
  // Appends a record whose header says its size (text may follow a ps_proc_file).
  void append(const void* record, size_t size) {
    const size_t words = (size + 7) / 8;
    const size_t at = words_.size();
    words_.resize(at + words, 0);
    std::memcpy(words_.data() + at, record, size);
    ++count_;
  }

  void fault(uint64_t ts, uint32_t pid, uint32_t tid, uint64_t address, uint32_t error_code,
             uint32_t flags = PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED, uint64_t ip = 0) {
    ps_fault f{};
    f.hdr = header(PS_EV_FAULT, sizeof f, ts, pid, tid);
    f.address = address;
    f.ip = ip;
    f.error_code = error_code;
    f.flags = flags;
    append(&f, sizeof f);
  }

  void syscall(uint16_t kind, uint64_t ts, uint32_t pid, uint32_t tid,
               std::initializer_list<uint64_t> args, int64_t ret) {
    ps_mm_syscall s{};
    s.hdr = header(kind, sizeof s, ts, pid, tid);
    size_t i = 0;
    for (uint64_t a : args) if (i < 6) s.args[i++] = a;
    s.ret = ret;
    append(&s, sizeof s);
  }

  void fork(uint64_t ts, uint32_t pid, uint32_t tid, uint32_t child_pid, uint32_t child_tid,
            uint32_t flags, std::string_view comm = {}) {
    ps_fork f{};
    f.hdr = header(PS_EV_FORK, sizeof f, ts, pid, tid);
    f.child_pid = child_pid;
    f.child_tid = child_tid;
    f.flags = flags;
    copy(f.comm, comm);
    append(&f, sizeof f);
  }

  void exec(uint64_t ts, uint32_t pid, uint32_t tid, std::string_view comm,
            std::string_view filename) {
    ps_exec e{};
    e.hdr = header(PS_EV_EXEC, sizeof e, ts, pid, tid);
    e.old_tid = tid;
    copy(e.comm, comm);
    copy(e.filename, filename);
    append(&e, sizeof e);
  }

  void exit(uint64_t ts, uint32_t pid, uint32_t tid, bool group_dead, uint64_t min_flt = 0,
            uint64_t maj_flt = 0, int32_t code = 0, std::string_view comm = {}) {
    ps_exit e{};
    e.hdr = header(PS_EV_EXIT, sizeof e, ts, pid, tid);
    e.exit_code = code;
    e.flags = group_dead ? PS_EXIT_GROUP_DEAD : 0;
    e.min_flt = min_flt;
    e.maj_flt = maj_flt;
    copy(e.comm, comm);
    append(&e, sizeof e);
  }

  void proc_file(uint64_t ts, uint32_t pid, uint32_t which, std::string_view text) {
    std::vector<char> bytes(sizeof(ps_proc_file) + text.size());
    ps_proc_file f{};
    f.hdr = header(PS_EV_PROC_FILE, uint32_t(bytes.size()), ts, pid, pid);
    f.which = which;
    f.length = uint32_t(text.size());
    std::memcpy(bytes.data(), &f, sizeof f);
    std::memcpy(bytes.data() + sizeof f, text.data(), text.size());
    append(bytes.data(), bytes.size());
  }

  void lost(uint64_t ts, uint64_t lost, uint64_t lost_total) {
    ps_lost l{};
    l.hdr = header(PS_EV_LOST, sizeof l, ts, 0, 0);
    l.lost = lost;
    l.lost_total = lost_total;
    append(&l, sizeof l);
  }

  void target(uint64_t ts, uint32_t pid, uint32_t reason = PS_TARGET_COMMAND) {
    ps_target t{};
    t.hdr = header(PS_EV_TARGET, sizeof t, ts, pid, pid);
    t.reason = reason;
    append(&t, sizeof t);
  }

  // One ps_access_bits record: `pages` pages from `start`, all present unless
  // `present` lists them; `accessed` and `dirty` list page indexes.
  void access_bits(uint64_t ts, uint32_t pid, uint64_t start, uint32_t pages,
                   std::initializer_list<uint32_t> accessed, std::initializer_list<uint32_t> dirty = {},
                   uint8_t page_shift = 12, std::initializer_list<uint32_t> present = {},
                   uint16_t flags = 0) {
    std::vector<uint32_t> a(accessed), d(dirty), p(present);
    access_bits(ts, pid, start, pages, a, d, page_shift, p, flags, present.size() == 0);
  }
  void access_bits(uint64_t ts, uint32_t pid, uint64_t start, uint32_t pages,
                   const std::vector<uint32_t>& accessed, const std::vector<uint32_t>& dirty,
                   uint8_t page_shift, const std::vector<uint32_t>& present, uint16_t flags,
                   bool all_present) {
    const size_t words = (size_t(pages) + 63) / 64;
    std::vector<uint64_t> bytes((sizeof(ps_access_bits) + 3 * 8 * words) / 8, 0);
    ps_access_bits r{};
    r.hdr = header(PS_EV_ACCESS_BITS, uint32_t(bytes.size() * 8), ts, pid, pid);
    r.start = start;
    r.pages = pages;
    r.page_shift = page_shift;
    r.source = PS_ACCESS_SRC_PTE_WALK;
    r.flags = flags;
    std::memcpy(bytes.data(), &r, sizeof r);
    uint64_t* maps = bytes.data() + sizeof(ps_access_bits) / 8;
    auto set = [&](uint64_t* map, uint32_t i) { if (i < pages) map[i / 64] |= 1ull << (i % 64); };
    for (uint32_t i = 0; i < pages; ++i) if (all_present) set(maps, i);
    for (uint32_t i : present) set(maps, i);
    for (uint32_t i : accessed) set(maps + words, i);
    for (uint32_t i : dirty) set(maps + 2 * words, i);
    append(bytes.data(), bytes.size() * 8);
  }

  void access_interval(uint64_t ts, uint32_t pid, uint64_t begin_ns, uint32_t flags = 0) {
    ps_access_interval r{};
    r.hdr = header(PS_EV_ACCESS_INTERVAL, sizeof r, ts, pid, pid);
    r.begin_ns = begin_ns;
    r.source = PS_ACCESS_SRC_PTE_WALK;
    r.flags = flags;
    append(&r, sizeof r);
  }

  template <typename Fn>
  void for_each(Fn&& fn) const {
    size_t at = 0;
    while (at < words_.size()) {
      const auto* h = reinterpret_cast<const ps_header*>(words_.data() + at);
      fn(*h);
      at += (h->size + 7) / 8;
    }
  }

  size_t size() const { return count_; }
  void clear() { words_.clear(); count_ = 0; }

  static ps_header header(uint16_t kind, uint32_t size, uint64_t ts, uint32_t pid, uint32_t tid) {
    ps_header h{};
    h.kind = kind;
    h.size = size;
    h.ts_ns = ts;
    h.pid = pid;
    h.tid = tid;
    return h;
  }

 private:
  template <size_t N>
  static void copy(char (&dst)[N], std::string_view s) {
    const size_t n = s.size() < N - 1 ? s.size() : N - 1;
    if (n) std::memcpy(dst, s.data(), n);  // an empty view may hold nullptr
    dst[n] = '\0';
  }

  std::vector<uint64_t> words_;
  size_t count_ = 0;
};

}  // namespace pagescope::model
