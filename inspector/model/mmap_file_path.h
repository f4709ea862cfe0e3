// The path of a ps_mmap_file record: its components are stored leaf first
// (bpf/events.h), so they are read back to front.
#pragma once

#include <string>

#include "events.h"

namespace pagescope::model {

// "/usr/lib/libc.so.6"; a path the walk could not finish starts with ".../"
// (only its innermost components are known). Empty when the record names
// nothing (no component).
std::string mmap_file_path(const ps_mmap_file& r);

}  // namespace pagescope::model
