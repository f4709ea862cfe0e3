#include "tui/event_tally.h"

#include <algorithm>
#include <cstring>

#include "events.h"

namespace pagescope::tui {
namespace {
// Records arrive unaligned in the ring buffer: copy before reading.
template <typename T>
bool read_as(const void* data, size_t size, T& out) {
  if (size < sizeof(T)) return false;
  std::memcpy(&out, data, sizeof(T));
  return true;
}
constexpr uint64_t kPageShift = 12;
}  // namespace

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

void EventTally::add(const void* data, size_t size) {
  ps_header h;
  if (!read_as(data, size, h)) return;
  ++records_;
  switch (h.kind) {
    case PS_EV_FAULT: {
      ps_fault f;
      if (!read_as(data, size, f)) return;
      PidCounts& c = at(h.pid);
      if (f.flags & PS_FAULT_MAJOR) ++c.maj_flt;
      else ++c.min_flt;
      if (watched_ != 0 && h.pid == uint32_t(watched_)) add_watched_fault(f.address >> kPageShift);
      return;
    }
    case PS_EV_SWAP_ENTS: {
      ps_swap_ents s;
      if (!read_as(data, size, s)) return;
      PidCounts& c = at(h.pid);
      // The first count seen has no baseline: it only sets one.
      if (c.swap_ents >= 0) {
        if (s.swap_pages > c.swap_ents) c.swap_out_pages += uint64_t(s.swap_pages - c.swap_ents);
        else c.swap_in_pages += uint64_t(c.swap_ents - s.swap_pages);
      }
      c.swap_ents = s.swap_pages;
      return;
    }
    case PS_EV_RECLAIM: {
      ps_reclaim r;
      if (!read_as(data, size, r)) return;
      if (r.what == PS_RECLAIM_DIRECT_END || r.what == PS_RECLAIM_MEMCG_END) at(h.pid).stall_ns += r.duration_ns;
      return;
    }
    case PS_EV_TLB_FLUSH: {
      ps_tlb_flush t;
      if (!read_as(data, size, t)) return;
      ++at(h.pid).tlb_flushes;
      ++tlb_by_reason_[std::min<size_t>(t.reason, tlb_by_reason_.size() - 1)];
      return;
    }
    case PS_EV_EXIT: {
      ps_exit e;
      if (!read_as(data, size, e)) return;
      if (e.flags & PS_EXIT_GROUP_DEAD) exited_.push_back(h.pid);
      return;
    }
    default: return;
  }
}

void EventTally::forget_exited() {
  // Two rounds late: the snapshot taken right after the exit may still list
  // the process, and its last interval's counts should still show.
  for (uint32_t pid : exited_older_) {
    pids_.erase(pid);
  }
  exited_older_ = std::move(exited_);
  exited_.clear();
}

void EventTally::add_watched_fault(uint64_t page) {
  if (run_end_ > run_start_) {
    if (page == run_end_ && run_count_ == 1) {  // the next page, once
      ++run_end_;
      return;
    }
    if (page == run_start_ && run_end_ == run_start_ + 1) {  // the same single page again
      ++run_count_;
      return;
    }
    flush_run();
  }
  if (runs_.size() >= kMaxRuns) {
    ++fault_pages_[page];
    return;
  }
  run_start_ = page;
  run_end_ = page + 1;
  run_count_ = 1;
}

void EventTally::flush_run() {
  if (run_end_ > run_start_) {
    runs_.push_back({run_start_ << kPageShift, run_end_ << kPageShift, double(run_count_) * double(run_end_ - run_start_)});
  }
  run_start_ = run_end_ = 0;
  run_count_ = 0;
}

void EventTally::watch(int32_t pid) {
  if (pid != watched_) {
    run_start_ = run_end_ = 0;
    runs_.clear();
    fault_pages_.clear();
  }
  watched_ = pid;
}

std::vector<HeatSpan> EventTally::take_fault_spans(double seconds) {
  flush_run();
  std::vector<HeatSpan> spans = std::move(runs_);
  runs_.clear();
  for (const auto& [page, n] : fault_pages_) {
    spans.push_back({page << kPageShift, (page + 1) << kPageShift, double(n)});
  }
  fault_pages_.clear();
  std::sort(spans.begin(), spans.end(),
            [](const HeatSpan& a, const HeatSpan& b) { return a.start != b.start ? a.start < b.start : a.end < b.end; });
  // The same range faulted in separate runs becomes one span.
  std::vector<HeatSpan> merged;
  merged.reserve(spans.size());
  const double per = seconds > 0 ? 1.0 / seconds : 1.0;
  for (const HeatSpan& s : spans) {
    if (!merged.empty() && merged.back().start == s.start && merged.back().end == s.end) merged.back().weight += s.weight * per;
    else merged.push_back({s.start, s.end, s.weight * per});
  }
  return merged;
}

const EventTally::PidCounts* EventTally::find(int32_t pid) const {
  auto it = pids_.find(uint32_t(pid));
  return it == pids_.end() ? nullptr : &it->second;
}

void EventTally::apply(Snapshot& snap, bool faults, int32_t untraced) const {
  static const PidCounts kNone;
  for (ProcessCounters& p : snap.processes) {
    const PidCounts* c = find(p.pid);
    if (!c) c = &kNone;  // traced everywhere: no record means nothing happened
    if (p.pid == untraced) continue;
    if (faults) {
      p.min_flt = c->min_flt;
      p.maj_flt = c->maj_flt;
    }
    p.swap_in_pages = c->swap_in_pages;
    p.swap_out_pages = c->swap_out_pages;
    p.reclaim_stall_ns = c->stall_ns;
    p.tlb_flushes = c->tlb_flushes;
  }
  snap.system.tlb.clear();
  for (uint32_t r = 0; r < tlb_by_reason_.size(); ++r) {
    if (tlb_by_reason_[r] == 0) continue;  // room on the header line for the reasons that happen
    snap.system.tlb.push_back({tlb_reason_name(r), tlb_by_reason_[r]});
  }
}

}  // namespace pagescope::tui
