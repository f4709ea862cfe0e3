// Miss-ratio curves: the fault ratio as a function of memory size.
//  - exact_lru_mrc(): Mattson et al.'s stack algorithm in one pass: each
//    reference's LRU stack distance is the number of distinct pages touched since
//    that page's previous reference, counted with a Fenwick tree over
//    last-access times (O(log n) per reference). LRU with c frames hits exactly
//    the references with distance <= c, so one histogram gives every size.
//  - shards_mrc(): SHARDS (Waldspurger et al., FAST'15): the same on a spatially
//    hashed sample of pages, distances scaled by 1/rate.
//  - sweep_mrc(): any policy, one simulation per size, sizes spread over threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "simulator/engine.h"
#include "inspector/model/fenwick.h"
#include "inspector/model/stack_distance.h"
#include "simulator/policies/registry.h"
#include "simulator/trace.h"

namespace pagescope::sim {

struct MrcPoint {
  uint64_t frames = 0;
  double miss_ratio = 0;
};

struct MissRatioCurve {
  std::string label;          // policy name, "lru (exact)", "lru (SHARDS 1%)"
  std::vector<MrcPoint> points;  // increasing frames
  double at(uint64_t frames) const;  // step interpolation: the largest point <= frames
};

// The stack-distance histogram and its one-pass counter live in the model
// (inspector/model/stack_distance.h), which `inspect --locality` shares.
using StackDistances = model::StackDistances;
using LruStackCounter = model::LruStackCounter;
using model::Fenwick;

StackDistances lru_stack_distances(const Trace& trace, const Progress& progress = {});

// Sizes 1..distinct pages are all available; the curve is sampled at `sizes`
// (empty: every size where the curve changes, at most ~512 points).
MissRatioCurve exact_lru_mrc(const StackDistances& d, const std::vector<uint64_t>& sizes);

struct ShardsConfig {
  double rate = 0.01;       // fixed-rate: fraction of pages sampled
  uint64_t max_samples = 0; // fixed-size: > 0 bounds the sampled pages; the rate then drops
  uint64_t seed = 0;        // hash salt
};

struct ShardsResult {
  // Weighted histogram over scaled distances (full-trace units): each sampled
  // reference weighs 1/rate at the time it was seen.
  std::vector<double> weight_at;
  double cold_weight = 0;
  double total_weight = 0;  // the denominator: references (fixed-rate, SHARDS_adj) or total weight (fixed-size)
  double final_rate = 0;
  uint64_t sampled_refs = 0;
  uint64_t sampled_pages = 0;
};

// SHARDS_adj: the expected sampled count (rate x references) is reconciled with
// the actual one by adjusting the smallest-distance bucket, as in the paper.
ShardsResult shards(const Trace& trace, const ShardsConfig& config);
// Curves from a histogram: miss ratio at each size.
MissRatioCurve curve_from(const StackDistances& d, const std::vector<uint64_t>& sizes,
                          std::string label);
MissRatioCurve curve_from(const ShardsResult& s, const std::vector<uint64_t>& sizes,
                          std::string label);

// Sizes to plot for a trace: `count` sizes from 1 to the distinct page count,
// spaced evenly on a log scale (deduplicated).
std::vector<uint64_t> default_sizes(uint64_t distinct_pages, int count = 40);

// Non-stack policies: one run per size, in parallel on `threads` threads
// (0 = all cores).
MissRatioCurve sweep_mrc(const Trace& trace, const policies::PolicyInfo& policy,
                         const std::vector<uint64_t>& sizes, uint64_t seed, unsigned threads = 0,
                         const Progress& progress = {});

// Runs one policy at one size from scratch (builds the policy, replays).
SimResult simulate(const Trace& trace, const policies::PolicyInfo& policy, uint32_t frames,
                   uint64_t seed, const Progress& progress = {});

}  // namespace pagescope::sim
