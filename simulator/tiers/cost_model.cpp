#include "simulator/tiers/cost_model.h"

namespace pagescope::sim::tiers {

TierCost estimate_cost(const TierStats& s, const compressors::Calibration* cal, const LatencyModel& m) {
  TierCost c;
  const double k = m.pages_per_page * 1e-9;
  double fault_decompress_ns = 0;
  if (cal) {
    // Ordinary pages cost what the text-like sample costs, incompressible ones
    // what the random sample costs (compressed, then rejected or stored whole).
    c.compress_s = (double(s.compressions) * cal->text.compress_ns + double(s.incompressible) * cal->random.compress_ns) * k;
    const double decompressed = double(s.pool_loads - s.pool_loads_same);
    fault_decompress_ns = decompressed * cal->text.decompress_ns;
    c.decompress_s = (fault_decompress_ns + double(s.writebacks) * cal->text.decompress_ns) * k;
  }
  // A swap read is one I/O whatever the page size; decompression scales with bytes.
  c.stall_s = fault_decompress_ns * k + double(s.swap_loads) * m.swap_read_ns * 1e-9;
  return c;
}

}  // namespace pagescope::sim::tiers
