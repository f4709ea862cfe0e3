#include "tui/address_scale.h"

#include <algorithm>
#include <cmath>

namespace pagescope::tui {

AddressScale::AddressScale(const std::vector<VmaRow>& vmas, size_t units) : units_(units) {
  if (vmas.empty() || units < 2) return;
  struct Run {
    uint64_t lo, hi;
  };
  std::vector<Run> runs;
  for (const VmaRow& row : vmas) {
    const model::Vma& v = row.vma;
    if (v.end <= v.start) continue;
    if (!runs.empty() && v.start <= runs.back().hi) {
      runs.back().hi = std::max(runs.back().hi, v.end);
    } else {
      runs.push_back({v.start, v.end});
    }
  }
  if (runs.empty()) return;
  // The largest gaps become one-unit breaks; at most a quarter of the axis.
  const size_t gaps = runs.size() - 1;
  const size_t max_breaks = std::min(gaps, units / 4);
  std::vector<uint64_t> gap_sizes;
  for (size_t i = 0; i + 1 < runs.size(); ++i) gap_sizes.push_back(runs[i + 1].lo - runs[i].hi);
  uint64_t break_threshold = UINT64_MAX;
  if (max_breaks > 0) {
    std::vector<uint64_t> sorted = gap_sizes;
    std::nth_element(sorted.begin(), sorted.begin() + long(max_breaks - 1), sorted.end(), std::greater<>());
    break_threshold = sorted[max_breaks - 1];
  }
  size_t breaks = 0;
  for (uint64_t g : gap_sizes) {
    if (g >= break_threshold && breaks < max_breaks) ++breaks;
  }
  uint64_t mapped = 0;
  for (const Run& r : runs) mapped += r.hi - r.lo;
  const double per_byte = double(units - breaks) / double(mapped);

  double pos = 0;
  size_t used_breaks = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    double width = double(runs[i].hi - runs[i].lo) * per_byte;
    pieces_.push_back({runs[i].lo, runs[i].hi, pos, pos + width, false});
    pos += width;
    if (i + 1 < runs.size()) {
      bool is_break = gap_sizes[i] >= break_threshold && used_breaks < max_breaks;
      used_breaks += is_break;
      pieces_.push_back({runs[i].hi, runs[i + 1].lo, pos, pos + (is_break ? 1.0 : 0.0), true});
      pos += is_break ? 1.0 : 0.0;
    }
  }
  // Rounding: make the last piece end exactly at `units`.
  pieces_.back().pos_hi = double(units);
}

double AddressScale::position(uint64_t addr) const {
  if (pieces_.empty()) return 0;
  if (addr <= pieces_.front().addr_lo) return 0;
  if (addr >= pieces_.back().addr_hi) return double(units_);
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), addr,
                             [](uint64_t a, const Piece& p) { return a < p.addr_lo; });
  const Piece& p = *(it - 1);
  if (p.gap) return (p.pos_lo + p.pos_hi) / 2;
  return p.pos_lo + (p.pos_hi - p.pos_lo) * double(addr - p.addr_lo) / double(p.addr_hi - p.addr_lo);
}

uint64_t AddressScale::address_at(double pos) const {
  if (pieces_.empty()) return 0;
  for (const Piece& p : pieces_) {
    if (pos >= p.pos_hi || p.pos_hi == p.pos_lo) continue;
    if (p.gap) return p.addr_lo;
    double f = std::clamp((pos - p.pos_lo) / (p.pos_hi - p.pos_lo), 0.0, 1.0);
    return p.addr_lo + uint64_t(f * double(p.addr_hi - p.addr_lo));
  }
  return pieces_.back().addr_hi;
}

bool AddressScale::is_break(size_t unit) const {
  double mid = double(unit) + 0.5;
  for (const Piece& p : pieces_) {
    if (mid >= p.pos_lo && mid < p.pos_hi) return p.gap;
  }
  return false;
}

std::vector<double> AddressScale::bucket(const std::vector<HeatSpan>& spans) const {
  std::vector<double> out(units_, 0.0);
  if (pieces_.empty()) return out;
  for (const HeatSpan& s : spans) {
    if (s.end <= s.start || s.weight == 0) continue;
    const double span_bytes = double(s.end - s.start);
    for (const Piece& p : pieces_) {
      if (p.gap || p.addr_hi <= s.start || p.addr_lo >= s.end) continue;
      uint64_t lo = std::max(p.addr_lo, s.start), hi = std::min(p.addr_hi, s.end);
      double w = s.weight * double(hi - lo) / span_bytes;
      double p0 = position(lo);
      double p1 = hi >= p.addr_hi ? p.pos_hi : position(hi);
      if (p1 - p0 < 1e-9) {
        size_t u = std::min(size_t(p0), units_ - 1);
        out[u] += w;
        continue;
      }
      for (size_t u = size_t(p0); u < units_ && double(u) < p1; ++u) {
        double overlap = std::min(p1, double(u + 1)) - std::max(p0, double(u));
        if (overlap > 0) out[u] += w * overlap / (p1 - p0);
      }
    }
  }
  return out;
}

}  // namespace pagescope::tui
