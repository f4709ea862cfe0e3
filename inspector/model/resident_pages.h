// Which pages of one process were present (mapped to a page frame) at its
// latest access-bit sample (record --access-interval: the present bitmap of
// each ps_access_bits). Resident per VMA from the page tables themselves,
// where the fault stream can only say "touched and not known evicted".
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "events.h"
#include "inspector/model/record_visitor.h"

namespace pagescope::model {

class ResidentPages : private RecordVisitor<ResidentPages> {
 public:
  explicit ResidentPages(uint32_t pid) : pid_(pid) {}
  void apply(const ps_header& record);

  bool sampled() const { return last_ts_ != 0; }
  uint64_t sampled_at() const { return last_ts_; }  // end of the latest complete interval
  // 4 KiB pages present in [start, end) at that sample; nullopt before any sample.
  std::optional<uint64_t> present_in(uint64_t start, uint64_t end) const;

 private:
  friend class RecordVisitor<ResidentPages>;
  void on_access_bits(const AccessBitsView& v);
  void on_access_interval(const ps_access_interval& iv);
  void on_exec(const ps_exec&);

  struct Range {
    uint64_t start = 0;      // address of the first page
    uint32_t pages = 0;
    uint8_t page_shift = 12;
    std::vector<uint64_t> present;
  };
  uint32_t pid_;
  uint64_t building_ts_ = 0;  // the interval whose ranges are arriving
  std::vector<Range> building_;
  uint64_t last_ts_ = 0;
  std::vector<Range> last_;   // sorted by start
};

}  // namespace pagescope::model
