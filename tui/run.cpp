#include "tui/run.h"

#include <time.h>

#include <cstdio>
#include <unistd.h>

#include <algorithm>

#include "common/monotonic_clock.h"
#include "tui/explorer.h"
#include "tui/keys.h"
#include "tui/recording.h"
#include "tui/render.h"
#include "tui/screen.h"
#include "tui/replay_job.h"

namespace pagescope::tui {
namespace {

uint64_t now_ms() { return monotonic_ns() / 1000000; }

void draw(Explorer& ex, Screen& screen) {
  Canvas canvas(screen.rows(), screen.cols());
  render(ex, canvas);
  screen.show(canvas);
}

void refresh_live_detail(Explorer& ex, Source& source, uint64_t ts_ns) {
  ProcessDetail* d = ex.detail();
  if (!d) return;
  auto vmas = source.vmas(d->pid(), true);
  if (!vmas) {
    ex.set_message(vmas.error().message);
    return;
  }
  if (source.traits().per_fault_addresses) d->update(ts_ns, std::move(*vmas), source.take_fault_spans());
  else d->update_from_rss(ts_ns, std::move(*vmas));
}

// The `r` recording of a live session. Declared before the Screen so it
// ends after the terminal is restored: then it can say where the capture is.
class LiveRecording {
 public:
  ~LiveRecording() {
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

  // Starts or stops; says what happened on the status line and the title.
  void toggle(Explorer& ex, const ExplorerOptions& options) {
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
    std::string path = recording_path(options.record_dir, int64_t(::time(nullptr)));
    auto r = Recording::start(options.record_exe, record_arguments(path, pids), path, path + ".log");
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
  void check(Explorer& ex) {
    if (!rec_ || rec_->running()) return;
    std::string why = rec_->failure();
    ex.set_message("recording " + rec_->output() + " stopped (exit " + std::to_string(rec_->exit_code()) + ")" +
                   (why.empty() ? "" : ": " + why));
    rec_.reset();
    ex.set_recording("");
  }

 private:
  std::unique_ptr<Recording> rec_;
};

}  // namespace

Result<RunEnd> run_live(Source& source, const ExplorerOptions& options) {
  auto first = source.sample();
  if (!first) return first.error();
  LiveRecording recording;
  auto screen_or = Screen::open();
  if (!screen_or) return screen_or.error();
  Screen& screen = **screen_or;

  Explorer ex(source.traits(), /*replay=*/false, options.interval_ms, options.history_frames);
  ex.table().set_sort(options.sort);
  ex.table().set_filter(options.filter);
  if (!options.note.empty()) ex.set_message(options.note);
  Snapshot prev = std::move(*first);
  const uint64_t started = now_ms();
  uint64_t next_sample = started + uint64_t(ex.interval_ms());
  const int pump_ms = source.pump_interval_ms();
  uint64_t next_pump = started + uint64_t(pump_ms);
  uint64_t last_tick = started;
  bool dirty = true;

  while (!screen.interrupted()) {
    uint64_t now = now_ms();
    if (options.run_for_ms > 0 && now - started >= uint64_t(options.run_for_ms)) return RunEnd::Quit;
    if (now >= next_sample) {
      auto cur = source.sample();
      if (cur) {
        ex.timeline().append(make_frame(prev, *cur));
        // Every sample, paused or not: heat columns stay one per frame.
        refresh_live_detail(ex, source, cur->ts_ns);
        prev = std::move(*cur);
        if (std::string note = source.take_note(); !note.empty()) ex.set_message(std::move(note));
      } else {
        ex.set_message(cur.error().message);
      }
      // Keep the cadence; after a long stall (suspend) start afresh.
      next_sample += uint64_t(ex.interval_ms());
      if (next_sample <= now) next_sample = now + uint64_t(ex.interval_ms());
      dirty = true;
    }
    if (ex.timeline().tick((now - last_tick) * 1000000ull)) dirty = true;
    last_tick = now;
    if (!ex.recording().empty()) {
      recording.check(ex);
      if (ex.recording().empty()) dirty = true;
    }
    if (dirty) {
      draw(ex, screen);
      dirty = false;
    }
    now = now_ms();
    if (pump_ms > 0 && now >= next_pump) {
      source.pump();
      next_pump = now + uint64_t(pump_ms);
    }
    int wait = next_sample > now ? int(next_sample - now) : 0;
    if (pump_ms > 0) wait = std::min(wait, next_pump > now ? int(next_pump - now) : 0);
    if (ex.timeline().mode() == Timeline::Mode::Playing) wait = std::min(wait, 100);
    int k = screen.read_key(wait);
    if (k == key::kNone) continue;
    dirty = true;
    switch (ex.handle_key(k)) {
      case Explorer::Action::Quit: return RunEnd::Quit;
      case Explorer::Action::OpenDetail: {
        ex.set_detail(std::make_unique<ProcessDetail>(ex.table().selected_pid()));
        source.watch(ex.table().selected_pid());
        const Frame* f = ex.timeline().current();
        refresh_live_detail(ex, source, f ? f->ts_ns : prev.ts_ns);
        break;
      }
      case Explorer::Action::CloseDetail:
        source.watch(0);
        break;
      case Explorer::Action::ToggleRecord:
        recording.toggle(ex, options);
        break;
      case Explorer::Action::IntervalChanged:
        next_sample = now_ms() + uint64_t(ex.interval_ms());
        break;
      default: break;
    }
  }
  return RunEnd::Interrupted;
}

Result<RunEnd> run_replay(ReplaySource& source, const ExplorerOptions& options) {
  auto screen_or = Screen::open();
  if (!screen_or) return screen_or.error();
  Screen& screen = **screen_or;
  Explorer ex(source.traits(), /*replay=*/true, options.interval_ms, source.frames().size() + 1);
  ex.table().set_sort(options.sort);
  ex.table().set_filter(options.filter);
  for (const Frame& f : source.frames()) ex.timeline().append(f);
  ex.timeline().home();
  ex.replay_screen().hints = replay_hints();
  std::unique_ptr<ReplayJob> job;
  const uint64_t started = now_ms();
  uint64_t last_tick = started;
  bool dirty = true;
  while (!screen.interrupted()) {
    uint64_t now = now_ms();
    if (options.run_for_ms > 0 && now - started >= uint64_t(options.run_for_ms)) return RunEnd::Quit;
    if (job) {
      ReplayScreen& rs = ex.replay_screen();
      if (job->done()) {
        auto res = job->take_results();
        if (res) rs.finished(std::move(*res));
        else rs.failed(res.error().message);
        job.reset();
      } else {
        rs.progress(job->fraction(), job->what());
      }
      dirty = true;
    }
    if (ex.timeline().tick((now - last_tick) * 1000000ull)) dirty = true;
    last_tick = now;
    if (dirty) {
      draw(ex, screen);
      dirty = false;
    }
    int wait = ex.timeline().mode() == Timeline::Mode::Playing ? 50 : 1000;
    if (job) wait = 100;  // the progress bar moves
    int k = screen.read_key(wait);
    if (k == key::kNone) continue;
    dirty = true;
    switch (ex.handle_key(k)) {
      case Explorer::Action::Quit: return RunEnd::Quit;
      case Explorer::Action::OpenDetail: {
        int32_t pid = ex.table().selected_pid();
        auto d = std::make_unique<ProcessDetail>(pid, source.frames().size() + 1);
        for (auto& [ts, col] : source.detail(pid)) d->update(ts, std::move(col.vmas), std::move(col.spans));
        ex.set_detail(std::move(d));
        break;
      }
      case Explorer::Action::StartReplay: {
        ReplayRequest req;
        req.capture_path = source.capture_path();
        req.policies = ex.replay_screen().text(ReplayScreen::Field::Policies);
        req.memory = ex.replay_screen().text(ReplayScreen::Field::Memory);
        req.tiers = ex.replay_screen().text(ReplayScreen::Field::Tiers);
        req.real = real_point(source);
        auto started_job = ReplayJob::start(std::move(req));
        if (started_job) {
          job = std::move(*started_job);
          ex.replay_screen().started();
        } else {
          ex.replay_screen().failed(started_job.error().message);
        }
        break;
      }
      case Explorer::Action::CancelReplay:
        if (job) job->cancel();
        job.reset();
        break;
      default: break;
    }
  }
  return RunEnd::Interrupted;
}

}  // namespace pagescope::tui
