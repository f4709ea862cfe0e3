// Properties that hold for every trace, checked over many random, zipf and
// looping traces: OPT is optimal, stack algorithms have no Belady anomaly, the
// engine's counters are consistent.
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

std::vector<Trace> corpus() {
  std::vector<Trace> v;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    v.push_back(testing::uniform_trace(4000, 20 + 25 * seed, seed));
    v.push_back(testing::zipf_trace(4000, 300, 0.5 + 0.15 * double(seed), seed));
    v.push_back(testing::loop_trace(4000, 30 + 15 * seed, seed));
  }
  return v;
}

TEST(Properties, OptNeverWorseThanAnyPolicy) {
  auto traces = corpus();
  for (size_t k = 0; k < traces.size(); ++k) {
    const Trace& t = traces[k];
    for (uint32_t f : {1u, 2u, 3u, 5u, 8u, 16u, 40u, 100u}) {
      uint64_t opt = testing::run(t, "opt", f).faults;
      for (const auto& p : policies::all_policies())
        EXPECT_LE(opt, simulate(t, p, f, 3).faults) << p.name << " trace " << k << " frames " << f;
    }
  }
}

// Wraps a policy and checks what the engine cannot see: each victim is a
// resident page other than the one faulting.
class Checked final : public Policy {
 public:
  Checked(std::unique_ptr<Policy> inner, uint32_t pages) : inner_(std::move(inner)), resident_(pages, 0) {}
  void on_hit(const Access& a) override { inner_->on_hit(a); }
  void on_insert(const Access& a) override {
    resident_[a.page] = 1;
    inner_->on_insert(a);
  }
  PageId pick_victim(const Access& a) override {
    PageId v = inner_->pick_victim(a);
    if (v >= resident_.size() || !resident_[v] || v == a.page) ++bad_victims;
    else resident_[v] = 0;
    victims.push_back(v);
    return v;
  }
  void remove(PageId p) override {
    resident_[p] = 0;
    inner_->remove(p);
  }
  void grow(uint32_t pages) override {
    grow_to(resident_, pages, uint8_t(0));
    inner_->grow(pages);
  }
  std::vector<PageId> victims;
  uint64_t bad_victims = 0;

 private:
  std::unique_ptr<Policy> inner_;
  std::vector<uint8_t> resident_;
};

// Every registered policy, on every trace and size: victims are resident and
// never the faulting page, and a second run with the same seed evicts the same
// pages in the same order (no hidden state, no unseeded randomness).
TEST(Properties, VictimsAreResidentAndRunsRepeat) {
  auto traces = corpus();
  for (size_t k = 0; k < traces.size(); ++k) {
    const Trace& t = traces[k];
    for (const auto& p : policies::all_policies()) {
      for (uint32_t f : {1u, 2u, 3u, 5u, 8u, 16u, 40u, 100u}) {
        std::vector<PageId> first;
        for (int run = 0; run < 2; ++run) {
          PolicyConfig cfg{f, t.distinct_pages(), 5, &t};
          Checked c(p.make(cfg), t.distinct_pages());
          Engine(t).run(c, f);
          EXPECT_EQ(c.bad_victims, 0u) << p.name << " trace " << k << " frames " << f;
          if (run == 0) first = c.victims;
          else EXPECT_EQ(c.victims, first) << p.name << " trace " << k << " frames " << f;
        }
      }
    }
  }
}

TEST(Properties, StackAlgorithmsNeverFaultMoreWithMoreMemory) {
  auto traces = corpus();
  for (size_t k = 0; k < traces.size(); ++k) {
    for (const char* name : {"lru", "opt"}) {
      uint64_t prev = UINT64_MAX;
      for (uint32_t f = 1; f <= traces[k].distinct_pages() + 1; f += 1 + f / 8) {
        uint64_t faults = testing::run(traces[k], name, f).faults;
        EXPECT_LE(faults, prev) << name << " trace " << k << " frames " << f;
        prev = faults;
      }
    }
  }
}

TEST(Properties, CountersAreConsistent) {
  auto traces = corpus();
  for (const Trace& t : traces) {
    for (const auto& p : policies::all_policies()) {
      for (uint32_t f : {1u, 7u, 50u}) {
        SimResult r = simulate(t, p, f, 1);
        EXPECT_EQ(r.references, t.size());
        EXPECT_EQ(r.cold_faults, t.distinct_pages()) << p.name;
        EXPECT_GE(r.faults, r.cold_faults) << p.name;
        // Every fault beyond the first `frames` ones evicted exactly one page.
        uint64_t fill = std::min<uint64_t>(f, t.distinct_pages());
        EXPECT_EQ(r.evictions, r.faults - fill) << p.name;
        EXPECT_LE(r.dirty_writebacks, r.evictions) << p.name;
        if (f == 1) {  // one frame: no choice to make
          EXPECT_EQ(r.faults, testing::run(t, "lru", 1).faults) << p.name;
        }
      }
    }
  }
}

// With no writes in the trace nothing is ever written back; with writes to
// every reference, every eviction is a write-back.
TEST(Properties, WritebacksFollowWrites) {
  Trace clean = testing::uniform_trace(3000, 80, 4, 0.0);
  Trace dirty = testing::uniform_trace(3000, 80, 4, 1.0);
  for (const auto& p : policies::all_policies()) {
    EXPECT_EQ(simulate(clean, p, 20, 1).dirty_writebacks, 0u) << p.name;
    SimResult r = simulate(dirty, p, 20, 1);
    EXPECT_EQ(r.dirty_writebacks, r.evictions) << p.name;
  }
}

}  // namespace
}  // namespace pagescope::sim
