#include "simulator/traces/formats.h"

#include <string>

namespace pagescope::sim::traces {

// One line per format: X(name, function-suffix, description, writable).
#define PAGESCOPE_TRACE_FORMATS(X, W)                                                         \
  X("text", text, "reference string: page numbers, optional r/w marks (7 0 1w r2 ...)")     \
  W(text)                                                                                    \
  X("csv", csv, "comma-separated values; --csv-columns says which column is what")          \
  W(csv)                                                                                     \
  X("din", din, "Dinero: <label 0=read 1=write 2=ifetch> <hex address> per line")           \
  W(din)                                                                                     \
  X("oracle-general", oracle_general,                                                       \
    "libCacheSim oracleGeneral: 24-byte records u32 time, u64 id, u32 size, i64 next access") \
  W(oracle_general)                                                                          \
  X("lirs", lirs, "LIRS-paper block trace: one block number per line, '*' lines skipped")   \
  X("gcc", gcc_address, "SPEC address trace: 'l|s 0xADDR n' per line")                      \
  X("capture", capture, "pagescope capture (.psc): page faults; write = error code bit 1")

#define DECLARE_OPEN(name, fn, desc)                                                        \
  Result<std::unique_ptr<ReferenceSource>> open_##fn(const std::string&, const SourceOptions&);
#define DECLARE_WRITE(fn) Status write_##fn(const Trace&, const std::string&);
PAGESCOPE_TRACE_FORMATS(DECLARE_OPEN, DECLARE_WRITE)

namespace {
std::vector<FormatInfo> build() {
  std::vector<FormatInfo> v;
#define ADD_OPEN(name, fn, desc) v.push_back({name, desc, open_##fn, nullptr});
#define ADD_WRITE(fn) v.back().write = write_##fn;
  PAGESCOPE_TRACE_FORMATS(ADD_OPEN, ADD_WRITE)
  return v;
}
}  // namespace

Status check_addresses_fit(const Trace& trace, const char* format) {
  if (trace.page_size <= 1) return {};
  const uint64_t max_page = UINT64_MAX / trace.page_size;
  for (uint64_t page : trace.page_of) {
    if (page > max_page)
      return Error{"page " + std::to_string(page) + " times the page size " + std::to_string(trace.page_size) +
                   " does not fit a 64-bit " + format + " address; write text or oracle-general, which keep page numbers"};
  }
  return {};
}

const std::vector<FormatInfo>& all_formats() {
  static const std::vector<FormatInfo> formats = build();
  return formats;
}

const FormatInfo* find_format(const std::string& name) {
  for (const auto& f : all_formats())
    if (name == f.name) return &f;
  if (name == "oracleGeneral" || name == "oracle") return find_format("oracle-general");
  if (name == "psc") return find_format("capture");
  return nullptr;
}

std::string format_names(bool writable_only) {
  std::string s;
  for (const auto& f : all_formats()) {
    if (writable_only && !f.write) continue;
    if (!s.empty()) s += ", ";
    s += f.name;
  }
  return s;
}

static bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string guess_format(const std::string& path) {
  std::string p = path;
  if (ends_with(p, ".gz")) p.resize(p.size() - 3);
  std::string base = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
  if (ends_with(p, ".din")) return "din";
  if (ends_with(p, ".csv")) return "csv";
  if (ends_with(p, ".psc")) return "capture";
  if (p.find("oracleGeneral") != std::string::npos || ends_with(p, ".oracle")) return "oracle-general";
  if (ends_with(p, ".trace")) return base.rfind("gcc", 0) == 0 ? "gcc" : "lirs";
  return "text";
}

Result<std::unique_ptr<ReferenceSource>> open_source(const std::string& format,
                                                     const std::string& path,
                                                     const SourceOptions& options) {
  const FormatInfo* f = find_format(format);
  if (!f) return Error{"unknown trace format '" + format + "' (known: " + format_names() + ")"};
  return f->open(path, options);
}

}  // namespace pagescope::sim::traces
