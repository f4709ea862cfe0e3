#include "inspector/live/smaps_sampler.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "events.h"
#include "inspector/live/proc_reader.h"

namespace pagescope::live {
namespace {

class SmapsSampler final : public IntervalSampler {
 public:
  explicit SmapsSampler(uint64_t interval_ns) : interval_ns_(interval_ns) {}

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
    char line[160];
    std::snprintf(line, sizeof line, "%llu working-set samples (smaps), %.1f ms spent sampling",
                  static_cast<unsigned long long>(samples_), sampling_ms_);
    return line;
  }

 private:
  void sample(const std::unordered_set<uint32_t>& live, const AppendRecord& append) {
    uint64_t t0 = monotonic_ns();
    for (uint32_t pid : live) {
      std::string dir = "/proc/" + std::to_string(pid);
      auto rec = proc_file_record(pid, PS_PROC_SMAPS, dir + "/smaps");
      if (rec.size() <= sizeof(ps_proc_file)) continue;  // gone
      append(rec.data(), rec.size());
      int fd = open((dir + "/clear_refs").c_str(), O_WRONLY | O_CLOEXEC);
      if (fd >= 0) {
        (void)!write(fd, "1", 1);
        close(fd);
      }
      ++samples_;
    }
    sampling_ms_ += static_cast<double>(monotonic_ns() - t0) / 1e6;
  }

  uint64_t interval_ns_;
  uint64_t last_ns_ = 0;
  uint64_t samples_ = 0;
  double sampling_ms_ = 0;
};

}  // namespace

std::unique_ptr<IntervalSampler> make_smaps_sampler(uint64_t interval_ns) {
  return std::make_unique<SmapsSampler>(interval_ns);
}

}  // namespace pagescope::live
