// Simulator throughput on the reference workload: 10 million
// references, zipf(1.0) over 1 million distinct pages, single thread, memory
// = 10% of the pages (100,000 frames). Reports references per second
// (items_per_second). Targets: LRU, FIFO, Clock, SIEVE >= 20 M/s; ARC, S3-FIFO
// >= 10 M/s; exact one-pass LRU MRC >= 5 M/s; SHARDS at 1% >= 100 M/s.
#include <benchmark/benchmark.h>

#include "bench/reference_workload.h"

#include <cmath>
#include <vector>

#include "simulator/engine.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/trace.h"

namespace {

using namespace pagescope::sim;

using pagescope::bench::kFrames;
using pagescope::bench::zipf_trace;

void BM_Policy(benchmark::State& state, const char* name) {
  const Trace& t = zipf_trace();
  const auto* info = policies::find_policy(name);
  uint64_t faults = 0;
  for (auto _ : state) {
    SimResult r = simulate(t, *info, kFrames, 1);
    faults = r.faults;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(t.size()));
  state.counters["miss_ratio"] = double(faults) / double(t.size());
  state.counters["distinct_pages"] = t.distinct_pages();
}

void BM_ExactLruMrc(benchmark::State& state) {
  const Trace& t = zipf_trace();
  for (auto _ : state) {
    auto d = lru_stack_distances(t);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(t.size()));
}

void BM_Shards(benchmark::State& state) {
  const Trace& t = zipf_trace();
  ShardsConfig cfg;
  cfg.rate = double(state.range(0)) / 1000.0;
  for (auto _ : state) {
    auto s = shards(t, cfg);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(t.size()));
}

void BM_BuildTrace(benchmark::State& state) {
  // Remapping sparse page numbers to dense ids, once per load.
  const Trace& t = zipf_trace();
  for (auto _ : state) {
    TraceBuilder b(4096);
    for (size_t i = 0; i < t.size(); ++i) b.add(t.page_of[t.refs[i]], t.writes[i]);
    Trace copy = b.finish();
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(t.size()));
}

}  // namespace

BENCHMARK_CAPTURE(BM_Policy, lru, "lru")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, fifo, "fifo")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, clock, "clock")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, sieve, "sieve")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, arc, "arc")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, s3fifo, "s3fifo")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, random, "random")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, twoq, "twoq")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, lirs, "lirs")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, lfu, "lfu")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, opt, "opt")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Policy, linux, "linux")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ExactLruMrc)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Shards)->Arg(10)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildTrace)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
