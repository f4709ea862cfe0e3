#include "tui/explorer.h"

#include <array>
#include <cstdlib>

#include "tui/keys.h"

namespace pagescope::tui {
namespace {
// Refresh intervals offered by +/-.
constexpr std::array<int, 7> kIntervalsMs = {250, 500, 1000, 2000, 3000, 5000, 10000};
}  // namespace

int64_t parse_time_offset(const std::string& text) {
  if (text.empty()) return -1;
  double total = 0;
  size_t pos = 0;
  while (true) {
    size_t colon = text.find(':', pos);
    std::string part = text.substr(pos, colon == std::string::npos ? std::string::npos : colon - pos);
    if (part.empty()) return -1;
    char* end = nullptr;
    double v = std::strtod(part.c_str(), &end);
    if (*end != '\0' || v < 0) return -1;
    total = total * 60 + v;
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return int64_t(total * 1e9);
}

Explorer::Explorer(SourceTraits traits, bool replay, int interval_ms, size_t history_frames)
    : traits_(std::move(traits)), timeline_(history_frames), interval_ms_(interval_ms) {
  timeline_.set_replay(replay);
}

void Explorer::change_interval(int direction) {
  size_t i = 0;
  while (i + 1 < kIntervalsMs.size() && kIntervalsMs[i] < interval_ms_) ++i;
  if (direction > 0 && i + 1 < kIntervalsMs.size()) ++i;
  if (direction < 0 && i > 0) --i;
  interval_ms_ = kIntervalsMs[i];
  message_ = "refresh every " + std::to_string(interval_ms_) + " ms";
}

Explorer::Action Explorer::handle_key(int k) {
  if (k == key::kNone) return Action::None;
  if (k == key::kResize) return Action::None;  // the next render uses the new size
  if (input_ != Input::None) return handle_input_key(k);
  if (view_ == View::Replay && !help_) {
    switch (replay_screen_.handle_key(k)) {
      case ReplayScreen::Action::Run: return Action::StartReplay;
      case ReplayScreen::Action::Cancel: return Action::CancelReplay;
      case ReplayScreen::Action::Quit: return Action::Quit;
      case ReplayScreen::Action::Close: view_ = before_replay_; return Action::None;
      case ReplayScreen::Action::None: break;
    }
    if (k == '?' || k == key::kF1) help_ = replay_screen_.state() != ReplayScreen::State::Setup;
    return Action::None;
  }
  if (help_) {
    help_ = false;
    return (k == 'q' || k == key::kF10) ? Action::Quit : Action::None;
  }
  message_.clear();
  switch (k) {
    case 'q':
    case key::kF10:
      return Action::Quit;
    case '?':
    case key::kF1:
      help_ = true;
      return Action::None;
    case ' ':
      timeline_.toggle_pause();
      return Action::None;
    case key::kLeft:
      timeline_.step(-1);
      return Action::None;
    case key::kRight:
      timeline_.step(+1);
      return Action::None;
    case key::kHome:
      timeline_.home();
      return Action::None;
    case key::kEnd:
      timeline_.end();
      return Action::None;
    case 'R':
      if (!timeline_.replay()) {
        message_ = "the replay screen needs a capture: r records one, then pagescope tui FILE";
        return Action::None;
      }
      before_replay_ = view_;
      view_ = View::Replay;
      return Action::None;
    case 'r':
      if (timeline_.replay()) return Action::None;
      return Action::ToggleRecord;
    case 'g':
      input_ = Input::GoTo;
      input_text_.clear();
      return Action::None;
    case '1':
      timeline_.play(1);
      return Action::None;
    case '0':
      timeline_.play(10);
      return Action::None;
    case '+':
    case '=':
      if (timeline_.replay()) return Action::None;
      change_interval(+1);
      return Action::IntervalChanged;
    case '-':
      if (timeline_.replay()) return Action::None;
      change_interval(-1);
      return Action::IntervalChanged;
    default:
      break;
  }
  return view_ == View::Table ? handle_table_key(k) : handle_detail_key(k);
}

Explorer::Action Explorer::handle_table_key(int k) {
  const Frame* f = timeline_.current();
  auto move = [&](long delta) {
    if (f) table_.move_selection(*f, table_.arrange(*f), delta);
  };
  switch (k) {
    case key::kUp: move(-1); break;
    case key::kDown: move(+1); break;
    case key::kPageUp: move(-10); break;
    case key::kPageDown: move(+10); break;
    case '/':
      input_ = Input::Filter;
      input_text_ = table_.filter();
      break;
    case key::kF6:
      input_ = Input::SortPick;
      sort_pick_ = table_.sort_column();
      break;
    case '<': table_.sort_prev(); break;
    case '>': table_.sort_next(); break;
    case 'P': table_.sort_by(Column::Pid); break;
    case 'M': table_.sort_by(Column::Rss); break;
    case 'F':
      // Faults: minor first; pressing again moves to major faults.
      table_.sort_by(table_.sort_column() == Column::MinFlt ? Column::MajFlt : Column::MinFlt);
      if (!table_.descending()) table_.sort_by(table_.sort_column());
      break;
    case 'I': table_.sort_by(table_.sort_column()); break;  // invert
    case key::kEnter:
      if (f) {
        auto order = table_.arrange(*f);
        if (!order.empty()) {
          table_.selected_row(*f, order);
          view_ = View::Detail;
          vma_scroll = 0;
          return Action::OpenDetail;
        }
      }
      break;
    default: break;
  }
  return Action::None;
}

Explorer::Action Explorer::handle_detail_key(int k) {
  switch (k) {
    case key::kEscape:
    case key::kBackspace:
    case 'h':
      view_ = View::Table;
      detail_.reset();
      return Action::CloseDetail;
    case key::kUp: if (vma_scroll > 0) --vma_scroll; break;
    case key::kDown: ++vma_scroll; break;
    case key::kPageUp: vma_scroll = vma_scroll > 10 ? vma_scroll - 10 : 0; break;
    case key::kPageDown: vma_scroll += 10; break;
    default: break;
  }
  return Action::None;
}

Explorer::Action Explorer::handle_input_key(int k) {
  if (input_ == Input::SortPick) {
    int n = int(Column::Count);
    if (k == key::kLeft || k == key::kUp) sort_pick_ = Column((int(sort_pick_) + n - 1) % n);
    else if (k == key::kRight || k == key::kDown) sort_pick_ = Column((int(sort_pick_) + 1) % n);
    else if (k == key::kEnter) {
      if (sort_pick_ != table_.sort_column()) table_.sort_by(sort_pick_);
      input_ = Input::None;
    } else if (k == key::kEscape || k == key::kF6 || k == 'q') {
      input_ = Input::None;
    }
    return Action::None;
  }
  if (k == key::kEscape) {
    if (input_ == Input::Filter) table_.set_filter("");
    input_ = Input::None;
    return Action::None;
  }
  if (k == key::kEnter) {
    if (input_ == Input::GoTo) {
      int64_t off = parse_time_offset(input_text_);
      if (off < 0) {
        message_ = "not a time: \"" + input_text_ + "\" (use seconds, m:ss or h:mm:ss from the start)";
      } else {
        timeline_.go_to(timeline_.first_ts() + uint64_t(off));
      }
    }
    input_ = Input::None;
    return Action::None;
  }
  if (k == key::kBackspace) {
    if (!input_text_.empty()) input_text_.pop_back();
  } else if (k >= 32 && k < 127) {
    input_text_ += char(k);
  } else {
    return Action::None;
  }
  // The filter applies while typing, as in htop.
  if (input_ == Input::Filter) table_.set_filter(input_text_);
  return Action::None;
}

}  // namespace pagescope::tui
