// The other half of Part (experiment.h): joining the tables that the parts
// of one split sweep printed (`replay`/`mrc --part K/N --json|--csv`) into
// the table the unsplit run prints. Used by `pagescope merge`.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/table.h"

namespace pagescope::sim {

// The columns a part adds to each row (app/cli_options.h's PartColumns):
// "K/N", the row's point (1-based; null for a row that is not a point, such
// as replay's recorded run), the sweep's points, the trace's and the plan's
// identity (trace_identity, plan_identity).
inline const std::vector<std::string>& part_columns() {
  static const std::vector<std::string> names = {"part", "point", "points", "trace", "plan"};
  return names;
}

struct PartFile {
  std::string name;  // for messages
  Table table;       // as read_table() read it
};

// Checks that the files are the parts of one sweep, each exactly once (a
// part with no rows, when N exceeds the points, may be given or not), made
// from the same trace (size and first MiB) and plan, each with all of its
// points; then returns the table without the part columns, its points in
// the unsplit run's order and the rows that are no point after them (in part
// order). Every failure is a usage Error naming the file (or, for a missing
// part, the part and its points).
Result<Table> merge_parts(const std::vector<PartFile>& files);

}  // namespace pagescope::sim
