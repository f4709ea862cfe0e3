// Decoded records of one chunk, each starting at an 8-byte aligned offset so a
// caller may read a ps_header (and the record behind it) in place. Record
// bytes are exactly as appended; only the spacing between them differs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "events.h"

namespace pagescope::capture {

class RecordBuffer {
 public:
  // Empties the buffer and makes room for `count` records totalling `raw_len` bytes.
  void reset(size_t raw_len, size_t count) {
    words_.resize((raw_len + 8 * count) / 8 + 1);
    used_ = 0;
    count_ = 0;
  }
  // Room for one record of `size` bytes; reset() promised the space.
  uint8_t* add(size_t size) {
    uint8_t* at = reinterpret_cast<uint8_t*>(words_.data()) + used_;
    used_ += (size + 7) & ~size_t{7};
    ++count_;
    return at;
  }
  size_t count() const { return count_; }

  // Calls fn(const ps_header&) per record in order; stops when fn returns false.
  // Returns false if stopped early.
  template <typename Fn>
  bool for_each(Fn&& fn) const {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(words_.data());
    const uint8_t* end = p + used_;
    while (p < end) {
      const auto* h = reinterpret_cast<const ps_header*>(p);
      if (!fn(*h)) return false;
      p += (h->size + 7) & ~size_t{7};
    }
    return true;
  }

 private:
  std::vector<uint64_t> words_;
  size_t used_ = 0;
  size_t count_ = 0;
};

}  // namespace pagescope::capture
