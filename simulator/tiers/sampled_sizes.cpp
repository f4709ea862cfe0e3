#include "simulator/tiers/sampled_sizes.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "simulator/tiers/page_sizes.h"

namespace pagescope::sim::tiers {

namespace {

struct Sampled {  // the samples of one (pid, page), summed
  uint32_t pid;
  uint64_t page;
  uint64_t bytes;
  uint32_t count;
  uint16_t mean() const {
    if (bytes == 0) return 0;  // every sample same-filled
    return uint16_t(std::clamp<double>(std::round(double(bytes) / count), 1.0, double(kModelPage)));
  }
};

bool before(const Sampled& a, uint32_t pid, uint64_t page) { return std::tie(a.pid, a.page) < std::tie(pid, page); }

// A sample's size in the tiers' terms: same-filled pages are stored free (0),
// anything that did not shrink is stored whole (4096). -1: not measured.
// The sampler measures every compressor it has on every page, same-filled
// ones included, so a page with no size for `slot` was not measured with it.
int sample_size(const PageSample& s, int slot) {
  uint16_t c = s.compressed[size_t(slot)];
  if (c == 0) return -1;
  if (s.flags & PS_PAGE_SAME_FILLED) return 0;
  return std::min<int>(c, int(kModelPage));
}

}  // namespace

std::vector<uint16_t> sampled_page_sizes(const Trace& trace, const CaptureContents& c, int slot,
                                         const std::vector<uint16_t>& modelled, SizeOrigins* origins) {
  std::vector<uint16_t> sizes = modelled;
  sizes.resize(trace.distinct_pages(), uint16_t(kModelPage / 2));
  SizeOrigins o;
  const uint64_t ps = trace.page_size;
  if (slot < 0 || slot >= PS_COMP_COUNT || ps < 2) {  // page numbers that are not addresses cannot be matched
    o.modelled = sizes.size();
    if (origins) *origins = o;
    return sizes;
  }
  // The samples, summed per (pid, page).
  std::vector<Sampled> samples;
  for (const auto& s : c.pages) {
    int b = sample_size(s, slot);
    if (b >= 0) samples.push_back({s.pid, s.address / ps, uint64_t(b), 1});
  }
  std::sort(samples.begin(), samples.end(), [](const Sampled& a, const Sampled& b) { return before(a, b.pid, b.page); });
  size_t w = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (w > 0 && samples[w - 1].pid == samples[i].pid && samples[w - 1].page == samples[i].page) {
      samples[w - 1].bytes += samples[i].bytes;
      samples[w - 1].count += samples[i].count;
    } else {
      samples[w++] = samples[i];
    }
  }
  samples.resize(w);
  // The VMAs, distinct, by (pid, start).
  std::vector<SampledRegion> regions = c.regions;
  std::sort(regions.begin(), regions.end(), [](const SampledRegion& a, const SampledRegion& b) {
    return std::tie(a.pid, a.start, a.end) < std::tie(b.pid, b.start, b.end);
  });
  regions.erase(std::unique(regions.begin(), regions.end(),
                            [](const SampledRegion& a, const SampledRegion& b) {
                              return a.pid == b.pid && a.start == b.start && a.end == b.end;
                            }),
                regions.end());

  std::vector<uint32_t> pid_of(sizes.size(), 0);
  if (!trace.pids.empty())
    for (size_t i = 0; i < trace.refs.size(); ++i) pid_of[trace.refs[i]] = trace.pids[i];

  // The nearest sample of `pid` within pages [lo, hi], or null.
  auto nearest = [&](uint32_t pid, uint64_t page, uint64_t lo, uint64_t hi) -> const Sampled* {
    auto it = std::lower_bound(samples.begin(), samples.end(), std::make_pair(pid, page),
                               [](const Sampled& a, const std::pair<uint32_t, uint64_t>& k) { return before(a, k.first, k.second); });
    const Sampled* best = nullptr;
    uint64_t best_d = UINT64_MAX;
    if (it != samples.end() && it->pid == pid && it->page <= hi) best = &*it, best_d = it->page - page;
    if (it != samples.begin()) {
      const Sampled& p = *(it - 1);
      if (p.pid == pid && p.page >= lo && page - p.page < best_d) best = &p;
    }
    return best;
  };

  for (PageId p = 0; p < sizes.size(); ++p) {
    const uint32_t pid = pid_of[p];
    const uint64_t page = trace.page_of[p];
    if (const Sampled* s = nearest(pid, page, page, page); s && s->page == page) {
      sizes[p] = s->mean();
      ++o.own;
      continue;
    }
    // The innermost VMA of any snapshot that holds the page and a sample.
    const uint64_t addr = page * ps;
    auto r = std::upper_bound(regions.begin(), regions.end(), std::make_pair(pid, addr),
                              [](const std::pair<uint32_t, uint64_t>& k, const SampledRegion& x) {
                                return std::tie(k.first, k.second) < std::tie(x.pid, x.start);
                              });
    const Sampled* found = nullptr;
    for (int steps = 0; r != regions.begin() && steps < 64 && !found; ++steps) {
      --r;
      if (r->pid != pid) break;
      if (r->end > addr) found = nearest(pid, page, r->start / ps, (r->end - 1) / ps);
    }
    if (found) {
      sizes[p] = found->mean();
      ++o.nearest;
    } else {
      ++o.modelled;
    }
  }
  if (origins) *origins = o;
  return sizes;
}

SampledMean sampled_mean(const CaptureContents& c, int slot) {
  SampledMean m;
  if (slot < 0 || slot >= PS_COMP_COUNT) return m;
  uint64_t same = 0, other = 0, bytes = 0;
  for (const auto& s : c.pages) {
    int b = sample_size(s, slot);
    if (b < 0) continue;
    if (b == 0) {
      ++same;
    } else {
      ++other;
      bytes += uint64_t(b);
    }
  }
  m.samples = same + other;
  if (m.samples == 0) return m;
  m.same_fraction = double(same) / double(m.samples);
  m.ratio = bytes ? double(other * kModelPage) / double(bytes) : 1.0;
  return m;
}

compressors::Calibration calibration_from_capture(const char* name, const CaptureCalibration& k, const SampledMean& m) {
  compressors::Calibration cal;
  cal.compressor = name;
  if (k.pages == 0) return cal;
  compressors::SampleCost cost;
  cost.compressed_bytes = m.ratio > 0 ? size_t(std::round(double(kModelPage) / m.ratio)) : kModelPage;
  cost.compress_ns = double(k.compress_ns) / double(k.pages);
  cost.decompress_ns = double(k.decompress_ns) / double(k.pages);
  cal.text = cal.random = cost;
  return cal;
}

}  // namespace pagescope::sim::tiers
