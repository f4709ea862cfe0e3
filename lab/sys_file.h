// Small helpers for the one-value files of /proc and /sys the lab reads and
// writes. Errors name the file and the errno text.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace pagescope::lab {

Result<std::string> read_sys_file(const std::string& path);
// Writes `value` with a single write(2): sysfs/cgroupfs act on that one call.
Status write_sys_file(const std::string& path, const std::string& value);
// Creates or replaces a regular file (the lab's marker and report files).
Status write_regular_file(const std::string& path, const std::string& content);
// The first number in the file ("253:1" -> 253, "[lz4] lzo" is not a number).
Result<std::uint64_t> read_sys_number(const std::string& path);
// "key value" lines (memory.stat, /proc/vmstat) into a map; other lines skipped.
std::map<std::string, std::uint64_t> parse_key_values(const std::string& text);
bool path_exists(const std::string& path);

}  // namespace pagescope::lab
