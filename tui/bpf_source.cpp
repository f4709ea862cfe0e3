#include "tui/bpf_source.h"

#include <time.h>
#include <unistd.h>

#include "common/monotonic_clock.h"
#include "inspector/live/features.h"
#include "inspector/live/tracer.h"

namespace pagescope::tui {

Result<std::unique_ptr<BpfSource>> BpfSource::start() {
  live::TracerOptions opt;
  opt.trace_all = true;
  // The loop drains the ring every 200 ms (Source::pump) without waiting on
  // it, so wake-ups are useless here, and harmful: once `wakeup_bytes` are
  // queued every further record forces one (an irq_work per fault), which
  // slowed a fault storm 4x at 256 KiB. Half the ring is never reached
  // between drains below ~800k faults/s (48 B each).
  opt.ring_bytes = 16u << 20;
  opt.wakeup_bytes = opt.ring_bytes / 2;
  auto tracer = live::Tracer::start(opt, live::Features::probe());
  if (!tracer) return tracer.error();
  std::unique_ptr<BpfSource> s(new BpfSource());
  s->tracer_ = std::move(*tracer);
  s->faults_accounted_ = s->tracer_->faults_accounted();
  s->self_ = int32_t(getpid());
  s->traits_.name = "bpf";
  s->traits_.per_process_tlb = true;
  s->traits_.per_process_reclaim_stall = true;
  s->traits_.per_fault_addresses = true;
  s->last_spans_ns_ = monotonic_ns();
  return s;
}

BpfSource::~BpfSource() = default;

void BpfSource::pump() {
  // Drain without waiting; the loop decides when to call again.
  (void)tracer_->poll(0, [this](const void* data, size_t size) { tally_.add(data, size); });
}

Result<Snapshot> BpfSource::sample() {
  pump();
  auto snap = proc_.sample();
  if (!snap) return snap;
  tally_.apply(*snap, faults_accounted_, self_);
  tally_.forget_exited();
  return snap;
}

Result<std::vector<Vma>> BpfSource::vmas(int32_t pid, bool with_rss) { return proc_.vmas(pid, with_rss); }

void BpfSource::watch(int32_t pid) {
  pump();  // faults before now belong to no column
  tally_.take_fault_spans(1);
  tally_.watch(pid);
  last_spans_ns_ = monotonic_ns();
}

std::vector<HeatSpan> BpfSource::take_fault_spans() {
  uint64_t now = monotonic_ns();
  double secs = double(now - last_spans_ns_) / 1e9;
  last_spans_ns_ = now;
  return tally_.take_fault_spans(secs);
}

std::string BpfSource::take_note() {
  uint64_t lost = tracer_->lost_total();
  if (lost == lost_seen_) return {};
  uint64_t n = lost - lost_seen_;
  lost_seen_ = lost;
  return "BPF ring buffer full: " + std::to_string(n) + " records lost (rates undercount)";
}

}  // namespace pagescope::tui
