// The one experiment runner: a plan (policies x memory sizes x tiers, where
// each compressor's page sizes and costs come from, miss-ratio curve sizes,
// seed) in, results (per cell: faults, tier counts and costs; per policy: a
// curve) out. `replay`, `mrc` and the TUI's replay screen all run their
// replays here, so one capture and one plan give one set of numbers whoever
// asks. Progress and cancel through ExperimentHooks; every failure,
// calibration included, comes back as an Error (the TUI runs this on a
// thread where an escaping exception would end the program).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "compressors/calibration.h"
#include "simulator/engine.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/cost_model.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/sampled_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/tiered_replay.h"
#include "simulator/trace.h"

namespace pagescope::sim {

// How one compressor's page sizes and costs were obtained.
struct SizeSource {
  std::vector<uint16_t> sizes;  // per dense page id
  compressors::Calibration cal;
  bool cal_from_capture = false;
  double ratio = 0;  // the model's ratio (for pages no sample reached)
  double zero_fraction = 0;
  tiers::SizeOrigins origins;
  uint64_t samples = 0;  // ps_page_content records usable for this compressor
  uint64_t calibration_pages = 0;
  // "sampled 93%" (pages sized from their own or a neighbour's sample) or "modelled".
  std::string label() const;
};

// What the capture says the real run did (memory it had, major faults).
struct RealRun {
  uint64_t memory_bytes = 0;
  uint64_t major_faults = 0;
};

// One part of a sweep split over N jobs (`replay`/`mrc --part K/N`). The
// sweep's points, in the order the unsplit run prints them, are the plan's
// cells (policy-major, then memory size, then tier; with a target fault rate:
// policy, then tier) followed by its curve sizes (one point per size: every
// policy's miss ratio there). Point i (0-based) belongs to part i mod N + 1:
// round-robin, so the parts differ by at most one point and a part's points
// come from every policy and size (the large sizes, the slow ones, are not
// all one host's). Every point's numbers are those of the unsplit run: each is
// computed on its own (a one-pass curve is read at the part's sizes only).
struct Part {
  uint32_t index = 1;  // K, 1..count
  uint32_t count = 1;  // N
  bool whole() const { return count == 1; }
  bool owns(size_t point) const { return point % count == index - 1; }
};
// "K/N" with 1 <= K <= N; a usage Error saying what is wrong otherwise.
Result<Part> parse_part(std::string_view text);

// What `pagescope merge` checks the parts of one sweep against: 16 hex digits
// of FNV-1a over the trace file's size and first MiB (not its path or mtime:
// a copy on another host is the same trace), and of the plan as text plus
// `extra` (the command and the options that shape the trace, e.g. --format).
Result<std::string> trace_identity(const std::string& path);
struct ExperimentPlan;
std::string plan_identity(const ExperimentPlan& plan, std::string_view extra);

struct ExperimentPlan {
  std::vector<const policies::PolicyInfo*> policies;
  std::vector<uint64_t> frames;         // the table's memory sizes, in frames
  std::vector<tiers::TierSpec> tiers;   // empty: plain replays, no tier columns
  bool per_process = false;             // plain replays only: a pool per process, counts summed
  uint64_t page_size = 4096;
  uint64_t seed = 1;
  // Tiers: page sizes and costs. A capture's content samples and calibration
  // are read from `contents_path` when it is set (a capture file).
  std::string contents_path;
  tiers::CompressibilityModel model;
  bool ratio_given = false, zero_given = false;  // the model's ratio / zero fraction override the samples
  double swap_read_ns = 100000;
  // >= 0: sweep mode, the smallest memory per (policy, tier) whose slow faults
  // per reference stay at or below this; `frames` is then not used.
  double target_fault_rate = -1;
  // Miss-ratio curves at these sizes (frames), one per policy; empty: none.
  // A stack algorithm with a one-pass stack distance (LRU) is exact in one
  // pass, others one replay per size on `curve_threads` threads (0: all cores;
  // 1: in order, cancellable between sizes).
  std::vector<uint64_t> curve_sizes;
  unsigned curve_threads = 0;
  // Streamed only, when curve_sizes is empty: curves of one-pass policies at
  // this many log-spaced sizes up to the distinct pages, known after the pass.
  int curve_points = 0;
  std::optional<RealRun> real;
  // Only this part's points are computed and returned (see Part).
  Part part;
};

struct ExperimentCell {
  const policies::PolicyInfo* policy = nullptr;
  uint64_t frames = 0;
  int tier = -1;  // index into plan.tiers; -1: a plain replay
  SimResult sim;  // the replay's counts (for tiers: run.sim)
  std::optional<tiers::TieredRun> run;  // with tiers
  tiers::TierCost cost;                 // with tiers
  double stall_saved_s = 0;             // against the same policy and memory with no tier
  int64_t swap_reads_avoided = 0;
  uint32_t replays = 0;                 // sweep mode: replays the search took
  size_t point = 0;                     // its index among the unsplit plan's points (see Part)
  // False for a cell of another part computed only because one of this
  // part's rows refers to it (sweep mode: the policy's memory with no tier).
  bool in_part = true;
};

struct ExperimentResults {
  std::map<std::string, SizeSource> sources;  // per compressor of plan.tiers
  std::vector<std::string> warnings;          // e.g. unreadable content samples (sizes then modelled)
  std::vector<ExperimentCell> cells;          // policy-major, then frames, then tier
  std::vector<MissRatioCurve> curves;         // one per policy when plan.curve_sizes is set
  size_t processes = 0;                       // per_process: how many pools
  std::optional<double> real_miss_ratio;      // the real run as the simulator counts it
  std::vector<uint64_t> curve_sizes;          // the sizes the curves were computed at (this part's)
  std::vector<size_t> curve_points;           // per curve size: its index among the plan's points
  size_t points = 0;                          // points of the unsplit plan (cells, then curve sizes)
};

struct ExperimentHooks {
  std::function<void(const std::string& what)> step;          // a new replay starts
  Progress run;                                               // within one replay
  std::function<void(uint64_t done, uint64_t total)> units;   // replays finished of all planned
  std::function<void(const std::string& warning)> warn;       // also kept in ExperimentResults::warnings
  const std::atomic<bool>* cancel = nullptr;                  // checked between replays
};

// True when `policy`'s miss-ratio curve is computed exactly in one pass.
bool one_pass_curve(const policies::PolicyInfo& policy);

// Each compressor of `plan.tiers`, once: page sizes from the capture's
// samples where there are any, else modelled; costs from the capture's
// calibration, else measured on this host.
// Calibration failures are Errors. Warnings go to `warn`.
Result<std::map<std::string, SizeSource>> size_sources(const Trace& trace, const ExperimentPlan& plan,
                                                       const std::function<void(const std::string&)>& warn = {});

Result<ExperimentResults> run_experiment(const Trace& trace, const ExperimentPlan& plan,
                                         const ExperimentHooks& hooks = {});

class TraceStream;
// Empty when `plan` can run on a streamed trace (stream_experiment); else
// why not, for the docs and --help: tiers, per-process pools and the sweep
// need the loaded trace, and so does a policy that looks ahead (OPT, linux).
std::string why_not_streamed(const ExperimentPlan& plan);
// The same results as run_experiment() on the loaded trace, reading the
// stream once: each chunk is replayed by every cell and curve point in turn
// (on up to curve_threads threads, 0: all cores) while the next is parsed.
// Memory: per simulation its policy's arrays and one byte per page.
Result<ExperimentResults> stream_experiment(TraceStream& stream, const ExperimentPlan& plan,
                                            const ExperimentHooks& hooks = {});

}  // namespace pagescope::sim
