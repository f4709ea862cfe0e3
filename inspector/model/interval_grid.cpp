#include "inspector/model/interval_grid.h"

namespace pagescope::model {

uint64_t capture_time_zero(uint64_t header_start_ns, uint64_t first_record_ns) {
  if (header_start_ns != 0 && (first_record_ns == 0 || header_start_ns <= first_record_ns)) return header_start_ns;
  return first_record_ns;
}

}  // namespace pagescope::model
