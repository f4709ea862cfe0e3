// The trace formats, by name. Each format is one file in simulator/traces/
// defining a ReferenceSource (and, when it can be written, a writer); this
// registry is the one list of them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "simulator/reference_source.h"

namespace pagescope::sim::traces {

struct SourceOptions {
  // csv: which column holds what, 0-based: "addr=1,op=0" or "page=0,op=2,pid=3".
  // op column: r/w, R/W, l/s, load/store, 0/1 (1 = write).
  std::string csv_columns = "addr=0,op=1";
  bool csv_header = false;            // csv: skip the first line
  std::optional<uint32_t> pid;        // capture: only this process
  // capture: where the pages an access sample marked accessed go within their
  // interval: spread (default), random, end, or none (faults only); see capture_source.cpp.
  std::string access_order = "spread";
};

using SourceFactory = Result<std::unique_ptr<ReferenceSource>> (*)(const std::string& path,
                                                                   const SourceOptions&);
// Writes a trace; page numbers become addresses (page * page size) where the
// format holds addresses.
using TraceWriter = Status (*)(const Trace& trace, const std::string& path);

struct FormatInfo {
  const char* name;
  const char* description;
  SourceFactory open;
  TraceWriter write;  // nullptr: read-only format
};

// For writers of byte-address formats: an Error when some page's address
// (page * trace.page_size) does not fit 64 bits, instead of a silently
// wrapped address that would merge distinct pages (issue 17.16).
Status check_addresses_fit(const Trace& trace, const char* format);

const std::vector<FormatInfo>& all_formats();
const FormatInfo* find_format(const std::string& name);
// "text, csv, din, ..." for messages.
std::string format_names(bool writable_only = false);
// From the file name: .din, .csv, .oracleGeneral(.bin), .psc, gcc*.trace(.gz),
// *.trace(.gz) (LIRS), otherwise text.
std::string guess_format(const std::string& path);

Result<std::unique_ptr<ReferenceSource>> open_source(const std::string& format,
                                                     const std::string& path,
                                                     const SourceOptions& options);

}  // namespace pagescope::sim::traces
