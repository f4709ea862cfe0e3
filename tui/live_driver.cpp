#include "tui/live_driver.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "tui/recording.h"

namespace pagescope::tui {

LiveDriver::LiveDriver(Source& source, const ExplorerOptions& options)
    : source_(source), record_exe_(options.record_exe), record_dir_(options.record_dir) {}

LiveDriver::~LiveDriver() {
  if (!rec_) return;
  Status st = rec_->stop();
  if (st) {
    unlink((rec_->output() + ".log").c_str());
    std::fprintf(stderr, "pagescope top: recorded to %s (open it with: pagescope tui %s)\n", rec_->output().c_str(),
                 rec_->output().c_str());
  } else {
    std::fprintf(stderr, "pagescope top: recording %s: %s\n", rec_->output().c_str(), st.message().c_str());
  }
}

Explorer LiveDriver::make_explorer(const ExplorerOptions& options) {
  return Explorer(source_.traits(), /*replay=*/false, options.interval_ms, options.history_frames);
}

Status LiveDriver::setup(Explorer& ex, uint64_t now_ms) {
  auto first = source_.sample();
  if (!first) return first.error();
  prev_ = std::move(*first);
  next_sample_ = now_ms + uint64_t(ex.interval_ms());
  next_pump_ = now_ms + uint64_t(source_.pump_interval_ms());
  return Status::Ok();
}

bool LiveDriver::poll(Explorer& ex, uint64_t now_ms) {
  bool dirty = false;
  if (now_ms >= next_sample_) {
    auto cur = source_.sample();
    if (cur) {
      ex.timeline().append(make_frame(prev_, *cur));
      // Every sample, paused or not: heat columns stay one per frame.
      refresh_detail(ex, cur->ts_ns);
      prev_ = std::move(*cur);
      if (std::string note = source_.take_note(); !note.empty()) ex.set_message(std::move(note));
    } else {
      ex.set_message(cur.error().message);
    }
    // Keep the cadence; after a long stall (suspend) start afresh.
    next_sample_ += uint64_t(ex.interval_ms());
    if (next_sample_ <= now_ms) next_sample_ = now_ms + uint64_t(ex.interval_ms());
    dirty = true;
  }
  if (!ex.recording().empty()) {
    check_recording(ex);
    if (ex.recording().empty()) dirty = true;
  }
  if (int pump_ms = source_.pump_interval_ms(); pump_ms > 0 && now_ms >= next_pump_) {
    source_.pump();
    next_pump_ = now_ms + uint64_t(pump_ms);
  }
  return dirty;
}

int LiveDriver::wait_ms(const Explorer& ex, uint64_t now_ms) const {
  int wait = next_sample_ > now_ms ? int(next_sample_ - now_ms) : 0;
  if (source_.pump_interval_ms() > 0) wait = std::min(wait, next_pump_ > now_ms ? int(next_pump_ - now_ms) : 0);
  if (ex.timeline().mode() == Timeline::Mode::Playing) wait = std::min(wait, 100);
  return wait;
}

void LiveDriver::on_action(Explorer& ex, Explorer::Action action, uint64_t now_ms) {
  switch (action) {
    case Explorer::Action::OpenDetail: {
      ex.set_detail(std::make_unique<ProcessDetail>(ex.table().selected_pid()));
      source_.watch(ex.table().selected_pid());
      const Frame* f = ex.timeline().current();
      refresh_detail(ex, f ? f->ts_ns : prev_.ts_ns);
      break;
    }
    case Explorer::Action::CloseDetail:
      source_.watch(0);
      break;
    case Explorer::Action::ToggleRecord:
      toggle_recording(ex);
      break;
    case Explorer::Action::IntervalChanged:
      next_sample_ = now_ms + uint64_t(ex.interval_ms());
      break;
    default: break;
  }
}

void LiveDriver::refresh_detail(Explorer& ex, uint64_t ts_ns) {
  ProcessDetail* d = ex.detail();
  if (!d) return;
  auto vmas = source_.vmas(d->pid(), true);
  if (!vmas) {
    ex.set_message(vmas.error().message);
    return;
  }
  if (source_.traits().per_fault_addresses) d->update(ts_ns, std::move(*vmas), source_.take_fault_spans());
  else d->update_from_rss(ts_ns, std::move(*vmas));
}

// Starts or stops; says what happened on the status line and the title.
void LiveDriver::toggle_recording(Explorer& ex) {
  if (rec_) {
    Status st = rec_->stop();
    if (st) {
      unlink((rec_->output() + ".log").c_str());
      ex.set_message("recorded to " + rec_->output() + "  (pagescope tui " + rec_->output() + ")");
    } else {
      ex.set_message("recording " + rec_->output() + ": " + st.message());
    }
    rec_.reset();
    ex.set_recording("");
    return;
  }
  // What is on screen: the detail's process, the filtered rows, or everything.
  std::vector<int32_t> pids;
  const Frame* f = ex.timeline().current();
  if (ex.view() == Explorer::View::Detail) {
    pids.push_back(ex.table().selected_pid());
  } else if (f && !ex.table().filter().empty()) {
    for (size_t i : ex.table().arrange(*f)) pids.push_back(f->processes[i].pid);
    if (pids.empty()) {
      ex.set_message("nothing to record: no process matches the filter");
      return;
    }
  }
  std::string path = recording_path(record_dir_, int64_t(::time(nullptr)));
  auto r = Recording::start(record_exe_, record_arguments(path, pids), path, path + ".log");
  if (!r) {
    ex.set_message(r.error().message);
    return;
  }
  rec_ = std::move(*r);
  ex.set_recording(path);
  ex.set_message("recording " + (pids.empty() ? std::string("every process") : std::to_string(pids.size()) + " process(es)") +
                 " to " + path + "  (r stops)");
}

// The recorder ended by itself (not root, bad pid...): say why.
void LiveDriver::check_recording(Explorer& ex) {
  if (!rec_ || rec_->running()) return;
  std::string why = rec_->failure();
  ex.set_message("recording " + rec_->output() + " stopped (exit " + std::to_string(rec_->exit_code()) + ")" +
                 (why.empty() ? "" : ": " + why));
  rec_.reset();
  ex.set_recording("");
}

}  // namespace pagescope::tui
