#include "tui/event_tally.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "events.h"

namespace pagescope::tui {
namespace {
constexpr uint64_t kPageShift = 12;
}  // namespace

void EventTally::add(const void* data, size_t size) {
  ps_header h;
  if (size < sizeof h) return;
  std::memcpy(&h, data, sizeof h);
  ++records_;
  if (h.size < sizeof h || h.size > size) return;  // truncated
  // Records arrive unaligned in the ring buffer: copy before reading.
  aligned_.resize((h.size + 7) / 8);
  std::memcpy(aligned_.data(), data, h.size);
  const auto& record = *reinterpret_cast<const ps_header*>(aligned_.data());
  fold_.visit(record);
  if (watched_ != 0 && h.pid == uint32_t(watched_)) visit(record);
}

void EventTally::on_fault(const ps_fault& f) { add_watched_fault(f.address >> kPageShift); }

void EventTally::forget_exited() {
  // Two rounds late: the snapshot taken right after the exit may still list
  // the process, and its last interval's counts should still show.
  for (uint32_t pid : exited_older_) fold_.forget(pid);
  exited_older_ = fold_.take_exited();
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
    // The tracer sees every process: what it did not see did not happen.
    p.swap_in_pages = c->swap_in_pages;
    p.swap_out_pages = c->swap_out_pages;
    p.reclaim_stall_ns = c->stall_ns;
    p.tlb_flushes = c->tlb_flushes;
  }
  snap.system.tlb.clear();
  const auto& by_reason = fold_.tlb_by_reason();
  for (uint32_t r = 0; r < by_reason.size(); ++r) {
    if (by_reason[r] == 0) continue;  // room on the header line for the reasons that happen
    snap.system.tlb.push_back({model::tlb_reason_name(r), by_reason[r]});
  }
}

}  // namespace pagescope::tui
