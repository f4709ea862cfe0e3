// Small helpers for the one-value files of /proc and /sys the lab reads and
// writes. Errors name the file and the errno text.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace pagescope::lab {

Result<std::string> ReadSysFile(const std::string& path);
// Writes `value` with a single write(2): sysfs/cgroupfs act on that one call.
Status WriteSysFile(const std::string& path, const std::string& value);
// Creates or replaces a regular file (the lab's marker and report files).
Status WriteRegularFile(const std::string& path, const std::string& content);
// The first number in the file ("253:1" -> 253, "[lz4] lzo" is not a number).
Result<std::uint64_t> ReadSysNumber(const std::string& path);
// "key value" lines (memory.stat, /proc/vmstat) into a map; other lines skipped.
std::map<std::string, std::uint64_t> ParseKeyValues(const std::string& text);
bool PathExists(const std::string& path);

}  // namespace pagescope::lab
