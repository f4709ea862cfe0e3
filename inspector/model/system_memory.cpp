#include "inspector/model/system_memory.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "inspector/model/record_view.h"

namespace pagescope::model {

namespace {

std::optional<uint64_t> number(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return v;
}

// The rest of the line that starts with `key` (at the start of a line).
std::optional<std::string_view> line_after(std::string_view text, std::string_view key) {
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(at, nl - at);
    if (line.substr(0, key.size()) == key) return line.substr(key.size());
    at = nl + 1;
  }
  return std::nullopt;
}

template <typename Sample>
std::optional<Sample> at_time(const std::vector<Sample>& v, uint64_t ts) {
  if (v.empty()) return std::nullopt;
  auto it = std::upper_bound(v.begin(), v.end(), ts,
                             [](uint64_t t, const Sample& s) { return t < s.ts_ns; });
  return it == v.begin() ? v.front() : *std::prev(it);
}

}  // namespace

std::optional<uint64_t> meminfo_value(std::string_view text, std::string_view key) {
  std::string prefix(key);
  prefix += ':';
  auto rest = line_after(text, prefix);
  if (!rest) return std::nullopt;
  auto kb = number(*rest);
  if (!kb) return std::nullopt;
  return *kb * 1024;
}

std::optional<MemcgSample> parse_memcg(std::string_view text) {
  auto usage = line_after(text, "usage ");
  auto limit = line_after(text, "limit ");
  if (!usage || !limit) return std::nullopt;
  MemcgSample s;
  auto u = number(*usage);
  if (!u) return std::nullopt;
  s.usage = *u;
  // cgroup v2 "max", or v1's huge "no limit" number (PAGE_COUNTER_MAX pages).
  auto l = number(*limit);
  s.limit = l && *l < (uint64_t(1) << 62) ? *l : 0;
  return s;
}

void SystemMemory::apply(const ps_header& h) {
  if (h.kind != PS_EV_PROC_FILE || h.pid != 0) return;
  const auto* f = record_as<ps_proc_file>(h);
  if (!f) return;
  if (f->which == PS_PROC_MEMINFO) {
    const std::string_view text = proc_file_text(*f);
    auto total = meminfo_value(text, "MemTotal");
    if (!total) return;
    MemorySample s;
    s.ts_ns = h.ts_ns;
    s.mem_total = *total;
    s.mem_available = meminfo_value(text, "MemAvailable").value_or(0);
    meminfo_.push_back(s);
  } else if (f->which == PS_PROC_MEMCG) {
    auto s = parse_memcg(proc_file_text(*f));
    if (!s) return;
    s->ts_ns = h.ts_ns;
    memcg_.push_back(*s);
  }
}

std::optional<MemorySample> SystemMemory::meminfo_at(uint64_t ts) const { return at_time(meminfo_, ts); }
std::optional<MemcgSample> SystemMemory::memcg_at(uint64_t ts) const { return at_time(memcg_, ts); }

}  // namespace pagescope::model
