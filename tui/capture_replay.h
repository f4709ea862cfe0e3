// `pagescope tui FILE`: a capture as a ReplaySource. Frames are built in one
// pass when the file is opened; the detail of a process is built on demand
// with a second pass over the file (only that pid's records are kept).
#pragma once

#include <functional>
#include <string>

#include "common/result.h"
#include "tui/source.h"

namespace pagescope::tui {

class CaptureReplay : public ReplaySource {
 public:
  // Called now and then while reading: records so far, capture time covered.
  using Progress = std::function<void(uint64_t records, uint64_t covered_ns)>;
  // Errors name the file (missing, not a capture, unsupported version).
  static Result<CaptureReplay> open(const std::string& path, uint64_t interval_ns, const Progress& progress = {});

  const SourceTraits& traits() const override { return traits_; }
  const std::vector<Frame>& frames() const override { return frames_; }
  std::vector<std::pair<uint64_t, ReplayDetail>> detail(int32_t pid) override;
  std::string capture_path() const override { return path_; }
  uint64_t memory_limit_bytes() const override { return memcg_limit_bytes_; }
  // Problems the reader reported (corrupt chunks skipped, truncated file).
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::string path_;
  uint64_t interval_ns_ = 0;
  uint64_t header_start_ns_ = 0;  // with the first record: the frames' time zero
  SourceTraits traits_;
  std::vector<Frame> frames_;
  std::vector<std::string> problems_;
  uint64_t memcg_limit_bytes_ = 0;
};

}  // namespace pagescope::tui
