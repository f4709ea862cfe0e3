// The lab's end-of-run table: every figure comes from a kernel counter (or
// the workload's getrusage), named in the "source" column, so the table is
// useful without a capture.
#pragma once

#include <string>
#include <vector>

#include "lab/lab_runner.h"

namespace pagescope::lab {

struct SummaryRow {
  std::string metric;
  std::string value;
  std::string source;
};

std::vector<SummaryRow> summary_rows(const LabReport& report);

// One header line describing the run, then an aligned table.
std::string format_table(const LabReport& report);
std::string format_csv(const LabReport& report);
// One JSON object: run description plus {metric: value} with raw numbers,
// the capture's missing-source notes and its check ("capture_check", null
// when the run was not recorded or not checked).
std::string format_json(const LabReport& report);
// The capture check as a heading line, an aligned table, and its notes;
// format_table appends it when the report has one.
std::string format_check(const CaptureCheck& check);

}  // namespace pagescope::lab
