// The one definition of a capture's time slices, for every view that cuts
// time into intervals: `inspect --timeline` rows, the TUI's frames and detail
// columns, and the relative times `inspect` and `export` print. Time zero is
// when recording started; interval k is [zero + k*interval, zero + (k+1)*interval).
#pragma once

#include <cstdint>

namespace pagescope::model {

// Time zero of a capture: when recording started (the header's start_ns),
// else its earliest record; also the earliest record when the header's start
// is later than it (a clock the records do not share).
uint64_t capture_time_zero(uint64_t header_start_ns, uint64_t first_record_ns);

class IntervalGrid {
 public:
  // interval_ns 0 means one second.
  IntervalGrid(uint64_t zero_ns, uint64_t interval_ns)
      : zero_ns_(zero_ns), interval_ns_(interval_ns ? interval_ns : 1'000'000'000) {}

  uint64_t zero_ns() const { return zero_ns_; }
  uint64_t interval_ns() const { return interval_ns_; }
  // The interval holding `ts_ns`; a time before zero belongs to interval 0.
  uint64_t index_of(uint64_t ts_ns) const { return ts_ns > zero_ns_ ? (ts_ns - zero_ns_) / interval_ns_ : 0; }
  // Interval k's bounds in capture time: [start_of(k), end_of(k)).
  uint64_t start_of(uint64_t k) const { return zero_ns_ + k * interval_ns_; }
  uint64_t end_of(uint64_t k) const { return start_of(k) + interval_ns_; }
  // Interval k's start from time zero (what a timeline row prints).
  uint64_t offset_of(uint64_t k) const { return k * interval_ns_; }

 private:
  uint64_t zero_ns_;
  uint64_t interval_ns_;
};

}  // namespace pagescope::model
