#include "inspector/live/smaps_sampler.h"

#include <cstdio>
#include <string>

#include "events.h"
#include "inspector/live/proc_reader.h"

namespace pagescope::live {
namespace {

class SmapsSampler final : public IntervalSampler {
 public:
  SmapsSampler(uint64_t interval_ns, ClearMode clear) : interval_ns_(interval_ns), clear_(clear) {}

  // Clear once: the first interval starts now.
  void begin(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
             const AppendRecord& append) override {
    sample(live, append);
    last_ns_ = now_ns;
  }
  void poll(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
            const AppendRecord& append) override {
    if (now_ns - last_ns_ < interval_ns_) return;
    last_ns_ = now_ns;
    sample(live, append);
  }
  void end(const std::unordered_set<uint32_t>&, uint64_t, const AppendRecord&) override {}

  std::string report() const override {
    char line[512];
    std::snprintf(line, sizeof line,
                  "%llu working-set samples (smaps), %.1f ms spent sampling (%.1f ms of it "
                  "flushing TLBs); %s",
                  static_cast<unsigned long long>(samples_), sampling_ms_,
                  static_cast<double>(flush_ns_) / 1e6, describe_clear_mode(clear_).c_str());
    std::string text = line;
    if (flushes_failed_) {
      text += "; " + std::to_string(flushes_failed_) + " flushes failed (those samples may under-count)";
    }
    return text;
  }

 private:
  void sample(const std::unordered_set<uint32_t>& live, const AppendRecord& append) {
    uint64_t t0 = monotonic_ns();
    for (uint32_t pid : live) {
      std::string dir = "/proc/" + std::to_string(pid);
      auto rec = proc_file_record(pid, PS_PROC_SMAPS, dir + "/smaps");
      if (rec.size() <= sizeof(ps_proc_file)) continue;  // gone
      append(rec.data(), rec.size());
      ClearRefsResult r = clear_accessed_bits(pid, clear_);
      flush_ns_ += r.flush_ns;
      if (r.ok && clear_ == ClearMode::kFlush && !r.flushed) ++flushes_failed_;
      ++samples_;
    }
    sampling_ms_ += static_cast<double>(monotonic_ns() - t0) / 1e6;
  }

  uint64_t interval_ns_;
  ClearMode clear_;
  uint64_t last_ns_ = 0;
  uint64_t flush_ns_ = 0, flushes_failed_ = 0;
  uint64_t samples_ = 0;
  double sampling_ms_ = 0;
};

}  // namespace

std::unique_ptr<IntervalSampler> make_smaps_sampler(uint64_t interval_ns, ClearMode clear) {
  return std::make_unique<SmapsSampler>(interval_ns, clear);
}

}  // namespace pagescope::live
