// The replay screen of `pagescope tui FILE`: what-if replays of the capture.
// Three states: Setup (edit policies, memory sizes, tiers), Running (a
// progress bar while a ReplayJob works in the background) and Done (the
// comparison table and the miss-ratio curves with the real run marked).
// Plain state and key handling here; the job is in replay_job.h, drawing in
// render.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pagescope::tui {

// One row of the comparison table.
struct ReplayRow {
  std::string policy;
  std::string tier;             // "" for a plain replay
  uint64_t memory_bytes = 0;
  uint64_t references = 0;
  uint64_t faults = 0;          // misses, cold ones included
  std::optional<uint64_t> pool_faults;  // served by the compressed tier
  std::optional<uint64_t> swap_faults;  // had to read swap
  double miss_ratio() const { return references ? double(faults) / double(references) : 0; }
};

struct CurvePoint {
  uint64_t memory_bytes = 0;
  double miss_ratio = 0;
};
struct ReplayCurve {
  std::string label;
  std::vector<CurvePoint> points;  // increasing memory
};

// What the capture says the real run did: its memory (the memory cgroup's
// limit when it ran in one, else its peak resident memory) and the
// miss ratio the simulator would count for it (major faults plus first
// touches, over the references the trace holds).
struct RealPoint {
  uint64_t memory_bytes = 0;
  double miss_ratio = 0;
  uint64_t major_faults = 0;
  std::string memory_source = "peak RSS";  // or "memcg limit"
  uint64_t minor_faults = 0;
};

struct ReplayResults {
  uint64_t references = 0;
  uint64_t distinct_pages = 0;
  uint64_t page_size = 4096;
  std::vector<ReplayRow> rows;
  std::vector<ReplayCurve> curves;
  std::optional<RealPoint> real;
  std::vector<std::string> caveats;  // what the trace source could not deliver
};

class ReplayScreen {
 public:
  enum class State { Setup, Running, Done };
  enum class Field { Policies, Memory, Tiers };
  static constexpr int kFields = 3;
  enum class Action { None, Run, Cancel, Close, Quit };

  ReplayScreen();

  // Keys go here first while the screen is open (typing 'q' into a field
  // must not quit).
  Action handle_key(int key);

  State state() const { return state_; }
  Field field() const { return field_; }
  const std::string& text(Field f) const { return fields_[size_t(f)]; }
  void set_text(Field f, std::string t) { fields_[size_t(f)] = std::move(t); }
  const std::string& message() const { return message_; }
  void set_message(std::string m) { message_ = std::move(m); }

  // The loop reports the job's life here.
  void started();
  void progress(double fraction, std::string what);
  void finished(ReplayResults results);
  void failed(std::string message);

  double fraction() const { return fraction_; }
  const std::string& progress_text() const { return progress_text_; }
  const ReplayResults& results() const { return results_; }
  size_t row_scroll = 0;  // adjusted by render.cpp
  // Lines under the fields telling what may be typed (names of policies...).
  std::vector<std::string> hints;

 private:
  State state_ = State::Setup;
  Field field_ = Field::Policies;
  std::array<std::string, kFields> fields_;
  std::string message_;
  double fraction_ = 0;
  std::string progress_text_;
  ReplayResults results_;
};

// Peak resident memory (sum of RSS over processes, per frame) and major
// faults over the frames of a capture; empty when the capture has neither.
struct FrameTotals {
  uint64_t peak_rss_bytes = 0;
  uint64_t major_faults = 0;
  uint64_t minor_faults = 0;
};
struct Frame;
FrameTotals frame_totals(const std::vector<Frame>& frames);

// The real run a replay is compared with, from a source's frames and memory
// limit: the memory cgroup's limit when the run had one, else its peak RSS;
// its major and minor faults (miss_ratio left 0: the experiment runner
// fills it in). Empty when the source knows neither. The replay screen and
// `pagescope replay FILE.psc` both ask here.
class ReplaySource;
std::optional<RealPoint> real_point(const ReplaySource& source);

}  // namespace pagescope::tui
