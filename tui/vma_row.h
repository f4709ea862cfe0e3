// One mapping on the detail screen: the model's VMA (from /proc/PID/maps
// through model::parse_maps_lax, or the model's address space of a capture)
// and the numbers a live source adds to it.
#pragma once

#include <cstdint>
#include <optional>

#include "inspector/model/vma.h"

namespace pagescope::tui {

struct VmaRow {
  model::Vma vma;
  std::optional<uint64_t> rss_kb;  // from smaps when it could be read
  std::optional<uint64_t> wss_kb;  // pages accessed in the last access interval (top --wss)
};

}  // namespace pagescope::tui
