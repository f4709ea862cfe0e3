// Parses /proc/PID/maps text (proc(5)):
//   start-end perms offset major:minor inode   path
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "inspector/model/vma.h"

namespace pagescope::model {

// Every line, in file order. A malformed line is an error naming its number.
// Kinds are left as parsed (anon/file); AddressSpace::reset classifies them.
// Captures and tests: the text is what the kernel said, so nothing is dropped.
Result<std::vector<Vma>> parse_maps(std::string_view text);

// Live /proc reading: a process can change its mappings while its maps file
// is read (or the read can end mid-line), so a line that does not parse is
// dropped, not fatal; the result says how many were and why the first was.
struct LaxMaps {
  std::vector<Vma> vmas;
  size_t dropped_lines = 0;
  std::string first_problem;  // "maps line N: cannot parse ..." (empty when none was dropped)
};
LaxMaps parse_maps_lax(std::string_view text);

}  // namespace pagescope::model
