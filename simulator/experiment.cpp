#include "simulator/experiment.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>

#include "common/units.h"
#include "compressors/compressor.h"
#include "simulator/tiers/sweep.h"
#include "simulator/trace_stream.h"

namespace pagescope::sim {

std::string SizeSource::label() const {
  if (samples == 0) return "modelled";
  char b[32];
  std::snprintf(b, sizeof b, "sampled %.0f%%",
                origins.total() ? 100.0 * double(origins.own + origins.nearest) / double(origins.total()) : 0.0);
  return b;
}

bool one_pass_curve(const policies::PolicyInfo& policy) {
  // Mattson's one pass needs the stack's priority: only stack algorithms
  // have one, and only those whose distances are written (LRU's) register
  // them. OPT is swept until its priority (next use) is written.
  return policy.stack_algorithm && policy.stack_distances != nullptr;
}

Result<Part> parse_part(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Error{"--part: " + why + ", got '" + std::string(text) + "' (K/N: part K of N, 1 <= K <= N)",
                 ErrorKind::kUsage};
  };
  auto number = [](std::string_view s, uint32_t& v) {
    if (s.empty() || s.size() > 9) return false;
    v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + uint32_t(c - '0');
    }
    return true;
  };
  const size_t slash = text.find('/');
  Part p;
  if (slash == std::string_view::npos || !number(text.substr(0, slash), p.index) ||
      !number(text.substr(slash + 1), p.count))
    return bad("expected two numbers K/N");
  if (p.count == 0) return bad("N must be at least 1");
  if (p.index == 0 || p.index > p.count) return bad("K must be 1..N");
  return p;
}

namespace {

constexpr uint64_t kFnvBasis = 14695981039346656037ull;
uint64_t fnv1a(uint64_t h, const void* data, size_t n) {
  const auto* b = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
  return h;
}
std::string hex16(uint64_t h) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", (unsigned long long)h);
  return b;
}

}  // namespace

Result<std::string> trace_identity(const std::string& path) {
  if (path == "-")
    return Error{"--part needs a trace file, not standard input: merge checks that every part read the same one",
                 ErrorKind::kUsage};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{path + ": " + std::strerror(errno), ErrorKind::kUsage};
  struct stat st {};
  std::vector<char> head(1 << 20);
  size_t got = 0;
  bool ok = ::fstat(fd, &st) == 0;
  while (ok && got < head.size()) {
    const ssize_t n = ::read(fd, head.data() + got, head.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) ok = false;
    if (n <= 0) break;
    got += size_t(n);
  }
  const int err = errno;
  ::close(fd);
  if (!ok) return Error{path + ": " + std::strerror(err), ErrorKind::kUsage};
  const uint64_t size = uint64_t(st.st_size);
  return hex16(fnv1a(fnv1a(kFnvBasis, &size, sizeof size), head.data(), got));
}

std::string plan_identity(const ExperimentPlan& plan, std::string_view extra) {
  std::string t(extra);
  char b[64];
  auto num = [&](double v) {
    std::snprintf(b, sizeof b, " %.17g", v);
    t += b;
  };
  t += "\npolicies";
  for (const auto* p : plan.policies) t += std::string(" ") + p->name;
  t += "\nframes";
  for (uint64_t f : plan.frames) num(double(f));
  t += "\ntiers";
  for (const auto& s : plan.tiers) t += " " + s.text;
  t += "\ncurve";
  for (uint64_t f : plan.curve_sizes) num(double(f));
  t += "\nnumbers";
  for (double v : {double(plan.per_process), double(plan.page_size), double(plan.seed), plan.model.ratio,
                   plan.model.zero_fraction, plan.model.incompressible_fraction, double(plan.model.seed),
                   double(plan.ratio_given), double(plan.zero_given), plan.swap_read_ns, plan.target_fault_rate,
                   double(plan.curve_points)})
    num(v);
  return hex16(fnv1a(kFnvBasis, t.data(), t.size()));
}

namespace {

class Units {
 public:
  Units(const ExperimentHooks& h, uint64_t total) : h_(h), total_(total) { report(); }
  void add(uint64_t n = 1) {
    done_ += n;
    report();
  }
  bool cancelled() const { return h_.cancel && h_.cancel->load(); }
  void step(const std::string& what) const {
    if (h_.step) h_.step(what);
  }

 private:
  void report() const {
    if (h_.units) h_.units(done_, total_);
  }
  const ExperimentHooks& h_;
  uint64_t done_ = 0, total_;
};

Error cancelled() { return Error{"cancelled"}; }

}  // namespace

Result<std::map<std::string, SizeSource>> size_sources(const Trace& trace, const ExperimentPlan& plan,
                                                       const std::function<void(const std::string&)>& warn) {
  namespace tiers = sim::tiers;
  std::optional<tiers::CaptureContents> contents;
  if (!plan.contents_path.empty()) {
    auto c = tiers::read_capture_contents(plan.contents_path);
    if (!c) {
      if (warn) warn("content samples unreadable (" + c.error().message + "); page sizes are modelled");
    } else if (!c->pages.empty()) {
      contents = std::move(c).value();
    }
  }
  // Page sizes from the capture's samples where there are any, else modelled
  // (the given ratio, or the sampled mean, or the ratio on the text-like
  // sample page); the cost per page from the capture's calibration, else
  // measured on this host.
  std::map<std::string, SizeSource> src;
  for (const auto& t : plan.tiers) {
    if (t.kind == tiers::TierKind::kNone || src.count(t.compressor)) continue;
    auto c = compressors::make_compressor(t.compressor);
    if (!c) return Error{c.error().message, ErrorKind::kUsage};
    SizeSource s;
    const int slot = compressors::compressor_slot(t.compressor);
    tiers::SampledMean mean;
    if (contents) mean = tiers::sampled_mean(*contents, slot);
    s.samples = mean.samples;
    if (contents && slot >= 0 && contents->calibration[size_t(slot)].pages > 0) {
      s.cal = tiers::calibration_from_capture((*c)->name(), contents->calibration[size_t(slot)], mean);
      s.cal_from_capture = true;
      s.calibration_pages = contents->calibration[size_t(slot)].pages;
    } else {
      auto cal = compressors::calibrate(**c);
      if (!cal) return Error{"calibrating " + cal.error().message};
      s.cal = *cal;
    }
    tiers::CompressibilityModel m = plan.model;
    if (!plan.ratio_given) m.ratio = std::max(1.0, mean.samples ? mean.ratio : s.cal.text_ratio());
    if (!plan.zero_given && mean.samples) m.zero_fraction = std::min(mean.same_fraction, 1.0 - m.incompressible_fraction);
    s.ratio = m.ratio;
    s.zero_fraction = m.zero_fraction;
    s.sizes = tiers::model_page_sizes(trace, m);
    if (mean.samples) s.sizes = tiers::sampled_page_sizes(trace, *contents, slot, s.sizes, &s.origins);
    src.emplace(t.compressor, std::move(s));
  }
  return src;
}

Result<ExperimentResults> run_experiment(const Trace& trace, const ExperimentPlan& plan, const ExperimentHooks& hooks) {
  namespace tiers = sim::tiers;
  ExperimentResults res;
  const bool tiered = !plan.tiers.empty();
  const bool sweep = tiered && plan.target_fault_rate >= 0;
  // This part's points (see Part): cells by their index in the unsplit
  // loops below, then the curve sizes.
  const Part& part = plan.part;
  const size_t np = plan.policies.size(), nf = plan.frames.size(), nt = plan.tiers.size();
  const size_t cell_points = sweep ? np * nt : tiered ? np * nf * nt : np * nf;
  std::vector<uint64_t> curve_sizes;
  for (size_t i = 0; i < plan.curve_sizes.size(); ++i) {
    if (!part.owns(cell_points + i)) continue;
    curve_sizes.push_back(plan.curve_sizes[i]);
    res.curve_points.push_back(cell_points + i);
  }
  res.points = cell_points + plan.curve_sizes.size();
  // Sweep mode: a cell is computed when it is this part's, or when it is a
  // "none" tier whose memory a later cell of the policy in this part is
  // compared with (the table's memory_saved).
  auto sweep_needed = [&](size_t pi, size_t ti) {
    const size_t i = pi * nt + ti;
    if (part.owns(i)) return true;
    if (plan.tiers[ti].kind != tiers::TierKind::kNone) return false;
    for (size_t tj = ti + 1; tj < nt; ++tj)
      if (part.owns(pi * nt + tj)) return true;
    return false;
  };
  uint64_t total = np * curve_sizes.size();
  for (size_t pi = 0; pi < np; ++pi) {
    if (sweep) {
      for (size_t ti = 0; ti < nt; ++ti) total += sweep_needed(pi, ti);
      continue;
    }
    for (size_t fi = 0; fi < nf; ++fi) {
      if (!tiered) {
        total += part.owns(pi * nf + fi);
        continue;
      }
      uint64_t runs = 0;  // the base run when any of its tiers is this part's, plus one per such tier not none
      for (size_t ti = 0; ti < nt; ++ti)
        if (part.owns((pi * nf + fi) * nt + ti)) runs += plan.tiers[ti].kind != tiers::TierKind::kNone;
      bool any = false;
      for (size_t ti = 0; ti < nt; ++ti) any = any || part.owns((pi * nf + fi) * nt + ti);
      total += any ? runs + 1 : 0;
    }
  }
  Units units(hooks, total);

  if (tiered) {
    auto warn = [&](const std::string& w) {
      res.warnings.push_back(w);
      if (hooks.warn) hooks.warn(w);
    };
    if (!plan.frames.empty() || sweep) units.step("calibrating compressors");
    auto src = size_sources(trace, plan, warn);
    if (!src) return src.error();
    res.sources = std::move(src).value();
  }
  const std::vector<uint16_t> no_sizes;
  auto sizes_of = [&](const tiers::TierSpec& t) -> const std::vector<uint16_t>& {
    return t.kind == tiers::TierKind::kNone ? no_sizes : res.sources.at(t.compressor).sizes;
  };
  auto mem = [&](uint64_t f) { return format_bytes(f * plan.page_size); };

  if (sweep) {
    for (size_t pi = 0; pi < np; ++pi) {
      const auto* p = plan.policies[pi];
      for (size_t ti = 0; ti < plan.tiers.size(); ++ti) {
        if (!sweep_needed(pi, ti)) continue;
        if (units.cancelled()) return cancelled();
        const auto& t = plan.tiers[ti];
        units.step("sweep " + std::string(p->name) + " " + t.text);
        auto r = tiers::smallest_memory(trace, *p, plan.seed, t, sizes_of(t), plan.target_fault_rate, hooks.run);
        ExperimentCell cell;
        cell.policy = p;
        cell.frames = r.frames;
        cell.tier = int(ti);
        cell.sim = r.run.sim;
        cell.run = r.run;
        cell.replays = r.replays;
        cell.point = pi * nt + ti;
        cell.in_part = part.owns(cell.point);
        res.cells.push_back(std::move(cell));
        units.add();
      }
    }
  } else if (tiered) {
    tiers::LatencyModel lat;
    lat.swap_read_ns = plan.swap_read_ns;
    lat.pages_per_page = plan.page_size > 1 ? double(plan.page_size) / 4096.0 : 1.0;
    tiers::TierSpec none_spec;
    none_spec.text = "none";
    for (size_t pi = 0; pi < np; ++pi) {
      const auto* p = plan.policies[pi];
      for (size_t fi = 0; fi < nf; ++fi) {
        const uint64_t f = plan.frames[fi];
        const size_t first = (pi * nf + fi) * nt;
        bool any = false;
        for (size_t ti = 0; ti < nt; ++ti) any = any || part.owns(first + ti);
        if (!any) continue;
        if (units.cancelled()) return cancelled();
        units.step("replay " + std::string(p->name) + " " + mem(f) + ", no tier");
        const auto base = tiers::simulate_tiered(trace, *p, uint32_t(f), plan.seed, none_spec, no_sizes, hooks.run);
        const auto base_cost = tiers::estimate_cost(base.tier, nullptr, lat);
        units.add();
        for (size_t ti = 0; ti < plan.tiers.size(); ++ti) {
          if (!part.owns(first + ti)) continue;
          const auto& t = plan.tiers[ti];
          ExperimentCell cell;
          cell.policy = p;
          cell.frames = f;
          cell.tier = int(ti);
          cell.point = first + ti;
          const compressors::Calibration* cal = nullptr;
          if (t.kind == tiers::TierKind::kNone) {
            cell.run = base;
          } else {
            if (units.cancelled()) return cancelled();
            units.step("replay " + std::string(p->name) + " " + mem(f) + ", " + t.text);
            cal = &res.sources.at(t.compressor).cal;
            cell.run = tiers::simulate_tiered(trace, *p, uint32_t(f), plan.seed, t, sizes_of(t), hooks.run);
            units.add();
          }
          cell.sim = cell.run->sim;
          cell.cost = tiers::estimate_cost(cell.run->tier, cal, lat);
          cell.stall_saved_s = base_cost.stall_s - cell.cost.stall_s;
          cell.swap_reads_avoided = int64_t(base.tier.swap_loads) - int64_t(cell.run->tier.swap_loads);
          res.cells.push_back(std::move(cell));
        }
      }
    }
  } else {
    // Per-process pools: each process gets the memory on its own, the counts
    // are summed. Global pool: one memory for all.
    std::vector<Trace> parts;
    if (plan.per_process) {
      std::vector<uint32_t> pids;
      parts = split_by_pid(trace, &pids);
      res.processes = parts.size();
    }
    for (size_t pi = 0; pi < np; ++pi) {
      const auto* p = plan.policies[pi];
      for (size_t fi = 0; fi < nf; ++fi) {
        const uint64_t f = plan.frames[fi];
        if (!part.owns(pi * nf + fi)) continue;
        if (units.cancelled()) return cancelled();
        units.step("replay " + std::string(p->name) + " " + mem(f));
        ExperimentCell cell;
        cell.policy = p;
        cell.frames = f;
        cell.point = pi * nf + fi;
        if (plan.per_process) {
          for (const auto& part : parts) cell.sim += simulate(part, *p, uint32_t(f), plan.seed);
        } else {
          cell.sim = simulate(trace, *p, uint32_t(f), plan.seed, hooks.run);
        }
        res.cells.push_back(std::move(cell));
        units.add();
      }
    }
  }

  if (!plan.curve_sizes.empty()) {
    for (const auto* p : plan.policies) {
      if (units.cancelled()) return cancelled();
      if (curve_sizes.empty()) {
        // A part with none of the curve's sizes: the columns, no points.
        res.curves.emplace_back().label = p->name;
      } else if (one_pass_curve(*p)) {
        units.step("miss-ratio curve " + std::string(p->name) + " (one pass)");
        auto d = p->stack_distances(trace, hooks.run);
        res.curves.push_back(exact_lru_mrc(d, curve_sizes));
        res.curves.back().label = p->name;
        units.add(curve_sizes.size());
      } else if (plan.curve_threads == 1) {
        MissRatioCurve c;
        c.label = p->name;
        for (uint64_t s : curve_sizes) {
          if (units.cancelled()) return cancelled();
          units.step("miss-ratio curve " + std::string(p->name) + " " + mem(s));
          auto r = simulate(trace, *p, uint32_t(std::min<uint64_t>(s, UINT32_MAX)), plan.seed, hooks.run);
          c.points.push_back({s, r.miss_ratio()});
          units.add();
        }
        res.curves.push_back(std::move(c));
      } else {
        units.step("miss-ratio curve " + std::string(p->name) + " (sweep, " +
                   std::to_string(curve_sizes.size()) + " sizes)");
        res.curves.push_back(sweep_mrc(trace, *p, curve_sizes, plan.seed, plan.curve_threads, hooks.run));
        units.add(curve_sizes.size());
      }
    }
  }
  // The real run as the simulator would count it: its major faults plus the
  // first touch of every page (a fault in any policy).
  if (plan.real && plan.real->memory_bytes > 0 && trace.size() > 0)
    res.real_miss_ratio =
        std::min(1.0, double(plan.real->major_faults + trace.distinct_pages()) / double(trace.size()));
  res.curve_sizes = std::move(curve_sizes);
  return res;
}

std::string why_not_streamed(const ExperimentPlan& plan) {
  if (!plan.tiers.empty()) return "--tier replays size every page from the whole trace";
  if (plan.per_process) return "--per-process splits the trace by process";
  for (const auto* p : plan.policies)
    if (p->looks_ahead) return std::string(p->name) + " looks ahead in the trace";
  if (plan.curve_sizes.empty() && plan.curve_points > 0)
    for (const auto* p : plan.policies)
      if (!one_pass_curve(*p)) return "the curve's sizes (up to the distinct pages) are needed before " + std::string(p->name) + "'s replays";
  return "";
}

Result<ExperimentResults> stream_experiment(TraceStream& stream, const ExperimentPlan& plan,
                                            const ExperimentHooks& hooks) {
  if (std::string why = why_not_streamed(plan); !why.empty())
    return Error{"cannot stream: " + why, ErrorKind::kUsage};
  // Every cell and every curve point is one StreamReplay; a one-pass curve
  // is one LruStackCounter. Pages known at the start: none, grown per chunk.
  constexpr uint32_t kStartPages = 1024;
  std::vector<StreamReplay> replays;
  auto add_replay = [&](const policies::PolicyInfo& p, uint64_t frames) {
    PolicyConfig cfg;
    cfg.frames = uint32_t(std::clamp<uint64_t>(frames, 1, UINT32_MAX));
    cfg.pages = kStartPages;
    cfg.seed = plan.seed;
    replays.emplace_back(p.make(cfg), cfg.frames, kStartPages);
  };
  // This part's points (see Part): cells, then curve sizes (when given;
  // the default sizes are known, and split, after the pass).
  const Part& part = plan.part;
  const size_t nf = plan.frames.size();
  const size_t cell_points = plan.policies.size() * nf;
  std::vector<uint64_t> curve_sizes;
  std::vector<size_t> curve_points;
  for (size_t i = 0; i < plan.curve_sizes.size(); ++i)
    if (part.owns(cell_points + i)) {
      curve_sizes.push_back(plan.curve_sizes[i]);
      curve_points.push_back(cell_points + i);
    }
  for (size_t pi = 0; pi < plan.policies.size(); ++pi)
    for (size_t fi = 0; fi < nf; ++fi)
      if (part.owns(pi * nf + fi)) add_replay(*plan.policies[pi], plan.frames[fi]);
  const size_t cells = replays.size();
  std::vector<LruStackCounter> counters;
  std::vector<size_t> curve_first;  // per policy: its first replay, or its counter
  for (const auto* p : plan.policies) {
    if (plan.curve_sizes.empty() && plan.curve_points == 0) break;
    if (one_pass_curve(*p)) {
      curve_first.push_back(counters.size());
      counters.emplace_back(kStartPages);
    } else {
      curve_first.push_back(replays.size());
      for (uint64_t s : curve_sizes) add_replay(*p, s);
    }
  }
  if (hooks.step) hooks.step(cells + counters.size() + replays.size() > 1 ? "replay (streamed, all at once)" : "replay (streamed)");

  // Per chunk, the simulations share out among the threads: one chunk of
  // 2^20 references is 10-100 ms of work per simulation, so starting the
  // threads per chunk costs nothing measurable.
  const size_t sims = replays.size() + counters.size();
  unsigned threads = plan.curve_threads ? plan.curve_threads : std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<size_t>(threads, std::max<size_t>(1, sims)));
  uint32_t counter_pages = kStartPages;
  auto consume = [&](const TraceChunk& c) {
    if (c.pages > counter_pages) {
      counter_pages = std::max(c.pages, 2 * counter_pages);
      for (auto& k : counters) k.grow(counter_pages);
    }
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < sims;) {
        if (i < counters.size()) counters[i].feed(c.refs.data(), c.refs.size());
        else replays[i - counters.size()].feed(c.refs.data(), c.writes.data(), c.refs.size(), c.first, c.pages);
      }
    };
    std::vector<std::thread> pool;
    for (unsigned k = 1; k < threads; ++k) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  };
  Status st = stream.run(consume, hooks.run);
  if (!st) return Error{st.message()};
  const StreamTotals& tot = stream.totals();

  ExperimentResults res;
  size_t r = 0;
  for (size_t pi = 0; pi < plan.policies.size(); ++pi) {
    for (size_t fi = 0; fi < nf; ++fi) {
      if (!part.owns(pi * nf + fi)) continue;
      ExperimentCell cell;
      cell.policy = plan.policies[pi];
      cell.frames = plan.frames[fi];
      cell.point = pi * nf + fi;
      cell.sim = replays[r++].result();
      res.cells.push_back(std::move(cell));
    }
  }
  res.points = cell_points + plan.curve_sizes.size();
  if (plan.curve_sizes.empty() && plan.curve_points > 0) {
    const auto all = default_sizes(tot.pages, plan.curve_points);
    res.points = cell_points + all.size();
    for (size_t i = 0; i < all.size(); ++i)
      if (part.owns(cell_points + i)) {
        curve_sizes.push_back(all[i]);
        curve_points.push_back(cell_points + i);
      }
  }
  res.curve_sizes = curve_sizes;
  res.curve_points = std::move(curve_points);
  for (size_t i = 0; i < curve_first.size(); ++i) {
    const auto* p = plan.policies[i];
    if (one_pass_curve(*p)) {
      StackDistances d = counters[curve_first[i]].finish();
      res.curves.push_back(curve_from(d, res.curve_sizes, ""));  // exact_lru_mrc, but no default for no sizes
    } else {
      MissRatioCurve c;
      for (size_t k = 0; k < curve_sizes.size(); ++k)
        c.points.push_back({curve_sizes[k], replays[curve_first[i] + k].result().miss_ratio()});
      res.curves.push_back(std::move(c));
    }
    res.curves.back().label = p->name;
  }
  if (plan.real && plan.real->memory_bytes > 0 && tot.references > 0)
    res.real_miss_ratio = std::min(1.0, double(plan.real->major_faults + tot.pages) / double(tot.references));
  return res;
}

}  // namespace pagescope::sim
