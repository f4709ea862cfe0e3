// The table printer is common/table.h's pagescope::Table. This alias remains
// only while inspector/model/timeline.* still names model::TextTable; new code
// includes common/table.h.
#pragma once

#include "common/table.h"
#include "common/units.h"

namespace pagescope::model {

using TextTable = pagescope::Table;

}  // namespace pagescope::model
