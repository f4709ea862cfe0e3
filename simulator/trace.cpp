#include "simulator/trace.h"

#include <algorithm>
#include <unordered_map>

namespace pagescope::sim {

namespace {

inline uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}
}  // namespace

bool Trace::has_writes() const {
  return std::find(writes.begin(), writes.end(), 1) != writes.end();
}

PageIdMap::PageIdMap() {
  keys_.assign(1024, 0);
  key_pids_.assign(1024, 0);
  vals_.assign(1024, kNoPage);
  mask_ = 1023;
}

void PageIdMap::grow() {
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_pids = std::move(key_pids_);
  std::vector<PageId> old_vals = std::move(vals_);
  size_t n = old_keys.size() * 2;
  keys_.assign(n, 0);
  key_pids_.assign(n, 0);
  vals_.assign(n, kNoPage);
  mask_ = n - 1;
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_vals[i] == kNoPage) continue;
    uint64_t h = mix(old_keys[i] ^ (uint64_t{old_pids[i]} * 0x9e3779b97f4a7c15ULL)) & mask_;
    while (vals_[h] != kNoPage) h = (h + 1) & mask_;
    keys_[h] = old_keys[i];
    key_pids_[h] = old_pids[i];
    vals_[h] = old_vals[i];
  }
}

PageId PageIdMap::id_of(uint64_t page, uint32_t pid) {
  // A page is (pid, page number): the same address in two processes is two pages.
  uint64_t h = mix(page ^ (uint64_t{pid} * 0x9e3779b97f4a7c15ULL)) & mask_;
  while (vals_[h] != kNoPage) {
    if (keys_[h] == page && key_pids_[h] == pid) return vals_[h];
    h = (h + 1) & mask_;
  }
  PageId id = static_cast<PageId>(page_of_.size());
  keys_[h] = page;
  key_pids_[h] = pid;
  vals_[h] = id;
  page_of_.push_back(page);
  if (page_of_.size() * 2 > keys_.size()) grow();
  return id;
}

TraceBuilder::TraceBuilder(uint64_t page_size) { trace_.page_size = page_size; }

void TraceBuilder::add(uint64_t page, bool write, uint32_t pid) {
  trace_.refs.push_back(ids_.id_of(page, pid));
  trace_.writes.push_back(write ? 1 : 0);
  trace_.pids.push_back(pid);
  any_pid_ |= pid != 0;
}

Trace TraceBuilder::finish() {
  if (!any_pid_) {
    trace_.pids.clear();
    trace_.pids.shrink_to_fit();
  }
  trace_.page_of = ids_.take_page_of();
  Trace out = std::move(trace_);
  trace_ = Trace{};
  trace_.page_size = out.page_size;
  ids_ = PageIdMap{};
  return out;
}

std::vector<Trace> split_by_pid(const Trace& trace, std::vector<uint32_t>* pids_out) {
  std::vector<Trace> out;
  std::vector<uint32_t> pids;
  if (trace.pids.empty()) {
    out.push_back(trace);
    pids.push_back(0);
  } else {
    std::unordered_map<uint32_t, size_t> index;
    std::vector<TraceBuilder> builders;
    for (size_t i = 0; i < trace.size(); ++i) {
      uint32_t p = trace.pids[i];
      auto [it, fresh] = index.emplace(p, builders.size());
      if (fresh) {
        builders.emplace_back(trace.page_size);
        pids.push_back(p);
      }
      // Same page number in two processes is two pages: each pool is separate.
      builders[it->second].add(trace.page_of[trace.refs[i]], trace.writes[i], p);
    }
    for (auto& b : builders) out.push_back(b.finish());
  }
  if (pids_out) *pids_out = std::move(pids);
  return out;
}

}  // namespace pagescope::sim
