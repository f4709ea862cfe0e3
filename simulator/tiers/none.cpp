// No compressed tier: every evicted page is written to swap and every fault on
// a page seen before reads it back. The baseline the other tiers are compared to.
#include "simulator/tiers/tier.h"

namespace pagescope::sim::tiers {

namespace {

class NoTier final : public Tier {
 public:
  void store(PageId) override { ++stats_.swap_outs; }
  Source load(PageId) override {
    ++stats_.swap_loads;
    return Source::kSwap;
  }
};

}  // namespace

std::unique_ptr<Tier> make_none(const TierConfig&) { return std::make_unique<NoTier>(); }

}  // namespace pagescope::sim::tiers
