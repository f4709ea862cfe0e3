// Capture chunk codecs on synthetic recorder output: bytes per record on disk
// and MB/s (of raw 48-byte-style records) for encoding and decoding, per data
// shape and per codec/transform; plus the whole writer and reader on a file in
// /dev/shm. The size target is <= 8 bytes per fault in a page-fault storm.
//
//   build-X/bench/capture_codec_bench --benchmark_counters_tabular=true
#include <unistd.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "events.h"
#include "inspector/capture/chunk.h"
#include "inspector/capture/reader.h"
#include "inspector/capture/writer.h"

namespace {

using namespace pagescope::capture;

struct Records {
  std::vector<uint8_t> bytes;  // back to back
  std::vector<uint32_t> ends;  // end offset of each record
};

void add(Records& r, const void* record, size_t size) {
  const auto* p = static_cast<const uint8_t*>(record);
  r.bytes.insert(r.bytes.end(), p, p + size);
  r.ends.push_back(static_cast<uint32_t>(r.bytes.size()));
}

ps_fault storm_fault(uint64_t ts, uint32_t tid, uint64_t address, uint64_t ip, uint16_t cpu) {
  ps_fault f{};
  f.hdr.kind = PS_EV_FAULT;
  f.hdr.size = sizeof f;
  f.hdr.ts_ns = ts;
  f.hdr.pid = 4242;
  f.hdr.tid = tid;
  f.hdr.cpu = cpu;
  f.address = address;
  f.ip = ip;
  f.error_code = PS_PF_USER | PS_PF_WRITE;
  f.flags = PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED;
  return f;
}

const uint64_t kIps[] = {0x55d0c0a01a10, 0x55d0c0a01a38, 0x7f1234567670, 0x55d0c0a01b00, 0x7f1234560010};

// The brief's storm: one thread, addresses ascending by a page, ts 100-500 ns
// apart, a handful of ips, error_code/flags mostly constant, cpu 0 or 1.
Records fault_storm(size_t n) {
  std::mt19937_64 rng(1);
  Records r;
  uint64_t ts = 1'000'000'000;
  for (size_t i = 0; i < n; ++i) {
    ts += 100 + rng() % 401;
    ps_fault f = storm_fault(ts, 4243, 0x7f0000000000 + 4096 * i, kIps[rng() % 5], rng() % 2);
    if (rng() % 64 == 0) f.error_code |= PS_PF_PROT;  // "mostly" constant
    add(r, &f, sizeof f);
  }
  return r;
}

// Four threads storming their own regions, interleaved at random.
Records threads_storm(size_t n) {
  std::mt19937_64 rng(2);
  Records r;
  uint64_t ts = 1'000'000'000;
  uint64_t next_page[4] = {};
  for (size_t i = 0; i < n; ++i) {
    ts += 50 + rng() % 200;
    uint32_t t = rng() % 4;
    uint64_t address = 0x7f0000000000 + (uint64_t{t} << 32) + 4096 * next_page[t]++;
    ps_fault f = storm_fault(ts, 4243 + t, address, kIps[rng() % 5], t % 2);
    add(r, &f, sizeof f);
  }
  return r;
}

// A whole recording: mostly faults, with mm syscalls, process events and a
// /proc/PID/maps snapshot now and then.
Records mixed(size_t n) {
  std::mt19937_64 rng(3);
  Records r;
  uint64_t ts = 1'000'000'000;
  uint64_t page = 0;
  std::string maps;
  for (int i = 0; i < 40; ++i)
    maps += "7f12" + std::to_string(34560000 + i * 1000) + "-7f12" + std::to_string(34561000 + i * 1000) +
            " r-xp 00000000 08:01 " + std::to_string(100000 + i) + " /usr/lib/x86_64-linux-gnu/libc.so.6\n";
  for (size_t i = 0; i < n; ++i) {
    ts += 100 + rng() % 2000;
    uint64_t roll = rng() % 1000;
    if (roll < 940) {
      if (rng() % 16 == 0) page = rng() % (1 << 20);
      ps_fault f = storm_fault(ts, 4243 + rng() % 2, 0x7f0000000000 + 4096 * page++, kIps[rng() % 5], rng() % 2);
      add(r, &f, sizeof f);
    } else if (roll < 995) {
      ps_mm_syscall m{};
      m.hdr = {static_cast<uint16_t>(PS_EV_MMAP + rng() % 6), static_cast<uint16_t>(rng() % 2), sizeof m, ts,
               4242, 4243};
      m.args[0] = 0x7f0000000000 + 4096 * (rng() % (1 << 20));
      m.args[1] = 4096 << (rng() % 8);
      m.args[2] = 3;
      m.args[3] = 0x22;
      m.args[4] = ~0ull;
      m.ret = static_cast<int64_t>(m.args[0]);
      m.duration_ns = 500 + rng() % 5000;
      add(r, &m, sizeof m);
    } else if (roll < 999) {
      ps_exit e{};
      e.hdr = {PS_EV_EXIT, 0, sizeof e, ts, 5000, static_cast<uint32_t>(5000 + rng() % 100)};
      e.min_flt = rng() % 100000;
      std::strncpy(e.comm, "worker", sizeof e.comm);
      add(r, &e, sizeof e);
    } else {
      std::vector<uint8_t> p(sizeof(ps_proc_file) + maps.size());
      ps_proc_file h{};
      h.hdr = {PS_EV_PROC_FILE, 0, static_cast<uint32_t>(p.size()), ts, 4242, 4242};
      h.which = PS_PROC_MAPS;
      h.length = static_cast<uint32_t>(maps.size());
      std::memcpy(p.data(), &h, sizeof h);
      std::memcpy(p.data() + sizeof h, maps.data(), maps.size());
      add(r, p.data(), p.size());
    }
  }
  return r;
}

struct Config {
  const char* name;
  Codec codec;
  int level;
  bool columnar;
};
const Config kConfigs[] = {
    {"rows+zstd3", Codec::kZstd, 3, false}, {"rows+lz4", Codec::kLz4, 0, false},
    {"cols+none", Codec::kNone, 0, true},   {"cols+lz4", Codec::kLz4, 0, true},
    {"cols+zstd1", Codec::kZstd, 1, true},  {"cols+zstd3", Codec::kZstd, 3, true},
    {"cols+zstd9", Codec::kZstd, 9, true},
};

struct Shape {
  const char* name;
  Records (*make)(size_t);
};
const Shape kShapes[] = {{"fault_storm", fault_storm}, {"threads_storm", threads_storm}, {"mixed", mixed}};

constexpr size_t kRecords = 1 << 20;
constexpr size_t kChunkRaw = 1 << 20;  // WriterOptions::chunk_bytes default

// Splits records into ~1 MiB chunks like the writer does: [begin, end) record indices.
std::vector<std::pair<size_t, size_t>> chunking(const Records& r) {
  std::vector<std::pair<size_t, size_t>> chunks;
  size_t begin = 0, start_byte = 0;
  for (size_t i = 0; i < r.ends.size(); ++i) {
    if (r.ends[i] - start_byte >= kChunkRaw || i + 1 == r.ends.size()) {
      chunks.emplace_back(begin, i + 1);
      begin = i + 1;
      start_byte = r.ends[i];
    }
  }
  return chunks;
}

struct Encoded {
  std::vector<std::vector<uint8_t>> frames;
  size_t bytes = 0;
};

Encoded encode_all(const Records& r, const Config& c) {
  ChunkEncoder encoder(c.codec, c.level, c.columnar);
  Encoded out;
  for (auto [b, e] : chunking(r)) {
    size_t from = b ? r.ends[b - 1] : 0;
    std::vector<uint8_t> frame;
    encoder.encode({r.bytes.data() + from, r.ends[e - 1] - from}, static_cast<uint32_t>(e - b), 0, 0,
                   static_cast<uint32_t>(out.frames.size()), frame);
    out.bytes += frame.size();
    out.frames.push_back(std::move(frame));
  }
  return out;
}

void encode_bench(benchmark::State& state, const Shape& shape, const Config& config) {
  Records r = shape.make(kRecords);
  Encoded last;
  for (auto _ : state) {
    last = encode_all(r, config);
    benchmark::DoNotOptimize(last.bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * r.bytes.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * r.ends.size()));
  state.counters["bytes/record"] = static_cast<double>(last.bytes) / r.ends.size();
  state.counters["raw/record"] = static_cast<double>(r.bytes.size()) / r.ends.size();
}

void decode_bench(benchmark::State& state, const Shape& shape, const Config& config) {
  Records r = shape.make(kRecords);
  Encoded enc = encode_all(r, config);
  ChunkDecoder decoder;
  RecordBuffer out;
  uint64_t sum = 0;
  for (auto _ : state) {
    for (const auto& frame : enc.frames) {
      format::ChunkFrame h;
      std::memcpy(&h, frame.data(), sizeof h);
      std::span<const uint8_t> payload(frame.data() + sizeof h, h.payload_len);
      if (!ChunkDecoder::crc_matches(h, payload) || !decoder.decode(h, payload, out).ok()) {
        state.SkipWithError("decode failed");
        return;
      }
      out.for_each([&](const ps_header& hdr) {
        sum += hdr.ts_ns;
        return true;
      });
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * r.bytes.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * r.ends.size()));
  state.counters["bytes/record"] = static_cast<double>(enc.bytes) / r.ends.size();
}

std::string shm_path() { return "/dev/shm/pagescope_bench_" + std::to_string(getpid()) + ".psc"; }

// The recorder's loop: append every record, flush every 250k records (about
// the 250 ms cadence at 1 M faults/s), close.
void writer_bench(benchmark::State& state, const Shape& shape) {
  Records r = shape.make(kRecords);
  std::string path = shm_path();
  uint64_t file_bytes = 0;
  for (auto _ : state) {
    auto writer = CaptureWriter::create(path, read_host_info());
    if (!writer.ok()) {
      state.SkipWithError(writer.error().message.c_str());
      return;
    }
    size_t from = 0;
    for (size_t i = 0; i < r.ends.size(); ++i) {
      writer->append(r.bytes.data() + from, r.ends[i] - from);
      from = r.ends[i];
      if (i % 250000 == 249999) writer->flush();
    }
    writer->close();
    file_bytes = writer->stats().file_bytes;
  }
  unlink(path.c_str());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * r.bytes.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * r.ends.size()));
  state.counters["bytes/record"] = static_cast<double>(file_bytes) / r.ends.size();
}

void reader_bench(benchmark::State& state, const Shape& shape) {
  Records r = shape.make(kRecords);
  std::string path = shm_path();
  {
    auto writer = CaptureWriter::create(path, read_host_info());
    size_t from = 0;
    for (size_t i = 0; i < r.ends.size(); ++i) {
      writer->append(r.bytes.data() + from, r.ends[i] - from);
      from = r.ends[i];
    }
    writer->close();
  }
  uint64_t sum = 0;
  for (auto _ : state) {
    auto reader = CaptureReader::open(path);
    reader->for_each([&](const ps_header& h) {
      sum += h.ts_ns;
      return true;
    });
  }
  unlink(path.c_str());
  benchmark::DoNotOptimize(sum);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * r.bytes.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * r.ends.size()));
}

int register_all() {
  for (const Shape& s : kShapes) {
    for (const Config& c : kConfigs) {
      benchmark::RegisterBenchmark((std::string("encode/") + s.name + "/" + c.name).c_str(),
                                   [&s, &c](benchmark::State& st) { encode_bench(st, s, c); })
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark((std::string("decode/") + s.name + "/" + c.name).c_str(),
                                   [&s, &c](benchmark::State& st) { decode_bench(st, s, c); })
          ->Unit(benchmark::kMillisecond);
    }
    benchmark::RegisterBenchmark((std::string("writer/") + s.name).c_str(),
                                 [&s](benchmark::State& st) { writer_bench(st, s); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("reader/") + s.name).c_str(),
                                 [&s](benchmark::State& st) { reader_bench(st, s); })
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}
const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();
