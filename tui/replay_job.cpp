#include "tui/replay_job.h"

#include <algorithm>
#include <exception>
#include <new>

#include "simulator/experiment.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/spec.h"
#include "simulator/trace_file.h"
#include "common/units.h"

namespace pagescope::tui {

struct ReplayJob::Parsed {
  std::vector<const sim::policies::PolicyInfo*> policies;
  std::vector<uint64_t> memory_bytes;  // empty: auto
  std::vector<sim::tiers::TierSpec> tiers;
  bool plain = true;  // only the "none" tier: plain replays, no tier columns
};

std::vector<std::string> replay_hints() {
  // Policy names wrapped to fit 80 columns.
  std::vector<std::string> lines{"Policies: comma list of"};
  for (const auto& p : sim::policies::all_policies()) {
    if (lines.back().size() + 1 + std::string(p.name).size() > 76) lines.push_back(" ");
    lines.back() += " " + std::string(p.name);
  }
  for (const char* l : {"Memory: auto (1/4, 1/2, 3/4 and all of the pages touched, and the real run's",
          "  peak RSS) or sizes such as 16M,64M,1G",
          "Tiers: none, or a comma list compared against none: zswap[:lz4|zstd[:20%]],",
          "  zram[:lz4|zstd[:SIZE]]",
          "Curves: each policy is replayed at 24 sizes; the real run is marked R."})
    lines.push_back(l);
  return lines;
}

Result<std::unique_ptr<ReplayJob>> ReplayJob::start(ReplayRequest request) {
  auto parsed = std::make_unique<Parsed>();
  auto policies = sim::policies::parse_policy_list(request.policies);
  if (!policies) return Error{"policies: " + policies.error().message, ErrorKind::kUsage};
  parsed->policies = *policies;
  if (request.memory != "auto" && !request.memory.empty()) {
    auto sizes = parse_byte_size_list(request.memory);
    if (!sizes) return Error{"memory: " + sizes.error().message, ErrorKind::kUsage};
    for (uint64_t s : *sizes) {
      if (s < 4096) return Error{"memory: " + format_bytes(s) + " is less than one 4K page", ErrorKind::kUsage};
    }
    parsed->memory_bytes = *sizes;
  }
  auto tiers = sim::tiers::parse_tier_list(request.tiers.empty() ? "none" : request.tiers);
  if (!tiers) return Error{"tiers: " + tiers.error().message, ErrorKind::kUsage};
  parsed->tiers = *tiers;
  for (const auto& t : parsed->tiers) parsed->plain = parsed->plain && t.kind == sim::tiers::TierKind::kNone;
  std::unique_ptr<ReplayJob> job(new ReplayJob());
  job->parsed_ = std::move(parsed);
  job->request_ = std::move(request);
  job->what_ = "reading the capture";
  job->thread_ = std::thread([j = job.get()] { j->run(); });
  return job;
}

ReplayJob::~ReplayJob() {
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

double ReplayJob::fraction() const {
  double total = double(units_total_.load());
  double d = double(units_done_.load()) + run_permille_.load() / 1000.0;
  return total > 0 ? std::min(1.0, d / total) : 0;
}

std::string ReplayJob::what() const {
  std::lock_guard<std::mutex> lock(mu_);
  return what_;
}

void ReplayJob::set_what(std::string w) {
  std::lock_guard<std::mutex> lock(mu_);
  what_ = std::move(w);
}

Result<ReplayResults> ReplayJob::take_results() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!result_) return Error{"the replay has not finished"};
  Result<ReplayResults> r = std::move(*result_);
  result_.reset();
  return r;
}

void ReplayJob::run() {
  // Nothing may escape this thread: an exception here would end the whole
  // program (std::terminate) with the terminal still in curses mode. What
  // run_experiment cannot return as an Error (allocation failing on a huge
  // capture) becomes one here, and the screen shows it.
  Result<ReplayResults> r = Error{"the replay stopped"};
  try {
    r = compute();
  } catch (const std::bad_alloc&) {
    r = Error{request_.capture_path + ": out of memory while replaying"};
  } catch (const std::exception& e) {
    r = Error{request_.capture_path + ": replay failed: " + e.what()};
  } catch (...) {
    r = Error{request_.capture_path + ": replay failed"};
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    result_ = std::move(r);
  }
  done_.store(true);
}

Result<ReplayResults> ReplayJob::compute() {
  sim::TraceFileOptions topt;
  topt.path = request_.capture_path;
  auto trace = sim::load_trace_file(topt);
  if (!trace) return trace.error();
  if (trace->size() == 0) return Error{request_.capture_path + ": no page references to replay (no faults recorded)"};
  if (cancel_) return Error{"cancelled"};

  ReplayResults res;
  res.references = trace->size();
  res.distinct_pages = trace->distinct_pages();
  res.page_size = trace->page_size > 1 ? trace->page_size : 4096;
  res.caveats = trace->caveats;
  const uint64_t page = res.page_size;
  const uint64_t distinct = trace->distinct_pages();

  // Memory sizes of the table: as asked, or a quarter, half, three quarters
  // and all of the distinct pages, plus the real run's memory when known.
  std::vector<uint64_t> frames;
  if (!parsed_->memory_bytes.empty()) {
    for (uint64_t b : parsed_->memory_bytes) frames.push_back(std::max<uint64_t>(1, b / page));
  } else {
    for (int q = 1; q <= 4; ++q) frames.push_back(std::max<uint64_t>(1, distinct * uint64_t(q) / 4));
    if (request_.real && request_.real->memory_bytes >= page) frames.push_back(request_.real->memory_bytes / page);
    std::sort(frames.begin(), frames.end());
    frames.erase(std::unique(frames.begin(), frames.end()), frames.end());
  }
  for (uint64_t& f : frames) f = std::min<uint64_t>(f, UINT32_MAX);
  // The same runner as `pagescope replay --tier` and `mrc`: the capture's
  // content samples size the pages, calibration errors come back as values.
  sim::ExperimentPlan plan;
  plan.policies = parsed_->policies;
  plan.frames = frames;
  if (!parsed_->plain) plan.tiers = parsed_->tiers;
  plan.page_size = page;
  plan.seed = 1;
  plan.contents_path = request_.capture_path;
  plan.curve_sizes = sim::default_sizes(distinct, request_.curve_points);
  plan.curve_threads = 1;  // in order, so cancel is seen between sizes
  if (request_.real) plan.real = sim::RealRun{request_.real->memory_bytes, request_.real->major_faults};
  sim::ExperimentHooks hooks;
  hooks.step = [this](const std::string& w) { set_what(w); };
  hooks.run = [this](uint64_t done, uint64_t total) { run_permille_.store(total ? uint32_t(1000 * done / total) : 0); };
  hooks.units = [this](uint64_t done, uint64_t total) {
    run_permille_.store(0);
    units_total_.store(std::max<uint64_t>(1, total));
    units_done_.store(done);
  };
  hooks.cancel = &cancel_;
  auto ran = sim::run_experiment(*trace, plan, hooks);
  if (!ran && ran.error().kind == ErrorKind::kUsage) return Error{"tiers: " + ran.error().message, ErrorKind::kUsage};
  if (!ran) return ran.error();
  for (const auto& w : ran->warnings) res.caveats.push_back(w);
  for (const auto& cell : ran->cells) {
    ReplayRow row;
    row.policy = cell.policy->name;
    row.memory_bytes = cell.frames * page;
    row.references = cell.sim.references;
    row.faults = cell.sim.faults;
    if (cell.run) {
      row.tier = parsed_->tiers[size_t(cell.tier)].text;
      row.pool_faults = cell.run->tier.pool_loads;
      row.swap_faults = cell.run->tier.swap_loads;
    }
    res.rows.push_back(std::move(row));
  }
  for (const auto& c : ran->curves) {
    ReplayCurve curve;
    curve.label = c.label;
    for (const auto& pt : c.points) curve.points.push_back({pt.frames * page, pt.miss_ratio});
    res.curves.push_back(std::move(curve));
  }
  if (request_.real && ran->real_miss_ratio) {
    RealPoint real = *request_.real;
    real.miss_ratio = *ran->real_miss_ratio;
    res.real = real;
  }
  set_what("done");
  return res;
}

}  // namespace pagescope::tui
