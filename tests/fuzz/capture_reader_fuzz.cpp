// The capture reader on arbitrary bytes: header and host facts, chunk frames,
// both column transforms, the footer index and the trailer. Whatever the file
// says, open() either fails with a message or the reader yields records that
// lie inside their chunk; the index-driven read must agree with itself.
#include <cstdint>
#include <cstdlib>

#include "inspector/capture/reader.h"
#include "tests/fuzz/fuzz_input.h"

using namespace pagescope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = fuzz::mem_file().write(data, size);
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return 0;
  uint64_t records = 0, bytes = 0;
  (void)reader->for_each([&](const ps_header& h) {
    if (h.size < sizeof(ps_header)) std::abort();  // the reader promised whole records
    ++records;
    bytes += h.size;
    return true;
  });
  if (records != reader->report().records) std::abort();
  // The chunk index (footer or rebuilt) drives the time-range read.
  const auto& chunks = reader->chunks();
  if (!chunks.empty()) {
    const uint64_t from = chunks.front().first_ts_ns;
    const uint64_t to = chunks.back().last_ts_ns;
    (void)reader->for_each_between(from, to == UINT64_MAX ? to : to + 1, [&](const ps_header& h) {
      if (h.size < sizeof(ps_header)) std::abort();
      return true;
    });
  }
  (void)reader->for_each_between(0, UINT64_MAX, [](const ps_header&) { return false; });
  return 0;
}
