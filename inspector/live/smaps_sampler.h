// `record --wss-interval`: accessed-bit working sets through /proc. Each
// interval, read every traced process's smaps (Referenced per VMA: pages whose
// PTE accessed bit is set), then write 1 to clear_refs, which clears those
// bits so the next read shows only the next interval's references, and 4,
// which flushes the process's TLB so pages it keeps touching are marked again
// (ClearMode in access_sampler.h).
#pragma once

#include <memory>

#include "inspector/live/access_sampler.h"
#include "inspector/live/interval_sampler.h"

namespace pagescope::live {

std::unique_ptr<IntervalSampler> make_smaps_sampler(uint64_t interval_ns,
                                                    ClearMode clear = ClearMode::kFlush);

}  // namespace pagescope::live
