// The live source when BPF is available (root, BTF, ring buffer): /proc for
// memory, RSS and names, the tracer (every process) for faults per process
// with their addresses, gross swap traffic, direct-reclaim stall time and TLB
// flushes by reason. Built only WITH_BPF.
#pragma once

#include <memory>

#include "common/result.h"
#include "tui/access_wss.h"
#include "tui/event_tally.h"
#include "tui/proc_source.h"
#include "tui/source.h"

namespace pagescope::live {
class AccessSampler;
class Tracer;
}

namespace pagescope::tui {

class BpfSource : public Source {
 public:
  // Fails with the reason (not root, no BTF, ...) so the caller can fall back to /proc.
  // With `wss`, the process on the detail screen also gets its working set
  // from the access sampler (clear_refs + a page-table walk every second).
  static Result<std::unique_ptr<BpfSource>> start(bool wss = false);
  ~BpfSource() override;

  const SourceTraits& traits() const override { return traits_; }
  Result<Snapshot> sample() override;
  Result<std::vector<VmaRow>> vmas(int32_t pid, bool with_rss) override;
  void pump() override;
  int pump_interval_ms() const override { return 200; }
  void watch(int32_t pid) override;
  std::vector<HeatSpan> take_fault_spans() override;
  std::string take_note() override;

 private:
  BpfSource() = default;

  void stop_wss();

  ProcSource proc_;
  std::unique_ptr<live::Tracer> tracer_;
  bool wss_wanted_ = false;
  std::unique_ptr<live::AccessSampler> sampler_;  // while a process is watched with --wss
  uint32_t wss_pid_ = 0;
  AccessWss wss_;
  std::string wss_note_;
  EventTally tally_;
  SourceTraits traits_;
  bool faults_accounted_ = false;
  uint64_t lost_seen_ = 0;
  uint64_t last_spans_ns_ = 0;
  int32_t self_ = 0;
};

}  // namespace pagescope::tui
