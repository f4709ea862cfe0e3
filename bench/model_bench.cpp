// Offline processing speed of the inspector model: records per second through
// the process table (the `inspect` summary) and through the address-space
// tracker (fault attribution). Target: >= 10 M records/s per core.
#include <benchmark/benchmark.h>

#include <random>

#include "inspector/model/process_table.h"
#include "inspector/model/record_buffer.h"
#include "inspector/model/space_tracker.h"

using namespace pagescope::model;

namespace {

constexpr uint64_t kHeap = 0x555500010000;
constexpr uint64_t kHeapPages = 1 << 16;  // 256 MiB of heap

// One process with a realistic layout, then `faults` faults: 90% in a hot
// set of 4096 pages, the rest anywhere in the heap, with an mmap/munmap pair
// every 10000 faults.
const RecordBuffer& stream(size_t faults) {
  static RecordBuffer b;
  static size_t made = 0;
  if (made == faults) return b;
  b.clear();
  made = faults;
  const std::string maps =
      "555500000000-555500002000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
      "555500002000-555500003000 rw-p 00002000 08:01 77 /usr/bin/demo\n"
      "555500010000-555510010000 rw-p 00000000 00:00 0 [heap]\n"
      "7f0000000000-7f0000010000 r-xp 00000000 08:01 99 /usr/lib/libc.so.6\n"
      "7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0 [stack]\n";
  b.proc_file(1, 100, PS_PROC_MAPS, maps);
  std::mt19937_64 rng(1);
  uint64_t ts = 10;
  for (size_t i = 0; i < faults; ++i) {
    const bool hot = rng() % 10 != 0;
    const uint64_t page = hot ? rng() % 4096 : rng() % kHeapPages;
    b.fault(ts++, 100, 100 + uint32_t(i % 4), kHeap + page * 4096 + 8,
            PS_PF_USER | ((i & 3) ? PS_PF_WRITE : 0));
    if (i % 10000 == 9999) {
      b.syscall(PS_EV_MMAP, ts++, 100, 100, {0, 1 << 20, 3, 0x22, ~0ull, 0}, 0x7f1000000000);
      b.syscall(PS_EV_MUNMAP, ts++, 100, 100, {0x7f1000000000, 1 << 20}, 0);
    }
  }
  return b;
}

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
    benchmark::DoNotOptimize(t.find(100));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_SpaceTracker)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void BM_Both(benchmark::State& state) {
  const RecordBuffer& b = stream(size_t(state.range(0)));
  for (auto _ : state) {
    ProcessTable p;
    SpaceTracker t;
    b.for_each([&](const ps_header& h) {
      p.apply(h);
      t.apply(h);
    });
    benchmark::DoNotOptimize(t.find(100));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(b.size()));
}
BENCHMARK(BM_Both)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
