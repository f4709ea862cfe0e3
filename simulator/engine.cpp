#include "simulator/engine.h"

#include <algorithm>
#include <vector>

namespace pagescope::sim {

SimResult& SimResult::operator+=(const SimResult& o) {
  references += o.references;
  faults += o.faults;
  cold_faults += o.cold_faults;
  evictions += o.evictions;
  dirty_writebacks += o.dirty_writebacks;
  return *this;
}

namespace {

// No tier: evicted pages just leave memory. Inline no-ops, so the plain replay
// (the hot path benchmarks measure) pays nothing for the tier hooks.
struct NoTier {
  void store(PageId) {}
  void load(PageId) {}
  uint64_t ram_frames() const { return 0; }
};

// The one access loop, over one piece of a trace at a time: a loaded trace
// is one piece after another (Engine::run), a streamed one arrives in pieces
// (StreamReplay). With a tier, evicted pages go to it, faults on pages seen
// before are served by it, and the policy may use only the frames the tier's
// RAM leaves free (so it evicts more as the pool grows).
template <typename TierT>
class Loop {
 public:
  Loop(Policy& policy, uint32_t frames, TierT& tier) : policy_(policy), tier_(tier), frames_(frames) {}
  // Per page: bit 0 resident, bit 1 dirty, bit 2 seen before.
  void reserve(uint32_t pages) {
    if (state_.size() < pages) state_.resize(pages, 0);
  }
  // References t0 .. t0 + n - 1 of the trace; ids below reserve()'s.
  void run(const PageId* refs, const uint8_t* writes, size_t n, uint64_t t0) {
    enum : uint8_t { kResident = 1, kDirty = 2, kSeen = 4 };
    // Locals, not members, in the loop: the policy's virtual calls would
    // otherwise make the compiler reload and store them every reference.
    SimResult r = r_;
    uint64_t used = used_;
    uint8_t* state = state_.data();
    Policy& policy = policy_;
    TierT& tier = tier_;
    const uint32_t frames = frames_;
    auto evicted = [&](PageId v) {
      ++r.evictions;
      if (state[v] & kDirty) ++r.dirty_writebacks;
      state[v] &= ~(kResident | kDirty);
      --used;
      tier.store(v);
    };
    for (size_t i = 0; i < n; ++i) {
      const Access a{refs[i], t0 + i, writes[i] != 0};
      uint8_t& s = state[a.page];
      if (s & kResident) {
        policy.on_hit(a);
      } else {
        ++r.faults;
        if (s & kSeen) {
          tier.load(a.page);  // leaves the tier first: that may free a frame
        } else {
          ++r.cold_faults;
        }
        // Room for one more page next to the tier's RAM: the usual one victim.
        if (used > 0 && used + tier.ram_frames() >= frames) evicted(policy.pick_victim(a));
        ++used;
        s |= kResident | kSeen;
        policy.on_insert(a);
        // Storing a victim grows the pool by part of a frame, so memory can
        // now be over budget: evict more. Policies expect every pick_victim to
        // be followed by an insert into the freed frame (Clock reuses the
        // hand's slot), so each extra victim is handed back to the policy and
        // removed through remove(). It ends because each store adds less RAM
        // than the frame it frees; one page always stays resident. Without a
        // tier ram_frames() is 0 and this never runs.
        while (used > 1 && used + tier.ram_frames() > frames) {
          PageId v = policy.pick_victim(a);
          policy.on_insert(Access{v, a.time, false});
          policy.remove(v);
          evicted(v);
        }
      }
      if (a.write) s |= kDirty;
    }
    r.references += n;
    r_ = r;
    used_ = used;
  }
  const SimResult& result() const { return r_; }

 private:
  Policy& policy_;
  TierT& tier_;
  uint32_t frames_;
  std::vector<uint8_t> state_;
  uint64_t used_ = 0;
  SimResult r_;
};

template <typename TierT>
SimResult replay(const Trace& trace, Policy& policy, uint32_t frames, TierT& tier,
                 const Progress& progress) {
  Loop<TierT> loop(policy, frames, tier);
  loop.reserve(trace.distinct_pages());
  const size_t n = trace.size();
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t begin = 0; begin < n; begin += kChunk) {
    const size_t end = std::min(n, begin + kChunk);
    loop.run(trace.refs.data() + begin, trace.writes.data() + begin, end - begin, begin);
    if (progress) progress(end, n);
  }
  return loop.result();
}

}  // namespace

SimResult Engine::run(Policy& policy, uint32_t frames, const Progress& progress) const {
  NoTier none;
  return replay(trace_, policy, frames, none, progress);
}

SimResult Engine::run(Policy& policy, uint32_t frames, tiers::Tier& tier,
                      const Progress& progress) const {
  return replay(trace_, policy, frames, tier, progress);
}

}  // namespace pagescope::sim

namespace pagescope::sim {

struct StreamReplay::Impl {
  explicit Impl(std::unique_ptr<Policy> p, uint32_t frames, uint32_t pages)
      : policy(std::move(p)), loop(*policy, frames, none), pages(pages) {
    loop.reserve(pages);
  }
  std::unique_ptr<Policy> policy;
  NoTier none;
  Loop<NoTier> loop;
  uint32_t pages;
};

StreamReplay::StreamReplay(std::unique_ptr<Policy> policy, uint32_t frames, uint32_t pages)
    : impl_(std::make_unique<Impl>(std::move(policy), frames, pages)) {}
StreamReplay::~StreamReplay() = default;
StreamReplay::StreamReplay(StreamReplay&&) noexcept = default;

void StreamReplay::feed(const PageId* refs, const uint8_t* writes, size_t n, uint64_t t0, uint32_t pages) {
  if (pages > impl_->pages) {
    // Doubling: a trace of D pages grows the policy's arrays O(log D) times.
    uint64_t cap = std::max<uint64_t>(pages, 2 * uint64_t{impl_->pages});
    impl_->pages = static_cast<uint32_t>(std::min<uint64_t>(cap, UINT32_MAX));
    impl_->policy->grow(impl_->pages);
    impl_->loop.reserve(impl_->pages);
  }
  impl_->loop.run(refs, writes, n, t0);
}

SimResult StreamReplay::result() const { return impl_->loop.result(); }

}  // namespace pagescope::sim
