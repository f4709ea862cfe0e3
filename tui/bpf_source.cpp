#include "tui/bpf_source.h"

#include <time.h>
#include <unistd.h>

#include <utility>

#include "common/monotonic_clock.h"
#include "inspector/live/access_sampler.h"
#include "inspector/live/features.h"
#include "inspector/live/tracer.h"

namespace pagescope::tui {

Result<std::unique_ptr<BpfSource>> BpfSource::start(bool wss) {
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
  s->traits_.per_process_wss = wss;
  s->wss_wanted_ = wss;
  s->last_spans_ns_ = monotonic_ns();
  return s;
}

BpfSource::~BpfSource() { stop_wss(); }

void BpfSource::stop_wss() {
  if (!sampler_) return;
  sampler_->end({wss_pid_}, monotonic_ns(), [](const void*, size_t) {});
  sampler_.reset();
  wss_.forget(wss_pid_);
  wss_pid_ = 0;
}

void BpfSource::pump() {
  // Drain without waiting; the loop decides when to call again.
  (void)tracer_->poll(0, [this](const void* data, size_t size) { tally_.add(data, size); });
  if (sampler_) {
    sampler_->poll({wss_pid_}, monotonic_ns(), [this](const void* data, size_t size) { wss_.add(data, size); });
  }
}

Result<Snapshot> BpfSource::sample() {
  pump();
  auto snap = proc_.sample();
  if (!snap) return snap;
  tally_.apply(*snap, faults_accounted_, self_);
  if (wss_pid_) {
    for (auto& p : snap->processes) {
      if (p.pid == int32_t(wss_pid_)) p.wss_kb = wss_.wss_kb(wss_pid_);
    }
  }
  tally_.forget_exited();
  return snap;
}

Result<std::vector<VmaRow>> BpfSource::vmas(int32_t pid, bool with_rss) {
  auto list = proc_.vmas(pid, with_rss);
  if (list && wss_pid_ && pid == int32_t(wss_pid_)) {
    for (VmaRow& v : *list) v.wss_kb = wss_.wss_kb(wss_pid_, v.vma.start, v.vma.end);
  }
  return list;
}

void BpfSource::watch(int32_t pid) {
  pump();  // faults before now belong to no column
  tally_.take_fault_spans(1);
  tally_.watch(pid);
  last_spans_ns_ = monotonic_ns();
  if (!wss_wanted_ || uint32_t(pid) == wss_pid_) return;
  stop_wss();
  if (pid <= 0) return;
  live::AccessSamplerOptions o;
  o.interval_ns = 1'000'000'000;
  o.budget_ns = 5'000'000;  // the UI loop must stay responsive
  auto sampler = live::AccessSampler::create(o);
  if (!sampler) {
    wss_note_ = "no live WSS: " + sampler.error().message;
    wss_wanted_ = false;
    return;
  }
  sampler_ = std::move(*sampler);
  wss_pid_ = uint32_t(pid);
  sampler_->begin({wss_pid_}, monotonic_ns(), [this](const void* data, size_t size) { wss_.add(data, size); });
}

std::vector<HeatSpan> BpfSource::take_fault_spans() {
  uint64_t now = monotonic_ns();
  double secs = double(now - last_spans_ns_) / 1e9;
  last_spans_ns_ = now;
  return tally_.take_fault_spans(secs);
}

std::string BpfSource::take_note() {
  if (!wss_note_.empty()) return std::exchange(wss_note_, {});
  if (std::string note = proc_.take_note(); !note.empty()) return note;
  uint64_t lost = tracer_->lost_total();
  if (lost == lost_seen_) return {};
  uint64_t n = lost - lost_seen_;
  lost_seen_ = lost;
  return "BPF ring buffer full: " + std::to_string(n) + " records lost (rates undercount)";
}

}  // namespace pagescope::tui
