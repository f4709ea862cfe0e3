// The live source that needs nothing but /proc: faults, RSS and swap per
// process; memory, swap, reclaim, PSI and TLB shootdowns for the system.
#pragma once

#include <string>
#include <utility>

#include "tui/source.h"

namespace pagescope::tui {

class ProcSource : public Source {
 public:
  // proc_root is "/proc" except in tests.
  explicit ProcSource(std::string proc_root = "/proc");
  const SourceTraits& traits() const override { return traits_; }
  Result<Snapshot> sample() override;
  Result<std::vector<VmaRow>> vmas(int32_t pid, bool with_rss) override;
  // Lines of a maps file dropped because it changed while read, once.
  std::string take_note() override { return std::exchange(note_, {}); }

 private:
  // Reads a whole small /proc file into buf_ (reused: no allocation per file
  // once it has grown). Returns false if it vanished or is unreadable.
  bool read_file(const std::string& path);

  std::string proc_root_;
  SourceTraits traits_;
  std::string buf_;
  std::string path_;
  std::string note_;
  long page_kb_;
};

}  // namespace pagescope::tui
