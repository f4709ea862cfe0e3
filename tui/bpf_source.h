// The live source when BPF is available (root, BTF, ring buffer): /proc for
// memory, RSS and names, the tracer (every process) for faults per process
// with their addresses, gross swap traffic, direct-reclaim stall time and TLB
// flushes by reason. Built only WITH_BPF.
#pragma once

#include <memory>

#include "common/result.h"
#include "tui/event_tally.h"
#include "tui/proc_source.h"
#include "tui/source.h"

namespace pagescope::live {
class Tracer;
}

namespace pagescope::tui {

class BpfSource : public Source {
 public:
  // Fails with the reason (not root, no BTF, ...) so the caller can fall back to /proc.
  static Result<std::unique_ptr<BpfSource>> start();
  ~BpfSource() override;

  const SourceTraits& traits() const override { return traits_; }
  Result<Snapshot> sample() override;
  Result<std::vector<Vma>> vmas(int32_t pid, bool with_rss) override;
  void pump() override;
  int pump_interval_ms() const override { return 200; }
  void watch(int32_t pid) override;
  std::vector<HeatSpan> take_fault_spans() override;
  std::string take_note() override;

 private:
  BpfSource() = default;

  ProcSource proc_;
  std::unique_ptr<live::Tracer> tracer_;
  EventTally tally_;
  SourceTraits traits_;
  bool faults_accounted_ = false;
  uint64_t lost_seen_ = 0;
  uint64_t last_spans_ns_ = 0;
  int32_t self_ = 0;
};

}  // namespace pagescope::tui
