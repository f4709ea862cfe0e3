#include "inspector/model/capture_query.h"

#include <utility>

#include "inspector/model/interval_grid.h"

namespace pagescope::model {

struct CaptureQuery::Parts {
  explicit Parts(QuerySpec s)
      : spec(std::move(s)),
        resident(spec.pid),
        at_resident(spec.pid),
        sampler(spec.pid),
        smaps(spec.pid) {}

  QuerySpec spec;
  CaptureRun capture;
  uint64_t zero = 0;
  int passes = 1;
  ProcessTable table;
  SpaceTracker tracker;
  ResidentPages resident;
  // --layout's model: `tracker` and `resident` copied where the records they
  // must not see begin (`forked`), then fed apart.
  SpaceTracker at_tracker;
  ResidentPages at_resident;
  bool forked = false;
  std::unique_ptr<WindowedWorkingSet> wss;
  SystemMemory memory;
  FaultSampler sampler;
  SmapsSampler smaps;
  std::optional<TimelineBuilder> timeline;
  std::optional<GrowthTracker> growth;
  std::optional<LocalityTracker> locality;
  std::vector<LocalityStats> locality_rows;
  std::optional<KernelMemory> kernel;
};

Result<CaptureQuery> CaptureQuery::run(const std::string& path, QuerySpec spec, const QueryHooks& hooks) {
  if (spec.layout && spec.pid == 0) return Error{"a layout is of one process: give a pid", ErrorKind::kUsage};
  if (spec.wss_taus.size() > WindowedWorkingSet::kMaxTaus) {
    return Error{"at most " + std::to_string(WindowedWorkingSet::kMaxTaus) + " working-set windows",
                 ErrorKind::kUsage};
  }
  // The header's start: the working sets' origin and the timeline's guess at time zero.
  auto info = read_capture_info(path);
  if (!info) return info.error();
  const uint64_t header_start = info->host.start_ns;

  auto parts = std::make_unique<Parts>(std::move(spec));
  Parts& q = *parts;
  const QuerySpec& s = q.spec;
  const uint32_t pid = s.pid;
  const bool layout = s.layout;
  const bool wants_wss = !s.wss_taus.empty();
  const uint64_t at_ns = layout && s.layout_at_ns ? *s.layout_at_ns : UINT64_MAX;
  if (wants_wss) q.wss = std::make_unique<WindowedWorkingSet>(s.wss_taus, header_start, pid, &q.tracker);
  if (s.kernel_memory) q.kernel.emplace();

  // Time zero as the first record settles it; `early` counts records seen
  // before that (no timestamp), which the views then missed. The timeline,
  // growth and locality cut their intervals from it.
  uint64_t zero = 0;
  bool zero_known = false;
  uint64_t early = 0;
  auto settle_zero = [&](const ps_header& h) {
    if (zero_known) return;
    if (h.ts_ns == 0) {
      ++early;
      return;
    }
    zero = capture_time_zero(header_start, h.ts_ns);
    zero_known = true;
    if (s.timeline_interval_ns) {
      q.timeline.emplace(zero, *s.timeline_interval_ns, pid ? std::optional<uint32_t>(pid) : std::nullopt);
    }
    if (s.growth_interval_ns) q.growth.emplace(&q.tracker, zero, *s.growth_interval_ns, pid);
    if (s.locality_interval_ns) q.locality.emplace(zero, *s.locality_interval_ns, pid);
  };
  auto at_takes = [&](const ps_header& h) {
    // --at counts from time zero.
    if (at_ns != UINT64_MAX) return h.ts_ns <= zero + at_ns;
    // No --at: the layout just before the process exited (or at the end).
    const bool its_end = h.kind == PS_EV_EXIT && h.pid == pid && h.size >= sizeof(ps_exit) &&
                         (reinterpret_cast<const ps_exit&>(h).flags & PS_EXIT_GROUP_DEAD);
    return !its_end;
  };
  // Growth without a pid samples every process's address space.
  const bool space =
      (pid != 0 && (s.address_space || layout || wants_wss)) || s.every_space || s.growth_interval_ns.has_value();
  // Only the summary and the whole-system timeline follow no process.
  const bool follows = space || layout || wants_wss || s.growth_interval_ns || s.locality_interval_ns;
  uint64_t records = 0;
  const auto& progress = hooks.progress;
  // The summary alone is lighter than decoding: no second thread for it.
  const Decode decode = follows ? Decode::kAhead : Decode::kInline;
  auto run = replay_capture(path, [&](const ps_header& h) {
    if ((++records & (kProgressEvery - 1)) == 0 && progress) progress(records);
    settle_zero(h);
    q.table.apply(h);
    if (q.timeline) q.timeline->add(h);
    if (q.kernel) q.kernel->apply(h);
    if (!follows) return;
    if (layout) {
      const bool takes = at_takes(h);
      if (!q.forked && !takes) {
        q.at_tracker = q.tracker.clone();
        q.at_resident = q.resident;
        q.forked = true;
      } else if (q.forked && takes) {
        q.at_tracker.apply(h);
        q.at_resident.apply(h);
      }
    }
    if (q.locality) q.locality->apply(h);
    // Growth samples what the tracker knew before `h`.
    if (q.growth) q.growth->before(h);
    if (space) q.tracker.apply(h);
    if (space && pid) q.resident.apply(h);
    if (wants_wss) {
      q.wss->apply(h);
      q.memory.apply(h);
      if (pid) {
        q.sampler.apply(h);
        q.smaps.apply(h);
      }
    }
  }, decode);
  if (!run) return run.error();
  q.capture = std::move(run.value());
  q.zero = capture_time_zero(q.capture.host.start_ns, q.table.totals().first_ts_ns);
  if (q.growth) q.growth->finish(q.table.totals().last_ts_ns);
  if (q.locality) q.locality_rows = q.locality->finish();

  // The guesses against the real zero: each view that guessed wrong is built
  // again from it, alone.
  const bool guessed_wrong = early > 0 || q.zero != zero;
  if (at_ns != UINT64_MAX && guessed_wrong) {
    q.at_tracker = SpaceTracker();
    q.at_resident = ResidentPages(pid);
    q.forked = true;
    const uint64_t cut = q.zero + at_ns;
    auto again = replay_capture(path, [&](const ps_header& h) {
      if (h.ts_ns <= cut) {
        q.at_tracker.apply(h);
        q.at_resident.apply(h);
      }
    });
    if (!again) return again.error();
    ++q.passes;
  }
  if (s.timeline_interval_ns && (!q.timeline || guessed_wrong)) {
    q.timeline.emplace(q.zero, *s.timeline_interval_ns, pid ? std::optional<uint32_t>(pid) : std::nullopt);
    auto again = replay_capture(path, [&](const ps_header& h) { q.timeline->add(h); }, Decode::kInline);
    if (!again) return again.error();
    ++q.passes;
  }
  return CaptureQuery(std::move(parts));
}

CaptureQuery::CaptureQuery(std::unique_ptr<Parts> parts) : p_(std::move(parts)) {}
CaptureQuery::CaptureQuery(CaptureQuery&&) noexcept = default;
CaptureQuery& CaptureQuery::operator=(CaptureQuery&&) noexcept = default;
CaptureQuery::~CaptureQuery() = default;

const QuerySpec& CaptureQuery::spec() const { return p_->spec; }
const CaptureRun& CaptureQuery::capture() const { return p_->capture; }
uint64_t CaptureQuery::time_zero() const { return p_->zero; }
int CaptureQuery::passes() const { return p_->passes; }
const ProcessTable& CaptureQuery::processes() const { return p_->table; }
const SpaceTracker& CaptureQuery::tracker() const { return p_->tracker; }
const ResidentPages& CaptureQuery::resident() const { return p_->resident; }
const SpaceTracker& CaptureQuery::layout_tracker() const { return p_->forked ? p_->at_tracker : p_->tracker; }
const ResidentPages& CaptureQuery::layout_resident() const { return p_->forked ? p_->at_resident : p_->resident; }
const WindowedWorkingSet* CaptureQuery::wss() const { return p_->wss.get(); }
const SystemMemory& CaptureQuery::memory() const { return p_->memory; }
const FaultSampler& CaptureQuery::fault_sampler() const { return p_->sampler; }
const SmapsSampler& CaptureQuery::smaps() const { return p_->smaps; }
const TimelineBuilder* CaptureQuery::timeline() const { return p_->timeline ? &*p_->timeline : nullptr; }
const GrowthTracker* CaptureQuery::growth() const { return p_->growth ? &*p_->growth : nullptr; }
const std::vector<LocalityStats>& CaptureQuery::locality() const { return p_->locality_rows; }
const KernelMemory* CaptureQuery::kernel_memory() const { return p_->kernel ? &*p_->kernel : nullptr; }

}  // namespace pagescope::model
