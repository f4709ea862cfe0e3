// Puts records back in time order. A capture is in the order the recorder
// wrote it: its own records (a /proc snapshot taken on seeing an exec) can
// land before ring-buffer records that happened earlier but were drained
// later. The model must see the exec before the snapshot of the new image,
// so records are held in a window and released oldest first.
//
// Records up to kSlotBytes are kept in a pool of fixed slots (no allocation
// per record once warm); larger ones (exec, /proc text) are copied apart.
// Almost every record arrives in order: those wait in a FIFO, and only the
// few that arrive late go through a heap; release merges the two. (With
// every record in one heap, its pops were 45% of `inspect` on a 10 M-record
// capture.)
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <deque>
#include <queue>
#include <vector>

#include "events.h"

namespace pagescope::model {

class TimeOrderer {
 public:
  using Sink = std::function<void(const ps_header&)>;
  // `window_ns`: how far out of order a record may arrive and still be placed.
  TimeOrderer(Sink sink, uint64_t window_ns = 500'000'000) : sink_(std::move(sink)), window_(window_ns) {}

  void push(const ps_header& h) {
    uint64_t ts = h.ts_ns ? h.ts_ns : newest_;  // no time: keep it where it came
    if (ts > newest_) newest_ = ts;
    // Older than what was already released: release it now, as late as possible.
    if (ts < released_) ts = released_;
    const Entry e{ts, seq_++, store(h)};
    if (fifo_.empty() || fifo_.back().ts <= ts) {
      fifo_.push_back(e);
    } else {
      heap_.push(e);
    }
    while (true) {
      const Entry* oldest = next();
      if (!oldest || oldest->ts + window_ >= newest_) break;
      pop();
    }
  }

  void flush() {
    while (next()) pop();
  }

 private:
  static constexpr size_t kSlotWords = 12;  // 96 bytes: faults and syscalls fit
  struct Entry {
    uint64_t ts;
    uint64_t seq;
    uint32_t slot;  // < big_base_: pool slot; else index into big_ + big_base_
    bool operator>(const Entry& o) const { return ts != o.ts ? ts > o.ts : seq > o.seq; }
  };

  uint32_t store(const ps_header& h) {
    if (h.size <= kSlotWords * 8) {
      uint32_t slot;
      if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
      } else {
        slot = uint32_t(pool_.size() / kSlotWords);
        pool_.resize(pool_.size() + kSlotWords);
      }
      std::memcpy(pool_.data() + size_t(slot) * kSlotWords, &h, h.size);
      return slot;
    }
    std::vector<uint64_t> copy((h.size + 7) / 8);
    std::memcpy(copy.data(), &h, h.size);
    big_.push_back(std::move(copy));
    ++big_live_;
    return kBig | uint32_t(big_.size() - 1);
  }

  // The oldest held record: the earlier of the FIFO's front and the heap's top.
  const Entry* next() const {
    if (fifo_.empty()) return heap_.empty() ? nullptr : &heap_.top();
    if (heap_.empty()) return &fifo_.front();
    return heap_.top() > fifo_.front() ? &fifo_.front() : &heap_.top();
  }

  void pop() {
    Entry e;
    if (!fifo_.empty() && (heap_.empty() || heap_.top() > fifo_.front())) {
      e = fifo_.front();
      fifo_.pop_front();
    } else {
      e = heap_.top();
      heap_.pop();
    }
    released_ = e.ts;
    if (e.slot & kBig) {
      const uint32_t i = e.slot & ~kBig;
      sink_(*reinterpret_cast<const ps_header*>(big_[i].data()));
      big_[i] = {};
      if (--big_live_ == 0) big_.clear();
    } else {
      sink_(*reinterpret_cast<const ps_header*>(pool_.data() + size_t(e.slot) * kSlotWords));
      free_.push_back(e.slot);
    }
  }

  static constexpr uint32_t kBig = 1u << 31;
  Sink sink_;
  uint64_t window_;
  uint64_t newest_ = 0;
  uint64_t released_ = 0;
  uint64_t seq_ = 0;
  std::vector<uint64_t> pool_;
  std::vector<uint32_t> free_;
  std::vector<std::vector<uint64_t>> big_;
  size_t big_live_ = 0;
  std::deque<Entry> fifo_;  // in order of (ts, seq)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
};

}  // namespace pagescope::model
