#include "tui/capture_replay.h"

#include "inspector/model/capture_replay.h"
#include "inspector/model/source_notes.h"
#include "tui/capture_frames.h"

namespace pagescope::tui {

Result<CaptureReplay> CaptureReplay::open(const std::string& path, uint64_t interval_ns, const Progress& progress) {
  // The header says which event sources were on: what the screens may show as measured.
  auto info = model::read_capture_info(path);
  if (!info) return info.error();
  const model::SourceNotes sources(info->host.sources);
  CaptureFrameBuilder builder(interval_ns, info->host.start_ns);
  builder.set_sources(sources);
  uint64_t records = 0, first_ts = 0;
  auto run = model::replay_capture(path, [&](const ps_header& h) {
    builder.apply(h);
    if (records++ == 0) first_ts = h.ts_ns;
    if (progress && (records & 0xffff) == 0) progress(records, h.ts_ns > first_ts ? h.ts_ns - first_ts : 0);
  });
  if (!run) return run.error();
  CaptureReplay r;
  r.path_ = path;
  r.interval_ns_ = interval_ns;
  r.header_start_ns_ = info->host.start_ns;
  r.traits_.name = "capture";
  r.traits_.per_fault_addresses = true;
  r.traits_.heat_has_access_bits = builder.has_access_samples();
  using capture::Source;
  r.traits_.fault_rates_measured = sources.measured(Source::kFaultKinds);
  r.traits_.snapshots_measured = sources.measured(Source::kMapsSnapshots);
  r.traits_.system_measured = sources.measured(Source::kSystemCounters);
  // The unavailable ones; a sampler that was not asked for is explained by the help.
  r.traits_.missing_notes = sources.notes();
  r.frames_ = builder.finish();
  r.memcg_limit_bytes_ = builder.memcg_limit_bytes();
  r.problems_ = run->report.problems;
  if (r.frames_.empty()) return Error{path + ": no records to show (empty capture)"};
  return r;
}

std::vector<std::pair<uint64_t, ReplayDetail>> CaptureReplay::detail(int32_t pid) {
  CaptureDetailBuilder builder(pid, interval_ns_, header_start_ns_);
  auto run = model::replay_capture(path_, [&](const ps_header& h) { builder.apply(h); });
  std::vector<std::pair<uint64_t, ReplayDetail>> out;
  if (!run) return out;
  for (auto& col : builder.finish()) out.push_back({col.ts_ns, ReplayDetail{std::move(col.vmas), std::move(col.spans)}});
  return out;
}

}  // namespace pagescope::tui
