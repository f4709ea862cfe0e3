#include "simulator/mrc.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <queue>
#include <thread>

#include "inspector/model/fenwick.h"

namespace pagescope::sim {

namespace {
constexpr uint64_t kNever = UINT64_MAX;

// Spatial hash of a page number (splitmix64 finalizer, salted).
inline uint64_t page_hash(uint64_t page, uint64_t salt) {
  uint64_t z = page + salt * 0x9e3779b97f4a7c15ULL + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
constexpr uint64_t kModulus = uint64_t{1} << 24;  // SHARDS' P
}  // namespace

double MissRatioCurve::at(uint64_t frames) const {
  double r = points.empty() ? 1.0 : points.front().miss_ratio;
  for (const auto& p : points) {
    if (p.frames > frames) break;
    r = p.miss_ratio;
  }
  return r;
}

StackDistances lru_stack_distances(const Trace& trace, const Progress& progress) {
  LruStackCounter counter(trace.distinct_pages());
  const size_t n = trace.size();
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t begin = 0; begin < n; begin += kChunk) {
    const size_t end = std::min(n, begin + kChunk);
    counter.feed(trace.refs.data() + begin, end - begin);
    if (progress) progress(end, n);
  }
  StackDistances d = counter.finish();
  d.hits_at.resize(size_t{trace.distinct_pages()} + 1, 0);
  return d;
}

std::vector<uint64_t> default_sizes(uint64_t distinct_pages, int count) {
  std::vector<uint64_t> sizes;
  if (distinct_pages == 0) return sizes;
  const double top = std::log(double(distinct_pages));
  for (int i = 0; i < count; ++i) {
    uint64_t s = static_cast<uint64_t>(std::llround(std::exp(top * i / (count - 1))));
    s = std::clamp<uint64_t>(s, 1, distinct_pages);
    if (sizes.empty() || s > sizes.back()) sizes.push_back(s);
  }
  return sizes;
}

MissRatioCurve curve_from(const StackDistances& d, const std::vector<uint64_t>& sizes,
                          std::string label) {
  MissRatioCurve c;
  c.label = std::move(label);
  // misses_above[k] = references with distance > k (suffix sums), once.
  std::vector<uint64_t> above(d.hits_at.size() + 1, 0);
  for (size_t k = d.hits_at.size(); k-- > 0;) above[k] = above[k + 1] + (k + 1 < d.hits_at.size() ? d.hits_at[k + 1] : 0);
  for (uint64_t s : sizes) {
    uint64_t miss = d.cold + (s < above.size() ? above[s] : 0);
    c.points.push_back({s, d.references ? double(miss) / double(d.references) : 0.0});
  }
  return c;
}

MissRatioCurve exact_lru_mrc(const StackDistances& d, const std::vector<uint64_t>& sizes) {
  return curve_from(d, sizes.empty() ? default_sizes(d.hits_at.size() - 1) : sizes, "lru (exact)");
}

ShardsResult shards(const Trace& trace, const ShardsConfig& cfg) {
  ShardsResult r;
  const size_t n = trace.size();
  const uint32_t pages = trace.distinct_pages();
  const PageId* refs = trace.refs.data();
  // Hash each distinct page once; the per-reference test is one byte/compare.
  std::vector<uint32_t> hash(pages);
  for (uint32_t p = 0; p < pages; ++p)
    hash[p] = static_cast<uint32_t>(page_hash(trace.page_of[p], cfg.seed) & (kModulus - 1));

  const bool fixed_size = cfg.max_samples > 0;
  uint64_t threshold = fixed_size ? kModulus : static_cast<uint64_t>(std::llround(cfg.rate * kModulus));
  threshold = std::clamp<uint64_t>(threshold, 1, kModulus);

  // Weighted histogram indexed by scaled distance; weights are 1/rate at the
  // time of the reference.
  // Scaled distances beyond the distinct page count are clamped to it: a page
  // cannot be farther down the stack than the number of pages.
  std::vector<double> w(size_t{pages} + 1, 0.0);
  double cold_w = 0, total_w = 0;

  // Sampled time axis: only sampled references get a slot.
  size_t slots = n;
  if (!fixed_size) {
    slots = 0;
    for (size_t t = 0; t < n; ++t) slots += hash[refs[t]] < threshold;
  }
  Fenwick marks(slots);
  std::vector<uint64_t> last(pages, kNever);
  uint64_t live = 0;  // sampled pages currently tracked (= marks set)
  uint64_t tick = 0;
  std::priority_queue<std::pair<uint32_t, PageId>> by_hash;  // fixed-size: largest hash first

  for (size_t t = 0; t < n; ++t) {
    const PageId p = refs[t];
    if (hash[p] >= threshold) continue;
    const double rate = double(threshold) / double(kModulus);
    const double weight = 1.0 / rate;
    total_w += weight;
    ++r.sampled_refs;
    if (last[p] == kNever) {
      cold_w += weight;
      ++live;
      if (fixed_size) by_hash.push({hash[p], p});
    } else {
      uint64_t d = live - static_cast<uint64_t>(marks.prefix(last[p] + 1)) + 1;
      uint64_t scaled = static_cast<uint64_t>(std::llround(double(d) / rate));
      w[std::min<uint64_t>(scaled, w.size() - 1)] += weight;
      marks.add(last[p], -1);
    }
    marks.add(tick, 1);
    last[p] = tick++;
    if (fixed_size && live > cfg.max_samples) {
      // Lower the threshold to the largest sampled hash and drop every page at it.
      threshold = by_hash.top().first;
      while (!by_hash.empty() && by_hash.top().first >= threshold) {
        PageId q = by_hash.top().second;
        by_hash.pop();
        marks.add(last[q], -1);
        last[q] = kNever;
        --live;
      }
    }
  }
  r.final_rate = double(threshold) / double(kModulus);
  for (uint32_t p = 0; p < pages; ++p) r.sampled_pages += last[p] != kNever;

  // Fixed rate: the sample should carry n references' worth of weight.
  //  - Less (SHARDS_adj, as in the paper): the pages it missed were most
  //    likely hot, so the difference is added as hits at the smallest distance.
  //  - More (a hot page happened to be sampled): subtracting at the smallest
  //    distance was measured to push small sizes off by up to 0.15 on zipf
  //    traces, and normalizing by the sample's own weight misestimates cold
  //    misses (0.39 for 0.43 on the cloudPhysics trace). Instead cold misses keep
  //    their estimate (sampled pages / rate, which depends on pages, not on how
  //    hot they are) and the hits are scaled so that the total is n.
  if (!fixed_size && total_w < double(n)) {
    size_t k = 1;
    while (k + 1 < w.size() && w[k] == 0) ++k;
    w[k] += double(n) - total_w;
    total_w = double(n);
  } else if (!fixed_size && total_w > double(n)) {
    double hits = total_w - cold_w;
    double scale = hits > 0 ? std::max(0.0, double(n) - cold_w) / hits : 0.0;
    for (double& x : w) x *= scale;
    total_w = double(n);
  }
  r.weight_at = std::move(w);
  r.cold_weight = cold_w;
  r.total_weight = total_w;
  return r;
}

MissRatioCurve curve_from(const ShardsResult& s, const std::vector<uint64_t>& sizes, std::string label) {
  MissRatioCurve c;
  c.label = std::move(label);
  // above[k] = weight at distances > k.
  std::vector<double> above(s.weight_at.size() + 1, 0.0);
  for (size_t k = s.weight_at.size(); k-- > 0;)
    above[k] = above[k + 1] + (k + 1 < s.weight_at.size() ? s.weight_at[k + 1] : 0.0);
  for (uint64_t size : sizes) {
    double miss = s.cold_weight + (size < above.size() ? above[size] : 0.0);
    double ratio = s.total_weight > 0 ? miss / s.total_weight : 0.0;
    c.points.push_back({size, std::clamp(ratio, 0.0, 1.0)});
  }
  return c;
}

SimResult simulate(const Trace& trace, const policies::PolicyInfo& info, uint32_t frames,
                   uint64_t seed, const Progress& progress) {
  // More frames than pages never evicts: the result is the same with fewer.
  frames = std::max<uint32_t>(1, std::min<uint32_t>(frames, std::max<uint32_t>(1, trace.distinct_pages())));
  PolicyConfig cfg;
  cfg.frames = frames;
  cfg.pages = trace.distinct_pages();
  cfg.seed = seed;
  cfg.trace = &trace;
  auto policy = info.make(cfg);
  return Engine(trace).run(*policy, frames, progress);
}

MissRatioCurve sweep_mrc(const Trace& trace, const policies::PolicyInfo& info,
                         const std::vector<uint64_t>& sizes, uint64_t seed, unsigned threads,
                         const Progress& progress) {
  MissRatioCurve c;
  c.label = info.name;
  c.points.resize(sizes.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<size_t>(1, sizes.size()));
  std::atomic<size_t> next{0}, done{0};
  std::mutex progress_mu;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < sizes.size();) {
      uint32_t f = static_cast<uint32_t>(std::min<uint64_t>(sizes[i], UINT32_MAX));
      SimResult r = simulate(trace, info, f, seed);
      c.points[i] = {sizes[i], r.miss_ratio()};
      size_t d = ++done;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mu);
        progress(d, sizes.size());
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < threads; ++k) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  return c;
}

}  // namespace pagescope::sim
