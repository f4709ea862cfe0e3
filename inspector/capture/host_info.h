// Facts about the recording host, stored once in the capture's file header.
#pragma once

#include <cstdint>
#include <string>

#include "inspector/capture/sources.h"

namespace pagescope::capture {

struct HostInfo {
  std::string kernel_release;      // uname -r
  std::string hostname;
  std::string command_line;        // how record was invoked
  std::string features;            // the feature-probe report, one "name: yes/no (why)" per line
  uint32_t page_size = 0;
  uint32_t cpu_count = 0;
  std::string clock_source = "CLOCK_MONOTONIC";  // what every ps_header.ts_ns is measured in
  int64_t realtime_offset_ns = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC at start: ts + offset = wall time
  uint64_t start_ns = 0;           // CLOCK_MONOTONIC when recording started
  // Which event sources were on, and why each missing one was off. Captures
  // older than format 1.3 get what their feature report tells.
  SourceSet sources;
};

// Reads this machine's facts (everything but command_line and features).
HostInfo read_host_info();

}  // namespace pagescope::capture
