// Builds records in memory, as the recorder would write them, for the capture tests.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "events.h"

namespace pagescope::tui::testing {

class Records {
 public:
  void fault(uint64_t ts, uint32_t pid, uint64_t address, bool major = false) {
    ps_fault f{};
    header(f.hdr, PS_EV_FAULT, sizeof f, ts, pid);
    f.address = address;
    f.flags = PS_FAULT_ACCOUNTED | (major ? PS_FAULT_MAJOR : 0);
    push(&f, sizeof f);
  }
  void fork(uint64_t ts, uint32_t parent, uint32_t child, const char* comm) {
    ps_fork f{};
    header(f.hdr, PS_EV_FORK, sizeof f, ts, parent);
    f.child_pid = child;
    f.child_tid = child;
    std::strncpy(f.comm, comm, sizeof f.comm - 1);
    push(&f, sizeof f);
  }
  // An anonymous private read-write mmap that returned `addr`.
  void mmap_anon(uint64_t ts, uint32_t pid, uint64_t addr, uint64_t len) {
    ps_mm_syscall m{};
    header(m.hdr, PS_EV_MMAP, sizeof m, ts, pid);
    m.args[0] = 0;
    m.args[1] = len;
    m.args[2] = 0x3;         // PROT_READ | PROT_WRITE
    m.args[3] = 0x22;        // MAP_PRIVATE | MAP_ANONYMOUS
    m.args[4] = ~0ull;       // fd -1
    m.ret = int64_t(addr);
    push(&m, sizeof m);
  }
  void proc_file(uint64_t ts, uint32_t pid, uint32_t which, const std::string& text) {
    std::vector<char> buf(sizeof(ps_proc_file) + text.size());
    ps_proc_file pf{};
    header(pf.hdr, PS_EV_PROC_FILE, uint32_t(buf.size()), ts, pid);
    pf.which = which;
    pf.length = uint32_t(text.size());
    std::memcpy(buf.data(), &pf, sizeof pf);
    std::memcpy(buf.data() + sizeof pf, text.data(), text.size());
    push(buf.data(), buf.size());
  }
  // Each record's bytes, in order.
  const std::vector<std::vector<char>>& all() const { return records_; }
  template <typename Fn>
  void each(Fn&& fn) const {
    for (const auto& r : records_) fn(*reinterpret_cast<const ps_header*>(r.data()));
  }

 private:
  static void header(ps_header& h, uint16_t kind, uint32_t size, uint64_t ts, uint32_t pid) {
    h.kind = kind;
    h.size = size;
    h.ts_ns = ts;
    h.pid = pid;
    h.tid = pid;
  }
  void push(const void* p, size_t n) {
    // 8-byte aligned storage so the headers can be read in place.
    std::vector<char> r(n);
    std::memcpy(r.data(), p, n);
    records_.push_back(std::move(r));
  }
  std::vector<std::vector<char>> records_;
};

// A 2.5 s story: pid 100 ("worker", forked by 1) faults 10 times in the first
// second, 20 (2 major) in the second, 5 in the last half; vmstat says 300
// faults system-wide in the first second; one maps snapshot of pid 100.
inline Records worker_story() {
  const uint64_t T0 = 1'000'000'000, S = 1'000'000'000;
  Records r;
  r.fork(T0, 1, 100, "worker");
  r.proc_file(T0, 0, PS_PROC_VMSTAT, "pgfault 1000\npgmajfault 5\n");
  r.proc_file(T0, 0, PS_PROC_MEMINFO, "MemTotal: 1000 kB\nMemAvailable: 400 kB\n");
  r.proc_file(T0 + 1, 100, PS_PROC_MAPS,
              "10000000-10400000 rw-p 00000000 00:00 0 [heap]\n"
              "7ff000000000-7ff000100000 rw-p 00000000 00:00 0 [stack]\n");
  r.proc_file(T0 + 2, 100, PS_PROC_STATUS, "Name:\tworker\nVmRSS:\t   2048 kB\nVmSwap:\t      0 kB\n");
  for (int i = 0; i < 10; ++i) r.fault(T0 + 100'000'000 + uint64_t(i) * 1000, 100, 0x10000000 + uint64_t(i) * 4096);
  r.proc_file(T0 + S - 1, 0, PS_PROC_VMSTAT, "pgfault 1300\npgmajfault 5\n");
  for (int i = 0; i < 20; ++i) r.fault(T0 + S + 10 + uint64_t(i), 100, 0x10200000, i < 2);
  for (int i = 0; i < 5; ++i) r.fault(T0 + 2 * S + 400'000'000 + uint64_t(i), 100, 0x7ff0000ff000);
  r.fault(T0 + 2 * S + 500'000'000, 100, 0x7ff0000ff000);  // the last record: t = 2.5 s
  return r;
}

}  // namespace pagescope::tui::testing
