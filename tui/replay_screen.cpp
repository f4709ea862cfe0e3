#include "tui/replay_screen.h"

#include <cmath>

#include "tui/frame.h"
#include "tui/source.h"
#include "tui/keys.h"

namespace pagescope::tui {

ReplayScreen::ReplayScreen() {
  fields_[size_t(Field::Policies)] = "lru,fifo,clock,opt";
  fields_[size_t(Field::Memory)] = "auto";
  fields_[size_t(Field::Tiers)] = "none";
}

ReplayScreen::Action ReplayScreen::handle_key(int k) {
  if (k == key::kNone || k == key::kResize) return Action::None;
  switch (state_) {
    case State::Running:
      if (k == key::kEscape) {
        state_ = State::Setup;
        message_ = "replay cancelled";
        return Action::Cancel;
      }
      return Action::None;
    case State::Done:
      switch (k) {
        case key::kEscape:
        case 'e':
          state_ = State::Setup;
          return Action::None;
        case 'q':
        case key::kF10: return Action::Quit;
        case key::kUp: if (row_scroll > 0) --row_scroll; return Action::None;
        case key::kDown: ++row_scroll; return Action::None;
        default: return Action::None;
      }
    case State::Setup: break;
  }
  std::string& t = fields_[size_t(field_)];
  switch (k) {
    case key::kEscape: return Action::Close;
    case key::kF10: return Action::Quit;
    case key::kUp: field_ = Field((int(field_) + kFields - 1) % kFields); return Action::None;
    case key::kDown:
    case '\t': field_ = Field((int(field_) + 1) % kFields); return Action::None;
    case key::kBackspace: if (!t.empty()) t.pop_back(); return Action::None;
    case key::kEnter:
      message_.clear();
      return Action::Run;
    default:
      if (k >= 32 && k < 127) t += char(k);
      return Action::None;
  }
}

void ReplayScreen::started() {
  state_ = State::Running;
  fraction_ = 0;
  progress_text_.clear();
  message_.clear();
}

void ReplayScreen::progress(double fraction, std::string what) {
  fraction_ = fraction;
  progress_text_ = std::move(what);
}

void ReplayScreen::finished(ReplayResults results) {
  results_ = std::move(results);
  state_ = State::Done;
  row_scroll = 0;
  fraction_ = 1;
}

void ReplayScreen::failed(std::string message) {
  state_ = State::Setup;
  message_ = std::move(message);
}

FrameTotals frame_totals(const std::vector<Frame>& frames) {
  FrameTotals t;
  double major = 0, minor = 0;
  for (const Frame& f : frames) {
    uint64_t rss_kb = 0;
    for (const ProcessRow& p : f.processes) {
      rss_kb += p.rss_kb;
      major += p.majflt_s * double(f.interval_ns) / 1e9;
      minor += p.minflt_s * double(f.interval_ns) / 1e9;
    }
    t.peak_rss_bytes = std::max(t.peak_rss_bytes, rss_kb * 1024);
  }
  t.major_faults = uint64_t(std::llround(major));
  t.minor_faults = uint64_t(std::llround(minor));
  return t;
}

std::optional<RealPoint> real_point(const ReplaySource& source) {
  const FrameTotals totals = frame_totals(source.frames());
  RealPoint real;
  real.major_faults = totals.major_faults;
  real.minor_faults = totals.minor_faults;
  if (uint64_t limit = source.memory_limit_bytes(); limit > 0) {
    real.memory_bytes = limit;
    real.memory_source = "memcg limit";
  } else if (totals.peak_rss_bytes > 0) {
    real.memory_bytes = totals.peak_rss_bytes;
    real.memory_source = "peak RSS";
  } else {
    return std::nullopt;
  }
  return real;
}

}  // namespace pagescope::tui
