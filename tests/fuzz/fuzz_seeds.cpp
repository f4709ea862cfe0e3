// Writes seed inputs for the fuzz targets (scripts/fuzz.sh runs it once per
// build dir):
//   fuzz_seeds OUT_DIR DEMO_CAPTURE [SHARED_TRACES_DIR]
// OUT_DIR/capture_reader   small captures re-written from the demo capture's
//                          records: every codec, both transforms, with and
//                          without the footer, cut short
// OUT_DIR/record_visitor   raw record streams from stretches of the demo capture
// OUT_DIR/trace_readers    the head of each shared trace and a small capture,
//                          each behind the byte that selects its format
// OUT_DIR/proc_parsers     this process's /proc files behind their selector byte
// Seeds stay small (<= 48 KiB) so the fuzzer's length limit keeps runs fast.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "inspector/capture/reader.h"
#include "inspector/capture/writer.h"
#include "simulator/traces/formats.h"

using namespace pagescope;
using Bytes = std::vector<uint8_t>;

namespace {

constexpr size_t kMaxSeed = 48 << 10;

void put(const std::string& path, const Bytes& b) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

Bytes slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// The first `limit` bytes of a plain or gzip'd file.
Bytes head_of(const std::string& path, size_t limit) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return {};
  Bytes b(limit);
  int n = gzread(f, b.data(), unsigned(limit));
  gzclose(f);
  b.resize(n > 0 ? size_t(n) : 0);
  return b;
}

uint8_t selector(const char* format) {
  const auto& all = sim::traces::all_formats();
  for (size_t i = 0; i < all.size(); ++i)
    if (std::strcmp(all[i].name, format) == 0) return uint8_t(i);
  return 0;
}

Bytes with_selector(uint8_t s, Bytes b) {
  b.insert(b.begin(), s);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR DEMO_CAPTURE [SHARED_TRACES_DIR]\n");
    return 2;
  }
  const std::string out = argv[1];
  for (const char* t : {"capture_reader", "record_visitor", "trace_readers", "proc_parsers"})
    mkdir((out + "/" + t).c_str(), 0755);

  // Stretches of the demo capture's records (the first one holds the maps
  // snapshots and host counters, later ones faults, syscalls and reclaim).
  auto reader = capture::CaptureReader::open(argv[2]);
  if (!reader) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", reader.error().message.c_str());
    return 1;
  }
  std::vector<Bytes> records;
  (void)reader->for_each([&](const ps_header& h) {
    const auto* p = reinterpret_cast<const uint8_t*>(&h);
    records.emplace_back(p, p + h.size);
    return true;
  });
  const size_t stretches = 8;
  std::vector<std::vector<const Bytes*>> pieces(stretches);
  for (size_t s = 0; s < stretches; ++s) {
    size_t at = records.size() * s / stretches, bytes = 0;
    for (; at < records.size() && bytes + records[at].size() <= 16 << 10; ++at) {
      pieces[s].push_back(&records[at]);
      bytes += records[at].size();
    }
    Bytes stream;
    for (const Bytes* r : pieces[s]) stream.insert(stream.end(), r->begin(), r->end());
    put(out + "/record_visitor/demo-" + std::to_string(s), stream);
  }

  // Small captures of those records in every codec and transform.
  const std::string tmp = out + "/.tmp.psc";
  int n = 0;
  for (auto codec : {capture::Codec::kNone, capture::Codec::kZstd, capture::Codec::kLz4}) {
    for (bool columnar : {true, false}) {
      capture::WriterOptions o;
      o.codec = codec;
      o.columnar = columnar;
      o.chunk_bytes = 4096;
      auto w = capture::CaptureWriter::create(tmp, reader->host(), o);
      if (!w) return 1;
      for (const Bytes* r : pieces[size_t(n) % stretches]) (void)w->append(r->data(), r->size());
      (void)w->close();
      Bytes file = slurp(tmp);
      if (file.size() > kMaxSeed) file.resize(kMaxSeed);
      put(out + "/capture_reader/demo-" + std::to_string(n), file);
      Bytes cut(file.begin(), file.begin() + long(file.size() * 2 / 3));  // no footer: rebuilt index
      put(out + "/capture_reader/cut-" + std::to_string(n), cut);
      if (n == 1) put(out + "/trace_readers/capture", with_selector(selector("capture"), file));
      ++n;
    }
  }
  unlink(tmp.c_str());

  for (const auto& [name, which] : std::vector<std::pair<const char*, int>>{
           {"/proc/self/maps", 0}, {"/proc/self/maps", 1}, {"/proc/self/smaps", 2},
           {"/proc/self/stat", 3}, {"/proc/self/statm", 4}, {"/proc/self/status", 5},
           {"/proc/meminfo", 6}, {"/proc/vmstat", 7}, {"/proc/pressure/memory", 8},
           {"/proc/interrupts", 9}, {"/proc/self/status", 10}}) {
    Bytes b = head_of(name, kMaxSeed);
    if (!b.empty())
      put(out + "/proc_parsers/" + std::to_string(which), with_selector(uint8_t(which), b));
  }

  if (argc > 3) {
    const std::string dir = argv[3];
    for (const auto& [file, format] : std::vector<std::pair<const char*, const char*>>{
             {"cloudPhysicsIO.oracleGeneral.bin", "oracle-general"}, {"cpp.trace.gz", "lirs"},
             {"sprite.trace.gz", "lirs"}, {"multi2.trace.gz", "lirs"}, {"gcc.trace.gz", "gcc"},
             {"loop.trace.gz", "text"}}) {
      Bytes b = head_of(dir + "/" + file, 24 * 400);
      if (!b.empty()) put(out + "/trace_readers/" + file, with_selector(selector(format), b));
    }
  }
  return 0;
}
