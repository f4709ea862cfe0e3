// Every trace format's reader (simulator/traces/*), chosen by the first input
// byte, on the rest of the input: text, csv (with one of a few column maps),
// din, oracleGeneral, LIRS, gcc and capture (.psc). What a reader accepts is
// then loaded into a Trace and written back in every writable format, as
// `convert` does.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "simulator/trace.h"
#include "simulator/traces/formats.h"
#include "tests/fuzz/fuzz_input.h"

using namespace pagescope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& formats = sim::traces::all_formats();
  const uint8_t select = fuzz::take_byte(data, size);
  const auto& format = formats[select % formats.size()];
  sim::traces::SourceOptions options;
  static const char* const kColumns[] = {"addr=0,op=1", "page=0,op=2,pid=3", "addr=1", "page=63,pid=0"};
  options.csv_columns = kColumns[(select >> 4) % 4];
  options.csv_header = (select >> 6) & 1;
  if ((select >> 7) & 1) options.pid = 1;
  static const char* const kOrders[] = {"spread", "random", "end", "none"};
  options.access_order = kOrders[(select >> 4) % 4];

  const std::string& path = fuzz::mem_file().write(data, size);
  auto source = format.open(path, options);
  if (!source) return 0;
  const uint64_t page_size = (select & 8) ? 1 : 4096;
  auto trace = sim::load_trace(**source, page_size);
  if (!trace) return 0;
  if (trace->refs.size() != trace->writes.size()) std::abort();
  for (sim::PageId id : trace->refs)
    if (id >= trace->distinct_pages()) std::abort();

  static fuzz::MemFile out;
  static const std::string out_path = out.write(nullptr, 0);
  for (const auto& f : formats)
    if (f.write) (void)f.write(*trace, out_path);
  return 0;
}
