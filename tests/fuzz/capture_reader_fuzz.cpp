// The capture reader on arbitrary bytes: header and host facts, chunk frames,
// both column transforms, the footer index and the trailer. Whatever the file
// says, open() either fails with a message or the reader yields records that
// lie inside their chunk; the index-driven read must agree with itself.
// Each input is read twice: as given, and with its CRCs recomputed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "inspector/capture/crc32c.h"
#include "inspector/capture/format.h"
#include "inspector/capture/reader.h"
#include "tests/fuzz/fuzz_input.h"

using namespace pagescope;

namespace {

template <typename T>
T load(const std::vector<uint8_t>& b, size_t at) {
  T v;
  std::memcpy(&v, b.data() + at, sizeof v);
  return v;
}
template <typename T>
void store(std::vector<uint8_t>& b, size_t at, const T& v) {
  std::memcpy(b.data() + at, &v, sizeof v);
}

// Recomputes every CRC the structure lets us find (file header, host facts,
// each chunk frame that fits, trailer and footer), so that mutations reach
// the decoders behind them: the audit's "edits with the CRC fixed up".
void fix_crcs(std::vector<uint8_t>& b) {
  using namespace capture::format;
  if (b.size() < sizeof(FileHeader)) return;
  auto h = load<FileHeader>(b, 0);
  size_t data_start = sizeof h;
  if (h.host_len <= b.size() - sizeof h) {
    h.host_crc = capture::crc32c(b.data() + sizeof h, h.host_len);
    data_start += h.host_len;
  }
  h.header_crc = capture::crc32c(&h, offsetof(FileHeader, header_crc));
  store(b, 0, h);
  for (size_t at = data_start; b.size() - at >= sizeof(ChunkFrame);) {
    auto f = load<ChunkFrame>(b, at);
    if (f.magic != kChunkMagic || f.payload_len > b.size() - at - sizeof f) {
      ++at;
      continue;
    }
    f.crc = capture::crc32c_extend(capture::crc32c(&f, offsetof(ChunkFrame, crc)), b.data() + at + sizeof f,
                                   f.payload_len);
    store(b, at, f);
    at += sizeof f + f.payload_len;
  }
  if (b.size() < sizeof(Trailer)) return;
  auto t = load<Trailer>(b, b.size() - sizeof(Trailer));
  if (t.magic != kTrailerMagic) return;
  t.crc = capture::crc32c(&t, offsetof(Trailer, crc));
  store(b, b.size() - sizeof(Trailer), t);
  if (t.footer_len >= 8 && t.footer_offset < b.size() && t.footer_len <= b.size() - t.footer_offset) {
    const size_t crc_at = t.footer_offset + t.footer_len - 8;
    store(b, crc_at, capture::crc32c(b.data() + t.footer_offset, t.footer_len - 8));
  }
}

void read_all(const std::string& path) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return;
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
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  read_all(fuzz::mem_file().write(data, size));
  std::vector<uint8_t> fixed(data, data + size);
  fix_crcs(fixed);
  read_all(fuzz::mem_file().write(fixed.data(), fixed.size()));
  return 0;
}
