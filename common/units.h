// Sizes and durations as people type them on every command line, and sizes as
// every table prints them. One module for the model, the simulator, the lab,
// the TUI and the commands, so "4K" and "500ms" mean the same everywhere.
//
// Sizes: a number (fractions allowed, "1.5G") with an optional binary suffix:
// B, K, M, G, T, P (any case, also "KiB", "KB": all powers of 1024). A bare
// number is bytes.
// Durations: a number with a unit: ns, us, ms, s, m or min. A bare number is
// an error naming the missing unit (only "0" needs none): commands used to
// disagree on whether "100" meant seconds or microseconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace pagescope {

// "4096", "4K", "64M", "1.5G", "2MiB" -> bytes. Errors name the text.
Result<uint64_t> parse_byte_size(std::string_view text);
// "4K,64M,1G" -> bytes each.
Result<std::vector<uint64_t>> parse_byte_size_list(std::string_view text);
// "3,4,8" -> plain whole numbers (frame counts).
Result<std::vector<uint64_t>> parse_count_list(std::string_view text);
// 4096 -> "4K", 1536 -> "1.5K", 3221225472 -> "3G", 512 -> "512B"; parses back.
std::string format_bytes(uint64_t bytes);

// "500ms", "2s", "2.5s", "100us", "250ns", "1m" -> nanoseconds.
Result<uint64_t> parse_duration_ns(std::string_view text);
// "100ms,1s" -> nanoseconds each.
Result<std::vector<uint64_t>> parse_duration_list(std::string_view text);
// 12345000000 -> "12.345" (seconds, three decimals).
std::string format_seconds(uint64_t ns);

}  // namespace pagescope
