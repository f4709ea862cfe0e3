// Builders for one record of each kind in events.h, and a temp-file helper,
// shared by the capture tests.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "events.h"

namespace pagescope::capture::testing {

using Bytes = std::vector<uint8_t>;

template <typename T>
Bytes as_bytes(const T& record) {
  Bytes b(sizeof record);
  std::memcpy(b.data(), &record, sizeof record);
  return b;
}

inline ps_header header(uint16_t kind, uint32_t size, uint64_t ts, uint32_t pid, uint32_t tid, uint16_t cpu = 0) {
  ps_header h{};
  h.kind = kind;
  h.size = size;
  h.ts_ns = ts;
  h.pid = pid;
  h.tid = tid;
  h.cpu = cpu;
  return h;
}

inline Bytes fault(uint64_t ts, uint32_t tid, uint64_t address, uint64_t ip, uint16_t cpu = 0,
                   uint32_t error_code = PS_PF_USER | PS_PF_WRITE, uint32_t flags = PS_FAULT_ERR_KNOWN) {
  ps_fault f{};
  f.hdr = header(PS_EV_FAULT, sizeof f, ts, 1000, tid, cpu);
  f.address = address;
  f.ip = ip;
  f.error_code = error_code;
  f.flags = flags;
  return as_bytes(f);
}

inline Bytes mm_syscall(uint16_t kind, uint64_t ts, uint64_t addr, uint64_t len) {
  ps_mm_syscall m{};
  m.hdr = header(kind, sizeof m, ts, 1000, 1001, 1);
  m.args[0] = addr;
  m.args[1] = len;
  m.args[2] = 3;
  m.ret = static_cast<int64_t>(addr);
  m.duration_ns = 1234;
  return as_bytes(m);
}

inline Bytes fork_record(uint64_t ts) {
  ps_fork f{};
  f.hdr = header(PS_EV_FORK, sizeof f, ts, 1000, 1000);
  f.child_pid = 2000;
  f.child_tid = 2000;
  f.flags = PS_FORK_VFORK;
  std::strncpy(f.comm, "bash", sizeof f.comm);
  return as_bytes(f);
}

inline Bytes exec_record(uint64_t ts) {
  ps_exec e{};
  e.hdr = header(PS_EV_EXEC, sizeof e, ts, 2000, 2000);
  e.old_tid = 2000;
  std::strncpy(e.comm, "ps-pressure", sizeof e.comm);
  std::strncpy(e.filename, "/usr/local/bin/ps-pressure", sizeof e.filename);
  return as_bytes(e);
}

inline Bytes exit_record(uint64_t ts) {
  ps_exit e{};
  e.hdr = header(PS_EV_EXIT, sizeof e, ts, 2000, 2000);
  e.exit_code = -9;
  e.flags = PS_EXIT_GROUP_DEAD;
  e.min_flt = 123456;
  e.maj_flt = 7;
  std::strncpy(e.comm, "ps-pressure", sizeof e.comm);
  return as_bytes(e);
}

// Variable size: hdr.size = 32 + text length (deliberately not a multiple of 8).
inline Bytes proc_file(uint64_t ts, uint32_t which, const std::string& text) {
  ps_proc_file p{};
  p.hdr = header(PS_EV_PROC_FILE, static_cast<uint32_t>(sizeof p + text.size()), ts, 2000, 2000);
  p.which = which;
  p.length = static_cast<uint32_t>(text.size());
  Bytes b = as_bytes(p);
  b.insert(b.end(), text.begin(), text.end());
  return b;
}

inline Bytes lost_record(uint64_t ts) {
  ps_lost l{};
  l.hdr = header(PS_EV_LOST, sizeof l, ts, 0, 0, 1);
  l.lost = 17;
  l.lost_total = 42;
  return as_bytes(l);
}

inline Bytes target_record(uint64_t ts) {
  ps_target t{};
  t.hdr = header(PS_EV_TARGET, sizeof t, ts, 2000, 2000);
  t.reason = PS_TARGET_COMMAND;
  return as_bytes(t);
}

// A kind this build does not know (from a newer minor version), 41 bytes.
inline Bytes unknown_record(uint64_t ts) {
  Bytes b(41, 0xab);
  ps_header h = header(100, 41, ts, 3000, 3001);
  std::memcpy(b.data(), &h, sizeof h);
  return b;
}

// One of every kind, plus faults in a few threads, in a deliberately mixed order.
inline std::vector<Bytes> every_kind(uint64_t ts) {
  std::string maps = "55d0c0a00000-55d0c0a21000 r--p 00000000 08:01 123 /usr/bin/cat\n";
  return {target_record(ts),
          fork_record(ts + 1),
          exec_record(ts + 2),
          mm_syscall(PS_EV_MMAP, ts + 3, 0x7f0000000000, 1 << 20),
          mm_syscall(PS_EV_MUNMAP, ts + 4, 0x7f0000000000, 4096),
          mm_syscall(PS_EV_MPROTECT, ts + 5, 0x7f0000001000, 4096),
          mm_syscall(PS_EV_MREMAP, ts + 6, 0x7f0000002000, 8192),
          mm_syscall(PS_EV_BRK, ts + 7, 0x55d0c0b00000, 0),
          mm_syscall(PS_EV_MADVISE, ts + 8, 0x7f0000003000, 4096),
          mm_syscall(PS_EV_SHMAT, ts + 9, 0x7f0000004000, 0),
          mm_syscall(PS_EV_SHMDT, ts + 10, 0x7f0000004000, 0),
          fault(ts + 11, 2000, 0x7f0000000000, 0x401000),
          fault(ts + 12, 2001, 0x7f1000000000, 0x401010, 1),
          fault(ts + 13, 2000, 0x7f0000001000, 0x401000),
          proc_file(ts + 14, PS_PROC_MAPS, maps),
          proc_file(ts + 15, PS_PROC_STATUS, "VmRSS:\t  1234 kB\n"),
          proc_file(ts + 16, PS_PROC_VMSTAT, ""),
          fault(ts + 17, 2001, 0x7f1000001000, 0x401010, 1, PS_PF_USER, PS_FAULT_MAJOR),
          lost_record(ts + 18),
          unknown_record(ts + 19),
          exit_record(ts + 20)};
}

// A page-fault storm: one thread walking pages upward, a handful of ips.
inline std::vector<Bytes> fault_storm(size_t n, uint64_t ts0, uint32_t seed = 1) {
  std::mt19937_64 rng(seed);
  const uint64_t ips[] = {0x401a10, 0x401a38, 0x7f12345670, 0x401b00};
  std::vector<Bytes> out;
  out.reserve(n);
  uint64_t ts = ts0;
  for (size_t i = 0; i < n; ++i) {
    ts += 100 + rng() % 401;
    out.push_back(fault(ts, 4242, 0x7f0000000000 + 4096 * i, ips[rng() % 4], rng() % 2));
  }
  return out;
}

inline std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "pagescope_capture_" + std::to_string(getpid()) + "_" + name;
}

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace pagescope::capture::testing
