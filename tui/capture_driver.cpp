#include "tui/capture_driver.h"

namespace pagescope::tui {

Explorer CaptureDriver::make_explorer(const ExplorerOptions& options) {
  return Explorer(source_.traits(), /*replay=*/true, options.interval_ms, source_.frames().size() + 1);
}

Status CaptureDriver::setup(Explorer& ex, uint64_t) {
  for (const Frame& f : source_.frames()) ex.timeline().append(f);
  ex.timeline().home();
  ex.replay_screen().hints = replay_hints();
  return Status::Ok();
}

bool CaptureDriver::poll(Explorer& ex, uint64_t) {
  if (!job_) return false;
  ReplayScreen& rs = ex.replay_screen();
  if (job_->done()) {
    auto res = job_->take_results();
    if (res) rs.finished(std::move(*res));
    else rs.failed(res.error().message);
    job_.reset();
  } else {
    rs.progress(job_->fraction(), job_->what());
  }
  return true;
}

int CaptureDriver::wait_ms(const Explorer& ex, uint64_t) const {
  if (job_) return 100;  // the progress bar moves
  return ex.timeline().mode() == Timeline::Mode::Playing ? 50 : 1000;
}

void CaptureDriver::on_action(Explorer& ex, Explorer::Action action, uint64_t) {
  switch (action) {
    case Explorer::Action::OpenDetail: {
      int32_t pid = ex.table().selected_pid();
      auto d = std::make_unique<ProcessDetail>(pid, source_.frames().size() + 1);
      for (auto& [ts, col] : source_.detail(pid)) d->update(ts, std::move(col.vmas), std::move(col.spans));
      ex.set_detail(std::move(d));
      break;
    }
    case Explorer::Action::StartReplay: {
      ReplayRequest req;
      req.capture_path = source_.capture_path();
      req.policies = ex.replay_screen().text(ReplayScreen::Field::Policies);
      req.memory = ex.replay_screen().text(ReplayScreen::Field::Memory);
      req.tiers = ex.replay_screen().text(ReplayScreen::Field::Tiers);
      req.real = real_point(source_);
      auto started = ReplayJob::start(std::move(req));
      if (started) {
        job_ = std::move(*started);
        ex.replay_screen().started();
      } else {
        ex.replay_screen().failed(started.error().message);
      }
      break;
    }
    case Explorer::Action::CancelReplay:
      if (job_) job_->cancel();
      job_.reset();
      break;
    default: break;
  }
}

}  // namespace pagescope::tui
