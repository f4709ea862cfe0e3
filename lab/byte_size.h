// Byte sizes as users type them ("64M", "1G", "512K", "4096") and as the lab
// prints them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace pagescope::lab {

// Binary units (K = 1024). `what` names the flag in the error message.
Result<std::uint64_t> ParseByteSize(std::string_view text, std::string_view what);

// "64 MiB", "1.5 GiB", "512 B".
std::string FormatBytes(std::uint64_t bytes);

}  // namespace pagescope::lab
