// Parses /proc/PID/maps text (proc(5)):
//   start-end perms offset major:minor inode   path
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "inspector/model/vma.h"

namespace pagescope::model {

// Every line, in file order. A malformed line is an error naming its number.
// Kinds are left as parsed (anon/file); AddressSpace::reset classifies them.
Result<std::vector<Vma>> parse_maps(std::string_view text);

}  // namespace pagescope::model
