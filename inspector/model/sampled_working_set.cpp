#include "inspector/model/sampled_working_set.h"

#include <string_view>

#include "inspector/model/address_space.h"

namespace pagescope::model {

void SmapsSampler::apply(const ps_header& h) {
  if (h.kind != PS_EV_PROC_FILE || h.pid != pid_ || h.size < sizeof(ps_proc_file)) return;
  const auto& f = reinterpret_cast<const ps_proc_file&>(h);
  if (f.which != PS_PROC_SMAPS || sizeof(ps_proc_file) + f.length > h.size) return;
  const std::string_view text(reinterpret_cast<const char*>(&f + 1), f.length);
  auto parsed = parse_smaps(text);
  if (!parsed) {
    ++bad_;
    last_error_ = parsed.error().message;
    return;
  }
  WssSample s;
  s.t_ns = h.ts_ns;
  s.interval_ns = samples_.empty() ? 0 : h.ts_ns - samples_.back().t_ns;
  s.referenced = parsed->referenced;
  s.rss = parsed->rss;
  s.vmas = std::move(parsed->vmas);
  // Kinds the same way a maps snapshot gets them (heap, stack, bss, libs...).
  std::vector<Vma> plain;
  plain.reserve(s.vmas.size());
  for (const SmapsVma& v : s.vmas) plain.push_back(v.vma);
  AddressSpace space;
  space.reset(std::move(plain));
  const std::vector<Vma> classified = space.vmas();
  size_t j = 0;
  for (SmapsVma& v : s.vmas) {
    while (j < classified.size() && classified[j].end <= v.vma.start) ++j;
    if (j < classified.size() && classified[j].contains(v.vma.start)) v.vma.kind = classified[j].kind;
    s.referenced_by_kind[size_t(v.vma.kind)] += v.referenced;
  }
  samples_.push_back(std::move(s));
}

uint64_t referenced_in(const WssSample& s, uint64_t start, uint64_t end) {
  uint64_t sum = 0;
  for (const SmapsVma& v : s.vmas) {
    if (v.vma.start >= start && v.vma.end <= end) sum += v.referenced;
  }
  return sum;
}

}  // namespace pagescope::model
