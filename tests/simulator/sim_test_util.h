// Helpers shared by the simulator tests: build traces, run a policy by name.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "simulator/engine.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/trace.h"

namespace pagescope::sim::testing {

inline Trace make_trace(const std::vector<uint64_t>& pages, const std::vector<bool>& writes = {}) {
  TraceBuilder b(4096);
  for (size_t i = 0; i < pages.size(); ++i) b.add(pages[i], i < writes.size() && writes[i]);
  return b.finish();
}

inline SimResult run(const Trace& t, const std::string& policy, uint32_t frames, uint64_t seed = 1) {
  const policies::PolicyInfo* info = policies::find_policy(policy);
  EXPECT_NE(info, nullptr) << policy;
  return simulate(t, *info, frames, seed);
}

// Hit (true) or miss (false) for each reference, replayed through the engine
// one prefix at a time would be quadratic; instead we instrument via a wrapper.
class Recording final : public Policy {
 public:
  explicit Recording(std::unique_ptr<Policy> inner) : inner_(std::move(inner)) {}
  void on_hit(const Access& a) override { hits.push_back(a.time); inner_->on_hit(a); }
  void on_insert(const Access& a) override { inner_->on_insert(a); }
  PageId pick_victim(const Access& a) override {
    PageId v = inner_->pick_victim(a);
    victims.push_back(v);
    return v;
  }
  void remove(PageId p) override { inner_->remove(p); }
  void grow(uint32_t pages) override { inner_->grow(pages); }
  std::vector<uint64_t> hits;
  std::vector<PageId> victims;

 private:
  std::unique_ptr<Policy> inner_;
};

// Runs `policy` and returns the original page numbers evicted, in order, and
// a string of H/M per reference.
struct Replay {
  SimResult result;
  std::vector<uint64_t> evicted;
  std::string pattern;
};
inline Replay replay(const Trace& t, const std::string& policy, uint32_t frames, uint64_t seed = 1) {
  PolicyConfig cfg{frames, t.distinct_pages(), seed, &t};
  Recording rec(policies::find_policy(policy)->make(cfg));
  Replay out;
  out.result = Engine(t).run(rec, frames);
  for (PageId v : rec.victims) out.evicted.push_back(t.page_of[v]);
  out.pattern.assign(t.size(), 'M');
  for (uint64_t h : rec.hits) out.pattern[h] = 'H';
  return out;
}

inline Trace uniform_trace(size_t n, uint64_t pages, uint64_t seed, double write_share = 0.3) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<uint64_t> page(0, pages - 1);
  std::bernoulli_distribution w(write_share);
  TraceBuilder b(4096);
  for (size_t i = 0; i < n; ++i) b.add(page(rng), w(rng));
  return b.finish();
}

// Zipf(alpha) over `pages` ranks by inverse-CDF lookup; ranks are scattered
// over the page-number space so the remapping is exercised.
inline Trace zipf_trace(size_t n, uint64_t pages, double alpha, uint64_t seed, double write_share = 0.3) {
  std::vector<double> cdf(pages);
  double sum = 0;
  for (uint64_t k = 0; k < pages; ++k) cdf[k] = (sum += 1.0 / std::pow(double(k + 1), alpha));
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, sum);
  std::bernoulli_distribution w(write_share);
  TraceBuilder b(4096);
  for (size_t i = 0; i < n; ++i) {
    uint64_t k = std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin();
    b.add(k * 7919 + 13, w(rng));
  }
  return b.finish();
}

// A loop over `pages` pages with occasional random jumps: the pattern where LRU
// is worst and scan resistance matters.
inline Trace loop_trace(size_t n, uint64_t pages, uint64_t seed) {
  std::mt19937_64 rng(seed);
  TraceBuilder b(4096);
  uint64_t p = 0;
  for (size_t i = 0; i < n; ++i) {
    if (rng() % 16 == 0) p = rng() % pages;
    b.add(p, rng() % 4 == 0);
    p = (p + 1) % pages;
  }
  return b.finish();
}

}  // namespace pagescope::sim::testing
