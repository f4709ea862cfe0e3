// Replay throughput with a compressed tier, on the same reference workload as
// sim_policies_bench: 10 million references, zipf(1.0) over 1 million distinct
// pages, memory = 10% of the pages (100,000 frames), single thread. Compressed
// sizes are modelled once before the loop (ratio 2.5, 10% zero pages), so the
// replay only looks them up. Target: >= 10 M references/s with a tier
// (items_per_second). Also: the compressors themselves on 4 KiB sample pages.
#include <benchmark/benchmark.h>

#include "bench/reference_workload.h"

#include <vector>

#include "compressors/calibration.h"
#include "compressors/compressor.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/tiered_replay.h"
#include "simulator/trace.h"

namespace {

using namespace pagescope::sim;
namespace compressors = pagescope::compressors;

using pagescope::bench::kFrames;
using pagescope::bench::zipf_trace;

const std::vector<uint16_t>& sizes() {
  static const std::vector<uint16_t> s = [] {
    tiers::CompressibilityModel m;
    m.ratio = 2.5;
    m.zero_fraction = 0.1;
    return tiers::model_page_sizes(zipf_trace(), m);
  }();
  return s;
}

void BM_ReplayWithTier(benchmark::State& state, const char* policy, const char* tier) {
  const Trace& t = zipf_trace();
  const auto& sz = sizes();
  const auto* info = policies::find_policy(policy);
  const auto spec = tiers::parse_tier_list(tier).value()[0];
  tiers::TieredRun r;
  for (auto _ : state) {
    r = tiers::simulate_tiered(t, *info, kFrames, 1, spec, sz);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(t.size()));
  state.counters["miss_ratio"] = double(r.sim.faults) / double(t.size());
  state.counters["pool_faults"] = double(r.tier.pool_loads);
  state.counters["swap_faults"] = double(r.tier.swap_loads);
}

void BM_Compress(benchmark::State& state, const char* name, compressors::SampleKind kind) {
  auto c = compressors::make_compressor(name).value();
  auto page = compressors::sample_page(kind);
  std::vector<uint8_t> out(c->bound(page.size()));
  size_t n = 0;
  for (auto _ : state) benchmark::DoNotOptimize(n = c->compress(page.data(), page.size(), out.data(), out.size()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(page.size()));
  state.counters["compressed_bytes"] = double(n);
}

}  // namespace

BENCHMARK_CAPTURE(BM_ReplayWithTier, lru_none, "lru", "none")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplayWithTier, lru_zswap, "lru", "zswap:lz4:20%")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplayWithTier, lru_zram, "lru", "zram:zstd:1G")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplayWithTier, clock_zswap, "clock", "zswap:lz4:20%")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplayWithTier, s3fifo_zswap, "s3fifo", "zswap:zstd:20%")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Compress, lz4_text, "lz4", compressors::SampleKind::kText);
BENCHMARK_CAPTURE(BM_Compress, zstd_text, "zstd", compressors::SampleKind::kText);
BENCHMARK_CAPTURE(BM_Compress, lz4_random, "lz4", compressors::SampleKind::kRandom);

BENCHMARK_MAIN();
