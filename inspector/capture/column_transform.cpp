#include "inspector/capture/column_transform.h"

#include <cstring>
#include <string>
#include <vector>

#include "events.h"
#include "inspector/capture/format.h"

namespace pagescope::capture {
namespace {

// A ps_fault gets its own columns only when it has exactly today's layout;
// a longer one (a newer minor version appended fields) travels as a body.
constexpr uint32_t kFaultSize = sizeof(ps_fault);
constexpr uint32_t kHeaderSize = sizeof(ps_header);
constexpr int kIpHistory = 8;  // move-to-front list of recent fault ips

uint64_t zigzag(uint64_t delta) {
  auto v = static_cast<int64_t>(delta);
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
uint64_t unzigzag(uint64_t z) { return (z >> 1) ^ (~(z & 1) + 1); }

inline void put_varint(uint8_t*& p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<uint8_t>(v) | 0x80;
    v >>= 7;
  }
  *p++ = static_cast<uint8_t>(v);
}

// The last fault address per thread: address deltas are taken within one
// thread's stream, where a storm walks pages in order. An open-addressing
// table (a chunk holds a few hundred threads at most): the decoder asks it
// for every fault, and a node-based map cost a hash and a pointer chase.
class LastAddressByTid {
 public:
  LastAddressByTid() : slots_(kInitialSlots) {}

  uint64_t& slot(uint32_t tid) {
    if (tid == cached_tid_ && cached_) return *cached_;
    if (2 * (used_ + 1) > slots_.size()) grow();
    Slot& s = find(tid);
    if (!s.used) {
      s = {tid, true, 0};
      ++used_;
    }
    cached_tid_ = tid;
    cached_ = &s.last;
    return s.last;
  }

 private:
  static constexpr size_t kInitialSlots = 64;
  struct Slot {
    uint32_t tid = 0;
    bool used = false;
    uint64_t last = 0;
  };

  Slot& find(uint32_t tid) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = (tid * 0x9E3779B1u) & mask;; i = (i + 1) & mask) {
      if (!slots_[i].used || slots_[i].tid == tid) return slots_[i];
    }
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old)
      if (s.used) find(s.tid) = s;
    cached_ = nullptr;  // the slots moved
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;
  uint32_t cached_tid_ = 0;
  uint64_t* cached_ = nullptr;
};

// Move-to-front over the last kIpHistory distinct ips (starts all zero).
class IpHistory {
 public:
  // Index of `ip` (moved to front), or kIpHistory when absent (inserted at front).
  int encode(uint64_t ip) {
    int i = 0;
    while (i < kIpHistory && ips_[i] != ip) ++i;
    move_to_front(i == kIpHistory ? kIpHistory - 1 : i, ip);
    return i;
  }
  // The ip at `index` (moved to front); call insert() for kIpHistory.
  uint64_t at(int index) {
    uint64_t ip = ips_[index];
    move_to_front(index, ip);
    return ip;
  }
  void insert(uint64_t ip) { move_to_front(kIpHistory - 1, ip); }

 private:
  void move_to_front(int from, uint64_t ip) {
    for (int j = from; j > 0; --j) ips_[j] = ips_[j - 1];
    ips_[0] = ip;
  }
  uint64_t ips_[kIpHistory] = {};
};

// Bounds-checked reader over one column. A read past the end sets ok=false and
// yields zeros; callers check ok before trusting what they read.
struct ColumnReader {
  const uint8_t* p = nullptr;
  const uint8_t* end = nullptr;
  bool ok = true;

  uint64_t varint() {
    if (p < end && *p < 0x80) return *p++;
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) break;
      uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    ok = false;
    return 0;
  }
  uint8_t byte() {
    if (p < end) return *p++;
    ok = false;
    return 0;
  }
  bool copy(void* dst, size_t n) {
    if (static_cast<size_t>(end - p) < n) return ok = false;
    std::memcpy(dst, p, n);
    p += n;
    return true;
  }
};

}  // namespace

void ColumnEncoder::encode(std::span<const uint8_t> records, uint32_t count, std::vector<uint8_t>& out) {
  // Upper bounds: a varint is at most 10 bytes; bodies at most the raw bytes.
  const size_t n = count;
  const size_t bound[kColumnCount] = {3 * n, 5 * n, 3 * n, 10 * n, 10 * n, 10 * n, records.size(),
                                      10 * n, n,     8 * n, 5 * n,  5 * n};
  uint8_t* w[kColumnCount];
  for (int c = 0; c < kColumnCount; ++c) {
    if (columns_[c].size() < bound[c]) columns_[c].resize(bound[c]);
    w[c] = columns_[c].data();
  }

  uint64_t prev_ts = 0, prev_pid = 0, prev_tid = 0;
  LastAddressByTid last_address;
  IpHistory ips;
  const uint8_t* p = records.data();
  for (uint32_t i = 0; i < count; ++i) {
    ps_header h;
    std::memcpy(&h, p, sizeof h);
    put_varint(w[kColKind], h.kind);
    put_varint(w[kColSize], h.size);
    put_varint(w[kColCpu], h.cpu);
    put_varint(w[kColTs], zigzag(h.ts_ns - prev_ts));
    put_varint(w[kColPid], zigzag(uint64_t{h.pid} - prev_pid));
    put_varint(w[kColTid], zigzag(uint64_t{h.tid} - prev_tid));
    prev_ts = h.ts_ns;
    prev_pid = h.pid;
    prev_tid = h.tid;
    if (h.kind == PS_EV_FAULT && h.size == kFaultSize) {
      ps_fault f;
      std::memcpy(&f, p, sizeof f);
      uint64_t& last = last_address.slot(h.tid);
      put_varint(w[kColFaultAddress], zigzag(f.address - last));
      last = f.address;
      int index = ips.encode(f.ip);
      *w[kColFaultIp]++ = static_cast<uint8_t>(index);
      if (index == kIpHistory) {
        std::memcpy(w[kColFaultIpNew], &f.ip, 8);
        w[kColFaultIpNew] += 8;
      }
      put_varint(w[kColFaultError], f.error_code);
      put_varint(w[kColFaultFlags], f.flags);
    } else {
      std::memcpy(w[kColBody], p + kHeaderSize, h.size - kHeaderSize);
      w[kColBody] += h.size - kHeaderSize;
    }
    p += h.size;
  }

  size_t total = 1 + 10 * kColumnCount;
  size_t length[kColumnCount];
  for (int c = 0; c < kColumnCount; ++c) {
    length[c] = static_cast<size_t>(w[c] - columns_[c].data());
    total += length[c];
  }
  out.resize(total);
  uint8_t* o = out.data();
  *o++ = kColumnCount;
  for (int c = 0; c < kColumnCount; ++c) put_varint(o, length[c]);
  for (int c = 0; c < kColumnCount; ++c) {
    if (length[c]) std::memcpy(o, columns_[c].data(), length[c]);
    o += length[c];
  }
  out.resize(static_cast<size_t>(o - out.data()));
}

Status decode_columns(std::span<const uint8_t> encoded, uint32_t count, uint32_t raw_len,
                      RecordBuffer& out) {
  ColumnReader dir{encoded.data(), encoded.data() + encoded.size()};
  if (dir.byte() != kColumnCount) return Error{"column transform: unexpected column count"};
  ColumnReader col[kColumnCount];
  uint64_t offset = 0;
  uint64_t length[kColumnCount];
  for (int c = 0; c < kColumnCount; ++c) length[c] = dir.varint();
  if (!dir.ok) return Error{"column transform: truncated column directory"};
  const uint64_t data_bytes = static_cast<uint64_t>(dir.end - dir.p);
  for (int c = 0; c < kColumnCount; ++c) {
    if (length[c] > data_bytes - offset) return Error{"column transform: column lengths exceed the chunk"};
    col[c] = {dir.p + offset, dir.p + offset + length[c]};
    offset += length[c];
  }
  if (offset != data_bytes) return Error{"column transform: column lengths do not add up"};

  out.reset(raw_len, count);
  uint64_t remaining = raw_len;
  uint64_t prev_ts = 0, prev_pid = 0, prev_tid = 0;
  LastAddressByTid last_address;
  IpHistory ips;
  for (uint32_t i = 0; i < count; ++i) {
    ps_header h;
    uint64_t kind = col[kColKind].varint();
    uint64_t size = col[kColSize].varint();
    uint64_t cpu = col[kColCpu].varint();
    uint64_t ts = prev_ts + unzigzag(col[kColTs].varint());
    uint64_t pid = prev_pid + unzigzag(col[kColPid].varint());
    uint64_t tid = prev_tid + unzigzag(col[kColTid].varint());
    if (!(col[kColKind].ok && col[kColSize].ok && col[kColCpu].ok && col[kColTs].ok && col[kColPid].ok &&
          col[kColTid].ok))
      return Error{"column transform: header columns end early at record " + std::to_string(i)};
    if (kind > 0xffff || cpu > 0xffff || pid > 0xffffffffu || tid > 0xffffffffu)
      return Error{"column transform: field out of range at record " + std::to_string(i)};
    if (size < kHeaderSize || size > remaining)
      return Error{"column transform: impossible record size at record " + std::to_string(i)};
    remaining -= size;
    prev_ts = ts;
    prev_pid = pid;
    prev_tid = tid;
    h.kind = static_cast<uint16_t>(kind);
    h.cpu = static_cast<uint16_t>(cpu);
    h.size = static_cast<uint32_t>(size);
    h.ts_ns = ts;
    h.pid = static_cast<uint32_t>(pid);
    h.tid = static_cast<uint32_t>(tid);
    uint8_t* rec = out.add(size);
    if (kind == PS_EV_FAULT && size == kFaultSize) {
      ps_fault f;
      f.hdr = h;
      f.ip = 0;  // a short ip column leaves it unread (an error below)
      uint64_t& last = last_address.slot(h.tid);
      f.address = last + unzigzag(col[kColFaultAddress].varint());
      last = f.address;
      uint8_t index = col[kColFaultIp].byte();
      if (index < kIpHistory) {
        f.ip = ips.at(index);
      } else if (index == kIpHistory) {
        col[kColFaultIpNew].copy(&f.ip, 8);
        ips.insert(f.ip);
      } else {
        return Error{"column transform: bad ip index at record " + std::to_string(i)};
      }
      uint64_t error_code = col[kColFaultError].varint();
      uint64_t flags = col[kColFaultFlags].varint();
      if (!(col[kColFaultAddress].ok && col[kColFaultIp].ok && col[kColFaultIpNew].ok &&
            col[kColFaultError].ok && col[kColFaultFlags].ok) ||
          error_code > 0xffffffffu || flags > 0xffffffffu)
        return Error{"column transform: fault columns end early at record " + std::to_string(i)};
      f.error_code = static_cast<uint32_t>(error_code);
      f.flags = static_cast<uint32_t>(flags);
      std::memcpy(rec, &f, sizeof f);
    } else {
      std::memcpy(rec, &h, sizeof h);
      if (!col[kColBody].copy(rec + kHeaderSize, size - kHeaderSize))
        return Error{"column transform: body column ends early at record " + std::to_string(i)};
    }
  }
  if (remaining != 0) return Error{"column transform: records do not add up to the chunk's length"};
  for (int c = 0; c < kColumnCount; ++c)
    if (col[c].p != col[c].end) return Error{"column transform: column " + std::to_string(c) + " has extra bytes"};
  return {};
}

Status decode_rows(std::span<const uint8_t> rows, uint32_t count, uint32_t raw_len, RecordBuffer& out) {
  if (rows.size() != raw_len) return Error{"row transform: length mismatch"};
  out.reset(raw_len, count);
  size_t at = 0;
  for (uint32_t i = 0; i < count; ++i) {
    ps_header h;
    if (rows.size() - at < sizeof h) return Error{"row transform: records end early"};
    std::memcpy(&h, rows.data() + at, sizeof h);
    if (h.size < kHeaderSize || h.size > rows.size() - at)
      return Error{"row transform: impossible record size at record " + std::to_string(i)};
    std::memcpy(out.add(h.size), rows.data() + at, h.size);
    at += h.size;
  }
  if (at != rows.size()) return Error{"row transform: extra bytes after the last record"};
  return {};
}

}  // namespace pagescope::capture
