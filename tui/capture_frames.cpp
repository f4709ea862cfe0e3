#include "tui/capture_frames.h"

#include <algorithm>

#include "inspector/model/access_bits.h"
#include "inspector/model/maps_parser.h"
#include "inspector/model/record_view.h"
#include "inspector/model/proc_counters.h"

namespace pagescope::tui {
namespace {

// The next interval boundary after `cut`. A long silence (or a corrupt
// timestamp far ahead) becomes one long frame rather than millions of empty
// ones, up to the start of the interval holding `ts_ns`; its rates are still
// right, as they divide by the real interval.
uint64_t next_cut_after(const model::IntervalGrid& grid, uint64_t cut, uint64_t ts_ns) {
  constexpr uint64_t kMaxEmptyIntervals = 10000;
  const uint64_t next = cut + grid.interval_ns();
  if (ts_ns > next && (ts_ns - next) / grid.interval_ns() > kMaxEmptyIntervals) {
    return grid.start_of(grid.index_of(ts_ns));
  }
  return next;
}

}  // namespace

Snapshot CaptureFrameBuilder::snapshot_at(uint64_t ts_ns) const {
  Snapshot s;
  s.ts_ns = ts_ns;
  s.system = fold_.system();
  s.processes.reserve(processes_.size());
  // A process with no TLB or reclaim record had none, if the capture could see them.
  using capture::Source;
  const bool pressure = fold_.pressure_records();
  const bool tlb = sources_.unknown() ? pressure : sources_.measured(Source::kTlbFlushes);
  const bool stalls = sources_.unknown() ? pressure : sources_.measured(Source::kReclaim);
  for (const auto& [pid, p] : processes_) {
    s.processes.push_back(p);
    auto& q = s.processes.back();
    fold_.fill(q);
    if (tlb) q.tlb_flushes = q.tlb_flushes.value_or(0);
    else if (!sources_.unknown()) q.tlb_flushes.reset();
    if (stalls) q.reclaim_stall_ns = q.reclaim_stall_ns.value_or(0);
    else if (!sources_.unknown()) q.reclaim_stall_ns.reset();
    if (access_sampled_.count(pid)) {
      auto pages = frame_pages_.find(pid);
      s.processes.back().wss_kb = pages == frame_pages_.end() ? 0 : pages->second.size() * 4;
    }
    if (const model::ProcessInfo* info = table_.find(uint32_t(pid)); info && !info->comm.empty()) {
      s.processes.back().comm = info->comm;
    }
  }
  return s;
}

void CaptureFrameBuilder::cut_until(uint64_t ts_ns) {
  while (started_ && ts_ns >= next_cut_) {
    Snapshot cur = snapshot_at(next_cut_);
    if (have_prev_) frames_.push_back(make_frame(prev_, cur));
    prev_ = std::move(cur);
    have_prev_ = true;
    for (uint32_t pid : fold_.take_exited()) {
      processes_.erase(int32_t(pid));
      fold_.forget(pid);  // a reused pid starts from zero
    }
    frame_pages_.clear();
    since_cut_ = false;
    next_cut_ = next_cut_after(grid_, next_cut_, ts_ns);
  }
}

void CaptureFrameBuilder::apply(const ps_header& h) {
  if (!started_) {
    // The first interval starts at time zero: a zero snapshot there, so the
    // first frame already shows that interval's rates.
    grid_ = model::IntervalGrid(model::capture_time_zero(header_start_ns_, h.ts_ns), grid_.interval_ns());
    started_ = true;
    next_cut_ = grid_.zero_ns();
  }
  cut_until(h.ts_ns);
  since_cut_ = true;
  last_ts_ = std::max<uint64_t>(last_ts_, h.ts_ns);
  table_.apply(h);
  fold_.visit(h);
  visit(h);
}

ProcessCounters& CaptureFrameBuilder::process(int32_t pid) {
  ProcessCounters& p = processes_[pid];
  p.pid = pid;
  return p;
}

void CaptureFrameBuilder::on_fault(const ps_fault& f) {
  const int32_t pid = int32_t(f.hdr.pid);
  process(pid);
  frame_pages_[pid].insert(f.address >> 12);
}

void CaptureFrameBuilder::on_access_bits(const model::AccessBitsView& v) {
  const int32_t pid = int32_t(v.record->hdr.pid);
  process(pid);
  auto& pages = frame_pages_[pid];
  model::for_each_accessed_page(v, [&](uint64_t page) { pages.insert(page); });
}

void CaptureFrameBuilder::on_tlb_flush(const ps_tlb_flush& t) { process(int32_t(t.hdr.pid)); }

void CaptureFrameBuilder::on_reclaim(const ps_reclaim& r) {
  // A stall is charged to its task even when it is pid 0, as fold_ counts it.
  if (r.hdr.pid != 0 || r.what == PS_RECLAIM_DIRECT_END || r.what == PS_RECLAIM_MEMCG_END) process(int32_t(r.hdr.pid));
}

void CaptureFrameBuilder::on_access_interval(const ps_access_interval& iv) {
  process(int32_t(iv.hdr.pid));
  access_sampled_.insert(int32_t(iv.hdr.pid));
}

void CaptureFrameBuilder::on_fork(const ps_fork& f) {
  if (f.flags & PS_FORK_THREAD) return;
  ProcessCounters& child = processes_[int32_t(f.child_pid)];
  child.pid = int32_t(f.child_pid);
  child.comm = std::string(model::fixed_string(f.comm));
}

void CaptureFrameBuilder::on_proc_file(const ps_proc_file& f, std::string_view text) {
  // The first vmstat snapshot is the baseline, not activity since boot.
  if (f.which == PS_PROC_VMSTAT && !vmstat_seen_) {
    model::parse_vmstat(text, prev_.system);
    vmstat_seen_ = true;
  }
  if (f.which == PS_PROC_STATUS) process(int32_t(f.hdr.pid));
}

void CaptureFrameBuilder::on_other(const ps_header& h) {
  if (h.pid != 0) process(int32_t(h.pid));
}

std::vector<Frame> CaptureFrameBuilder::finish() {
  if (have_prev_ && since_cut_) {
    // The partial last interval, cut at the last record (just after it when
    // it lies on the boundary: its counts still need a frame).
    frames_.push_back(make_frame(prev_, snapshot_at(std::max(last_ts_, prev_.ts_ns + 1))));
  }
  return std::move(frames_);
}

void CaptureDetailBuilder::cut_until(uint64_t ts_ns) {
  while (started_ && ts_ns >= next_cut_) {
    Column col;
    col.ts_ns = next_cut_;
    col.vmas = current_vmas();
    const double secs = double(next_cut_ - column_start_) / 1e9;
    for (const auto& [page, n] : page_faults_) col.spans.push_back({page, page + 4096, double(n) / secs});
    std::sort(col.spans.begin(), col.spans.end(), [](const HeatSpan& a, const HeatSpan& b) { return a.start < b.start; });
    page_faults_.clear();
    columns_.push_back(std::move(col));
    since_cut_ = false;
    column_start_ = next_cut_;
    next_cut_ = next_cut_after(grid_, next_cut_, ts_ns);
  }
}

std::vector<VmaRow> CaptureDetailBuilder::current_vmas() const {
  const model::ProcessSpace* ps = spaces_.find(uint32_t(pid_));
  std::vector<VmaRow> out;
  for (const model::Vma& m : !ps || ps->space.pieces().empty() ? vmas_ : ps->space.vmas()) out.push_back({m, {}, {}});
  return out;
}

void CaptureDetailBuilder::apply(const ps_header& h) {
  if (!started_) {  // the frames' grid
    grid_ = model::IntervalGrid(model::capture_time_zero(header_start_ns_, h.ts_ns), grid_.interval_ns());
    started_ = true;
    column_start_ = grid_.zero_ns();
    next_cut_ = grid_.end_of(0);
  }
  cut_until(h.ts_ns);
  since_cut_ = true;
  last_ts_ = std::max<uint64_t>(last_ts_, h.ts_ns);
  // Every record: a fork copies the parent's space into the child.
  spaces_.apply(h);
  if (int32_t(h.pid) != pid_) return;
  visit(h);
}

void CaptureDetailBuilder::on_fault(const ps_fault& f) { ++page_faults_[f.address & ~uint64_t(4095)]; }

void CaptureDetailBuilder::on_access_bits(const model::AccessBitsView& v) {
  model::for_each_accessed_page(v, [&](uint64_t page) { ++page_faults_[page << 12]; });
}

void CaptureDetailBuilder::on_proc_file(const ps_proc_file& f, std::string_view text) {
  // A snapshot in a capture is what the kernel said; a torn one keeps its readable lines.
  if (f.which == PS_PROC_MAPS) vmas_ = model::parse_maps_lax(text).vmas;
}

std::vector<CaptureDetailBuilder::Column> CaptureDetailBuilder::finish() {
  // The partial last interval ends at the last record, like the last frame.
  if (started_ && since_cut_) {
    next_cut_ = std::max(last_ts_, column_start_ + 1);
    cut_until(next_cut_);
  }
  return std::move(columns_);
}

}  // namespace pagescope::tui
