// Durations on the command line: "2.5s", "100ms", "250us", "10ns", "1m";
// a bare number is seconds.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pagescope::model {

Result<uint64_t> parse_duration_ns(std::string_view text);
// "100ms,1s" -> two durations.
Result<std::vector<uint64_t>> parse_duration_list(std::string_view text);

}  // namespace pagescope::model
