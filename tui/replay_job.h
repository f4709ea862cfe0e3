// The simulator run behind the replay screen, on a background thread: read the
// capture as a reference trace, turn the request into a sim::ExperimentPlan
// (each chosen policy, memory size and tier for the comparison table, curve
// sizes for the miss-ratio curves) and run it with sim::run_experiment, the
// runner `pagescope replay` and `mrc` use, so the numbers are theirs. The
// screen polls progress(); the thread is cancelled and joined when the job is
// destroyed.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "tui/replay_screen.h"

namespace pagescope::tui {

struct ReplayRequest {
  std::string capture_path;
  std::string policies;  // "lru,fifo,opt"
  std::string memory;    // "auto" or "16M,64M"
  std::string tiers;     // "none" or "none,zswap:lz4,zram:zstd"
  std::optional<RealPoint> real;  // memory and major faults known from the capture (miss ratio filled in by the job)
  int curve_points = 24;          // memory sizes per curve
};

// What may be typed in each field, for the setup screen.
std::vector<std::string> replay_hints();

class ReplayJob {
 public:
  // Checks the request (policy, size and tier names) before starting: a bad
  // field is an error naming it, and no thread runs.
  static Result<std::unique_ptr<ReplayJob>> start(ReplayRequest request);
  ~ReplayJob();
  ReplayJob(const ReplayJob&) = delete;
  ReplayJob& operator=(const ReplayJob&) = delete;

  // Fraction done (0..1) and what it is doing now.
  double fraction() const;
  std::string what() const;
  bool done() const { return done_.load(); }
  // After done(): the results, or the error that stopped it.
  Result<ReplayResults> take_results();
  void cancel() { cancel_.store(true); }

 private:
  ReplayJob() = default;
  void run();  // the thread: compute(), with every exception turned into an Error
  Result<ReplayResults> compute();
  void set_what(std::string w);

  struct Parsed;
  std::unique_ptr<Parsed> parsed_;
  ReplayRequest request_;
  std::thread thread_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> units_done_{0};     // finished runs
  std::atomic<uint64_t> units_total_{1};
  std::atomic<uint32_t> run_permille_{0};   // of the current run
  mutable std::mutex mu_;
  std::string what_;
  std::optional<Result<ReplayResults>> result_;
};

}  // namespace pagescope::tui
