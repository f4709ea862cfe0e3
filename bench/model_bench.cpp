// Offline processing speed and memory of the inspector model.
//
// Target (issue "Inspector"): reconstruction + attribution + working sets
// >= 10 M records/s per core on a capture of >= 10 M records, with memory
// proportional to live VMAs plus touched pages.
//
//   BM_ProcessTable, BM_SpaceTracker   one part each, 1 M-record stream
//   BM_Offline/10M     ProcessTable + SpaceTracker (layouts, attribution)
//                      + WindowedWorkingSet for tau = 100 ms and 1 s, per
//                      process and per mapping: what `inspect --pid P --wss
//                      --vmas` does, on 10 M records in memory
//   BM_OfflineFromFile the same from a 10 M-record capture file (decode,
//                      CRC, time ordering included), as replay_capture runs
//                      it: decoding on a second thread ahead of the model
//   BM_ReadFile        reading that file alone on one thread (no model)
//   BM_ManyMappings/N  a process with N mappings: two maps snapshots of N
//                      lines, then a fork (JVMs and databases hold 100k+;
//                      issue 17.13). Time per mapping should stay flat in N.
// Counters: touched_pages, bytes_per_touched_page (page tables of the
// tracker and of each working-set window, after the run), mappings (lineages
// ever created, kept with their history).
// items_per_second is per core (CPU time) where the loop is single-threaded;
// BM_OfflineFromFile says per thread (see there).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <time.h>
#include <unistd.h>

#include "inspector/capture/writer.h"
#include "inspector/model/capture_replay.h"
#include "inspector/model/process_table.h"
#include "inspector/model/space_tracker.h"
#include "inspector/model/time_order.h"
#include "inspector/model/windowed_working_set.h"
#include "tests/support/record_buffer.h"

using namespace pagescope;
using namespace pagescope::model;

namespace {

constexpr uint64_t kHeap = 0x555500010000;
constexpr uint64_t kHeapPages = 1 << 18;  // 1 GiB of heap
constexpr uint32_t kPid = 100;

// One process with a realistic layout, then `faults` faults 1 us apart: 90%
// in a hot set of 4096 pages, the rest anywhere in the heap, with an
// mmap/munmap pair every 10000 faults.
const RecordBuffer& stream(size_t faults) {
  static RecordBuffer b;
  static size_t made = 0;
  if (made == faults) return b;
  b.clear();
  made = faults;
  const std::string maps =
      "555500000000-555500002000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
      "555500002000-555500003000 rw-p 00002000 08:01 77 /usr/bin/demo\n"
      "555500010000-555540010000 rw-p 00000000 00:00 0 [heap]\n"
      "7f0000000000-7f0000010000 r-xp 00000000 08:01 99 /usr/lib/libc.so.6\n"
      "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n";
  b.target(1000, kPid);
  b.proc_file(1000, kPid, PS_PROC_MAPS, maps);
  std::mt19937_64 rng(1);
  uint64_t ts = 2000;
  for (size_t i = 0; i < faults; ++i) {
    const bool hot = rng() % 10 != 0;
    const uint64_t page = hot ? rng() % 4096 : rng() % kHeapPages;
    ts += 1000;
    b.fault(ts, kPid, kPid + uint32_t(i % 4), kHeap + page * 4096 + 8,
            PS_PF_USER | ((i & 3) ? PS_PF_WRITE : 0));
    if (i % 10000 == 9999) {
      b.syscall(PS_EV_MMAP, ts + 1, kPid, kPid, {0, 1 << 20, 3, 0x22, ~0ull, 0}, 0x7f1000000000);
      b.syscall(PS_EV_MUNMAP, ts + 2, kPid, kPid, {0x7f1000000000, 1 << 20}, 0);
    }
  }
  return b;
}

// The model `inspect --pid P --wss --vmas --tau 100ms,1s` runs.
struct Offline {
  ProcessTable table;
  SpaceTracker tracker;
  WindowedWorkingSet wss{{100'000'000, 1'000'000'000}, 1000, kPid, &tracker};
  void apply(const ps_header& h) {
    table.apply(h);
    tracker.apply(h);
    wss.apply(h);
  }
  void report(benchmark::State& state) const {
    const ProcessSpace* ps = tracker.find(kPid);
    const double touched = ps ? double(ps->pages.size()) : 0;
    double bytes = ps ? double(ps->pages.memory_bytes()) : 0;
    bytes += double(wss.memory_bytes());
    state.counters["touched_pages"] = touched;
    state.counters["bytes_per_touched_page"] = touched ? bytes / touched : 0;
    state.counters["mappings"] = double(tracker.mappings().size());
  }
};

void BM_ProcessTable(benchmark::State& state) {
  const RecordBuffer& b = stream(size_t(state.range(0)));
  for (auto _ : state) {
    ProcessTable t;
    b.for_each([&](const ps_header& h) { t.apply(h); });
    benchmark::DoNotOptimize(t.totals().records);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_ProcessTable)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_SpaceTracker(benchmark::State& state) {
  const RecordBuffer& b = stream(size_t(state.range(0)));
  for (auto _ : state) {
    SpaceTracker t;
    b.for_each([&](const ps_header& h) { t.apply(h); });
    benchmark::DoNotOptimize(t.find(kPid));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_SpaceTracker)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_ManyMappings(benchmark::State& state) {
  const int n = int(state.range(0));
  std::string maps;
  char line[128];
  for (int i = 0; i < n; ++i) {  // apart, alternating permissions: nothing merges
    const unsigned long start = 0x7f0000000000ul + (unsigned long)i * 0x2000;
    std::snprintf(line, sizeof line, "%lx-%lx %s 00000000 00:00 0\n", start, start + 0x1000,
                  (i & 1) ? "rw-p" : "r--p");
    maps += line;
  }
  RecordBuffer b;
  b.proc_file(1, kPid, PS_PROC_MAPS, maps);
  b.proc_file(2, kPid, PS_PROC_MAPS, maps);
  b.fork(3, kPid, kPid, kPid + 1, kPid + 1, 0);
  for (auto _ : state) {
    SpaceTracker t;
    b.for_each([&](const ps_header& h) { t.apply(h); });
    benchmark::DoNotOptimize(t.find(kPid + 1));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * n);
}
BENCHMARK(BM_ManyMappings)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_Offline(benchmark::State& state) {
  const RecordBuffer& b = stream(size_t(state.range(0)));
  for (auto _ : state) {
    Offline o;
    b.for_each([&](const ps_header& h) { o.apply(h); });
    benchmark::DoNotOptimize(o.tracker.find(kPid));
    state.PauseTiming();
    o.report(state);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_Offline)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

// The 10 M-record stream written once to a capture file. With
// PAGESCOPE_BENCH_CAPTURE=FILE it is written there and kept (an existing FILE
// is used as it is), so `pagescope inspect` can be timed on the same records.
const std::string& capture_file(size_t faults) {
  static std::string path;
  if (!path.empty()) return path;
  if (const char* keep = std::getenv("PAGESCOPE_BENCH_CAPTURE"); keep && *keep) {
    path = keep;
    if (access(keep, R_OK) == 0) return path;
  }
  const bool temporary = path.empty();
  if (temporary) path = "/tmp/pagescope-model-bench-" + std::to_string(getpid()) + ".psc";
  capture::HostInfo host;
  host.page_size = 4096;
  host.cpu_count = 1;
  host.start_ns = 1000;
  auto w = capture::CaptureWriter::create(path, host, {});
  if (!w) {
    std::fprintf(stderr, "model_bench: %s\n", w.error().message.c_str());
    std::exit(1);
  }
  stream(faults).for_each([&](const ps_header& h) { (void)w->append(&h, h.size); });
  (void)w->close();
  if (temporary) std::atexit([] { std::remove(path.c_str()); });
  return path;
}

double cpu_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// From the file, as `inspect` reads it: decoding runs on a second thread
// ahead of the model (replay_capture). items_per_second is by wall time here;
// model_thread_per_s is records per CPU second of the thread running the
// model, process_cpu_per_s per CPU second of both threads together.
void BM_OfflineFromFile(benchmark::State& state) {
  const std::string& path = capture_file(size_t(state.range(0)));
  size_t records = 0;
  double thread_cpu = 0, process_cpu = 0;
  for (auto _ : state) {
    Offline o;
    records = 0;
    const double t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID), p0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    auto run = replay_capture(path, [&](const ps_header& h) {
      ++records;
      o.apply(h);
    });
    thread_cpu += cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
    process_cpu += cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - p0;
    if (!run) state.SkipWithError(run.error().message.c_str());
    state.PauseTiming();
    o.report(state);
    state.ResumeTiming();
  }
  const double n = double(state.iterations()) * double(records);
  state.counters["model_thread_per_s"] = n / thread_cpu;
  state.counters["process_cpu_per_s"] = n / process_cpu;
  state.SetItemsProcessed(int64_t(n));
}
BENCHMARK(BM_OfflineFromFile)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Decoding alone on one thread (read, CRC, decompression, columns, time
// ordering; no model): what the second thread of BM_OfflineFromFile does.
void BM_ReadFile(benchmark::State& state) {
  const std::string& path = capture_file(size_t(state.range(0)));
  size_t records = 0;
  for (auto _ : state) {
    records = 0;
    auto reader = capture::CaptureReader::open(path);
    if (!reader) {
      state.SkipWithError(reader.error().message.c_str());
      break;
    }
    TimeOrderer ordered([&](const ps_header& h) { records += h.size != 0; });
    Status st = reader->for_each([&](const ps_header& h) {
      ordered.push(h);
      return true;
    });
    ordered.flush();
    if (!st) state.SkipWithError(st.message().c_str());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(records));
}
BENCHMARK(BM_ReadFile)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
