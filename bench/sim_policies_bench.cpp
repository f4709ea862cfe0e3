// Simulator throughput on the reference workload: 10 million
// references, zipf(1.0) over 1 million distinct pages, single thread, memory
// = 10% of the pages (100,000 frames). Reports references per second
// (items_per_second). Targets: LRU, FIFO, Clock, SIEVE >= 20 M/s; ARC, S3-FIFO
// >= 10 M/s; exact one-pass LRU MRC >= 5 M/s; SHARDS at 1% >= 100 M/s.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "simulator/engine.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/trace.h"

namespace {

using namespace pagescope::sim;

constexpr size_t kRefs = 10'000'000;
constexpr uint64_t kPages = 1'000'000;
constexpr uint32_t kFrames = 100'000;

const Trace& zipf_trace() {
  static const Trace trace = [] {
    std::vector<double> cdf(kPages);
    double sum = 0;
    for (uint64_t k = 0; k < kPages; ++k) cdf[k] = (sum += 1.0 / double(k + 1));
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u(0, sum);
    // Ranks scattered over a sparse page-number space, as in a real address trace.
    TraceBuilder b(4096);
    for (size_t i = 0; i < kRefs; ++i) {
      uint64_t k = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
      b.add(0x7f0000000ull + k * 977, rng() % 4 == 0);
    }
    return b.finish();
  }();
  return trace;
}

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
