#include "inspector/model/counter_fold.h"

#include <algorithm>
#include <utility>

#include "inspector/model/system_memory.h"

namespace pagescope::model {

const char* tlb_reason_name(uint32_t reason) {
  switch (reason) {
    case PS_TLB_FLUSH_ON_TASK_SWITCH: return "switch";
    case PS_TLB_REMOTE_SHOOTDOWN: return "remote";
    case PS_TLB_LOCAL_SHOOTDOWN: return "local";
    case PS_TLB_LOCAL_MM_SHOOTDOWN: return "local-mm";
    case PS_TLB_REMOTE_SEND_IPI: return "ipi";
    default: return "other";
  }
}

const CounterFold::PidCounts* CounterFold::find(uint32_t pid) const {
  auto it = pids_.find(pid);
  return it == pids_.end() ? nullptr : &it->second;
}

void CounterFold::fill(ProcessCounters& p) const {
  const PidCounts* c = find(uint32_t(p.pid));
  if (!c) return;
  p.min_flt = c->min_flt;
  p.maj_flt = c->maj_flt;
  if (c->rss_kb) p.rss_kb = *c->rss_kb;
  if (c->swap_kb) p.swap_kb = *c->swap_kb;
  if (c->swap_ents >= 0) {
    p.swap_in_pages = c->swap_in_pages;
    p.swap_out_pages = c->swap_out_pages;
  }
  if (c->stalled) p.reclaim_stall_ns = c->stall_ns;
  if (c->tlb_flushes) p.tlb_flushes = c->tlb_flushes;
}

void CounterFold::on_fault(const ps_fault& f) {
  PidCounts& c = at(f.hdr.pid);
  if (f.flags & PS_FAULT_MAJOR) ++c.maj_flt;
  else ++c.min_flt;
}

void CounterFold::on_swap_ents(const ps_swap_ents& s) {
  PidCounts& c = at(s.hdr.pid);
  // The first count seen has no baseline: it only sets one.
  if (c.swap_ents >= 0) {
    if (s.swap_pages > c.swap_ents) c.swap_out_pages += uint64_t(s.swap_pages - c.swap_ents);
    else c.swap_in_pages += uint64_t(c.swap_ents - s.swap_pages);
  }
  c.swap_ents = s.swap_pages;
}

void CounterFold::on_reclaim(const ps_reclaim& r) {
  pressure_records_ = true;
  if (r.what != PS_RECLAIM_DIRECT_END && r.what != PS_RECLAIM_MEMCG_END) return;
  PidCounts& c = at(r.hdr.pid);
  c.stall_ns += r.duration_ns;
  c.stalled = true;
}

void CounterFold::on_tlb_flush(const ps_tlb_flush& t) {
  pressure_records_ = true;
  ++at(t.hdr.pid).tlb_flushes;
  ++tlb_by_reason_[std::min<size_t>(t.reason, tlb_by_reason_.size() - 1)];
}

void CounterFold::on_exit(const ps_exit& e) {
  if (e.flags & PS_EXIT_GROUP_DEAD) exited_.push_back(e.hdr.pid);
}

void CounterFold::on_proc_file(const ps_proc_file& f, std::string_view text) {
  switch (f.which) {
    case PS_PROC_VMSTAT: parse_vmstat(text, system_); break;
    case PS_PROC_MEMINFO: parse_meminfo(text, system_); break;
    case PS_PROC_PSI_MEMORY: parse_psi_memory(text, system_); break;
    case PS_PROC_MEMCG:
      if (auto m = parse_memcg(text)) memcg_limit_bytes_ = std::max(memcg_limit_bytes_, m->limit);
      break;
    case PS_PROC_STATUS: {
      PidCounts& c = at(f.hdr.pid);
      if (auto rss = parse_status_kb(text, "VmRSS")) c.rss_kb = rss;
      if (auto swap = parse_status_kb(text, "VmSwap")) c.swap_kb = swap;
      break;
    }
    default: break;
  }
}

}  // namespace pagescope::model
