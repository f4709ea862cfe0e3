// Parsing and printing sizes and lists for the simulator's command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::sim {

// "4096", "4K", "4KiB", "2M", "1.5G" (powers of 1024).
Result<uint64_t> parse_byte_size(const std::string& text);
// "3,4,8" -> {3,4,8}; every element parsed by `parse`.
Result<std::vector<uint64_t>> parse_size_list(const std::string& text, bool bytes);
// 4096 -> "4K", 3221225472 -> "3G", 1536 -> "1.5K".
std::string format_bytes(uint64_t bytes);

}  // namespace pagescope::sim
