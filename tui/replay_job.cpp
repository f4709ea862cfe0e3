#include "tui/replay_job.h"

#include <algorithm>
#include <map>

#include "simulator/compressors/calibration.h"
#include "simulator/compressors/compressor.h"
#include "simulator/engine.h"
#include "simulator/mrc.h"
#include "simulator/policies/registry.h"
#include "simulator/tiers/page_sizes.h"
#include "simulator/tiers/spec.h"
#include "simulator/tiers/tiered_replay.h"
#include "simulator/trace_file.h"
#include "simulator/units.h"

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
    auto sizes = sim::parse_size_list(request.memory, true);
    if (!sizes) return Error{"memory: " + sizes.error().message, ErrorKind::kUsage};
    for (uint64_t s : *sizes) {
      if (s < 4096) return Error{"memory: " + sim::format_bytes(s) + " is less than one 4K page", ErrorKind::kUsage};
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
  auto finish = [this](Result<ReplayResults> r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      result_ = std::move(r);
    }
    done_.store(true);
  };
  sim::TraceFileOptions topt;
  topt.path = request_.capture_path;
  auto trace = sim::load_trace_file(topt);
  if (!trace) return finish(trace.error());
  if (trace->size() == 0) return finish(Error{request_.capture_path + ": no page references to replay (no faults recorded)"});
  if (cancel_) return finish(Error{"cancelled"});

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
  const auto curve_sizes = sim::default_sizes(distinct, request_.curve_points);

  const size_t tier_runs = parsed_->plain ? 1 : parsed_->tiers.size();
  units_total_.store(parsed_->policies.size() * (frames.size() * tier_runs + curve_sizes.size()));
  auto progress = [this](uint64_t done, uint64_t total) {
    run_permille_.store(total ? uint32_t(1000 * done / total) : 0);
  };
  auto unit_done = [this] {
    run_permille_.store(0);
    units_done_.fetch_add(1);
  };

  // Compressed tiers: each compressor calibrated once (as `replay --tier`).
  namespace tiers = sim::tiers;
  std::map<std::string, std::vector<uint16_t>> sizes;
  if (!parsed_->plain) {
    set_what("calibrating compressors");
    for (const auto& t : parsed_->tiers) {
      if (t.kind == tiers::TierKind::kNone || sizes.count(t.compressor)) continue;
      auto c = sim::compressors::make_compressor(t.compressor);
      if (!c) return finish(Error{"tiers: " + c.error().message});
      tiers::CompressibilityModel m;
      m.ratio = std::max(1.0, sim::compressors::calibrate(**c).text_ratio());
      sizes[t.compressor] = tiers::model_page_sizes(*trace, m);
    }
  }
  const std::vector<uint16_t> no_sizes;
  const uint64_t seed = 1;

  for (const auto* p : parsed_->policies) {
    for (uint64_t f : frames) {
      for (size_t ti = 0; ti < tier_runs; ++ti) {
        if (cancel_) return finish(Error{"cancelled"});
        ReplayRow row;
        row.policy = p->name;
        row.memory_bytes = f * page;
        if (parsed_->plain) {
          set_what("replay " + std::string(p->name) + " " + sim::format_bytes(f * page));
          auto r = sim::simulate(*trace, *p, uint32_t(f), seed, progress);
          row.references = r.references;
          row.faults = r.faults;
        } else {
          const auto& t = parsed_->tiers[ti];
          row.tier = t.text;
          set_what("replay " + std::string(p->name) + " " + sim::format_bytes(f * page) + " " + t.text);
          const auto& sz = t.kind == tiers::TierKind::kNone ? no_sizes : sizes[t.compressor];
          auto r = tiers::simulate_tiered(*trace, *p, uint32_t(f), seed, t, sz, progress);
          row.references = r.sim.references;
          row.faults = r.sim.faults;
          row.pool_faults = r.tier.pool_loads;
          row.swap_faults = r.tier.swap_loads;
        }
        res.rows.push_back(std::move(row));
        unit_done();
      }
    }
  }
  // Curves: one replay per size and policy (exact LRU in one pass).
  for (const auto* p : parsed_->policies) {
    ReplayCurve curve;
    curve.label = p->name;
    if (std::string(p->name) == "lru") {
      set_what("miss-ratio curve lru (stack distances)");
      auto d = sim::lru_stack_distances(*trace, progress);
      for (uint64_t s : curve_sizes) curve.points.push_back({s * page, double(d.misses(s)) / double(d.references)});
      units_done_.fetch_add(curve_sizes.size());
      run_permille_.store(0);
    } else {
      for (uint64_t s : curve_sizes) {
        if (cancel_) return finish(Error{"cancelled"});
        set_what("miss-ratio curve " + std::string(p->name) + " " + sim::format_bytes(s * page));
        auto r = sim::simulate(*trace, *p, uint32_t(std::min<uint64_t>(s, UINT32_MAX)), seed, progress);
        curve.points.push_back({s * page, r.miss_ratio()});
        unit_done();
      }
    }
    res.curves.push_back(std::move(curve));
  }
  // The real run as the simulator would count it: its major faults plus the
  // first touch of every page (a fault in any policy).
  if (request_.real && request_.real->memory_bytes > 0) {
    RealPoint real = *request_.real;
    real.miss_ratio = std::min(1.0, double(real.major_faults + distinct) / double(res.references));
    res.real = real;
  }
  set_what("done");
  finish(std::move(res));
}

}  // namespace pagescope::tui
