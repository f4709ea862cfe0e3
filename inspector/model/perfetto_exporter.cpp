// Perfetto's protobuf trace (`export --format perfetto`): what chrome-json
// shows as counters, for captures far beyond what a JSON trace can load.
// One process track per process, and under it counter tracks:
//   faults, major faults   per 10 ms (the numbers of CounterFold, the fold
//                          `top` and `tui` read; major only when the capture
//                          has fault kinds)
//   RSS, swap (VmSwap)     at each /proc/PID/status snapshot (parse_status_kb,
//                          as CounterFold reads them)
//   swap entries           at each change of the count (ps_swap_ents)
//   working set (100 ms)   W(t, 100 ms), bytes (WindowedWorkingSet, as chrome-json)
//   resident (present bits)  at each access-bit interval
//   mapped                 after each change of the layout (SpaceTracker)
// Direct and memcg reclaim stalls are slices on the stalled thread's track;
// TLB flushes and OOM kills are instants on the process's track (the
// victim's, for an OOM kill); lost events and missing sources are instants on
// a global "pagescope" track. Per-fault and per-syscall detail stays in
// chrome-json and csv.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_map>

#include "inspector/model/counter_fold.h"
#include "inspector/model/exporter.h"
#include "inspector/model/interval_grid.h"
#include "inspector/model/perfetto_trace_writer.h"
#include "inspector/model/proc_counters.h"
#include "inspector/model/record_view.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/windowed_working_set.h"

namespace pagescope::model {

namespace {

constexpr uint64_t kPageBytes = 4096;  // the model counts 4 KiB pages
constexpr uint64_t kGlobalTrack = 1;

enum Counter : size_t {
  kFaults,
  kMajorFaults,
  kRss,
  kSwap,
  kSwapEntries,
  kWorkingSet,
  kResident,
  kMapped,
  kCounterCount
};

struct CounterTrackInfo {
  const char* name;
  PerfettoTraceWriter::Unit unit;
};
constexpr CounterTrackInfo kCounterTracks[kCounterCount] = {
    {"faults per 10 ms", PerfettoTraceWriter::Unit::kCount},
    {"major faults per 10 ms", PerfettoTraceWriter::Unit::kCount},
    {"RSS", PerfettoTraceWriter::Unit::kBytes},
    {"swap (VmSwap)", PerfettoTraceWriter::Unit::kBytes},
    {"swap entries", PerfettoTraceWriter::Unit::kCount},
    {"working set (100 ms)", PerfettoTraceWriter::Unit::kBytes},
    {"resident (present bits)", PerfettoTraceWriter::Unit::kBytes},
    {"mapped", PerfettoTraceWriter::Unit::kBytes},
};

class PerfettoExporter : public Exporter, public RecordVisitor<PerfettoExporter> {
 public:
  PerfettoExporter() : grid_(0, kExportFaultBucketNs) {}
  ~PerfettoExporter() override {
    if (out_ && out_ != stdout) std::fclose(out_);
  }

  Status open(const std::string& output, uint64_t zero_ns, const SourceNotes& sources) override {
    out_ = output == "-" ? stdout : std::fopen(output.c_str(), "w");
    if (!out_) return Error{output + ": cannot create (" + std::string(std::strerror(errno)) + ")"};
    if (out_ != stdout) std::setvbuf(out_, nullptr, _IOFBF, 1 << 20);
    zero_ = zero_ns;
    grid_ = IntervalGrid(zero_ns, kExportFaultBucketNs);
    kinds_known_ = sources.measured(capture::Source::kFaultKinds);
    wss_ = std::make_unique<WindowedWorkingSet>(std::vector<uint64_t>{kExportWssTauNs}, zero_ns);
    trace_ = std::make_unique<PerfettoTraceWriter>(out_);
    trace_->global_track(kGlobalTrack, "pagescope");
    for (const std::string& note : sources.sources().unavailable_notes()) {
      trace_->instant(0, kGlobalTrack, "missing source", note);
    }
    return {};
  }

  void record(const ps_header& h, const FaultContext&) override {
    wss_->apply(h);
    // Faults are bucketed against the fold's counts before it adds the fault.
    visit(h);
    fold_.visit(h);
  }

  void on_fault(const ps_fault& f) {
    const uint64_t bucket = grid_.index_of(f.hdr.ts_ns);
    Process& p = process(f.hdr.pid);
    if (p.bucket != bucket) {
      const FaultTotals now = totals(f.hdr.pid);
      flush_faults(p, now);
      // A drop to zero shows as zero, not as a line held at the last value.
      if (p.bucket != kNoBucket && bucket > p.bucket + 1) fault_counters(p, p.bucket + 1, 0, 0);
      p.bucket = bucket;
      p.at_bucket = now;
    }
  }

  void on_fork(const ps_fork& f) {
    if (f.flags & PS_FORK_THREAD) return;
    name(f.child_pid, fixed_string(f.comm));
  }
  void on_exec(const ps_exec& e) { name(e.hdr.pid, fixed_string(e.comm)); }
  // A process seen only through its own records (attached with -p) is named at exit.
  void on_exit(const ps_exit& e) {
    auto it = processes_.find(e.hdr.pid);
    if (it == processes_.end() || it->second.name.empty()) name(e.hdr.pid, fixed_string(e.comm));
  }

  // RSS and swap as the fold reads them (parse_status_kb), from this snapshot only.
  void on_proc_file(const ps_proc_file& f, std::string_view text) {
    if (f.which != PS_PROC_STATUS) return;
    if (auto rss = parse_status_kb(text, "VmRSS")) value(f.hdr.ts_ns, f.hdr.pid, kRss, int64_t(*rss * 1024));
    if (auto swap = parse_status_kb(text, "VmSwap")) {
      value(f.hdr.ts_ns, f.hdr.pid, kSwap, int64_t(*swap * 1024));
    }
  }

  void on_swap_ents(const ps_swap_ents& s) {
    value(s.hdr.ts_ns, s.hdr.pid, kSwapEntries, s.swap_pages);
  }

  void on_access_interval(const ps_access_interval& iv) {
    value(iv.hdr.ts_ns, iv.hdr.pid, kResident, int64_t(iv.pages_present * kPageBytes));
  }

  void on_reclaim(const ps_reclaim& r) {
    if (r.what != PS_RECLAIM_DIRECT_END && r.what != PS_RECLAIM_MEMCG_END) return;
    const uint64_t end = time(r.hdr.ts_ns);
    const uint64_t begin = end > r.duration_ns ? end - r.duration_ns : 0;
    const uint64_t track = thread(r.hdr.pid, r.hdr.tid);
    trace_->slice_begin(begin, track, "reclaim",
                        r.what == PS_RECLAIM_DIRECT_END ? "direct reclaim" : "memcg reclaim",
                        {{"nr_reclaimed", uint64_t(r.nr_reclaimed)},
                         {"duration_ns", uint64_t(r.duration_ns)}});
    trace_->slice_end(end, track);
  }

  void on_tlb_flush(const ps_tlb_flush& t) {
    std::string name = std::string("TLB flush ") + tlb_reason_name(t.reason);
    trace_->instant(time(t.hdr.ts_ns), process(t.hdr.pid).uuid, "tlb", name,
                    {{"pages", int64_t(t.pages)}, {"tid", uint64_t(t.hdr.tid)}});
  }

  void on_oom_victim(const ps_oom_victim& o) {
    if (processes_.count(o.victim_pid) == 0) name(o.victim_pid, fixed_string(o.comm));
    trace_->instant(time(o.hdr.ts_ns), process(o.victim_pid).uuid, "oom", "OOM kill",
                    {{"killer_pid", uint64_t(o.hdr.pid)},
                     {"oom_score_adj", int64_t(o.oom_score_adj)},
                     {"total_vm_kb", uint64_t(o.total_vm_kb)},
                     {"anon_rss_kb", uint64_t(o.anon_rss_kb)},
                     {"file_rss_kb", uint64_t(o.file_rss_kb)},
                     {"shmem_rss_kb", uint64_t(o.shmem_rss_kb)},
                     {"memcg_id", uint64_t(o.memcg_id)}});
  }

  void on_lost(const ps_lost& l) {
    if (l.lost == 0) return;
    trace_->instant(time(l.hdr.ts_ns), kGlobalTrack, "lost",
                    "LOST " + std::to_string(l.lost) + " events",
                    {{"lost", uint64_t(l.lost)}, {"lost_total", uint64_t(l.lost_total)}});
  }

  void vma_change(uint32_t pid, uint32_t, const MappingChange& c, uint64_t mapped_bytes) override {
    // One value per record: a snapshot's many changes carry the same sum.
    Process& p = process(pid);
    if (p.mapped_ts == c.ts_ns && p.mapped == mapped_bytes) return;
    p.mapped_ts = c.ts_ns;
    p.mapped = mapped_bytes;
    value(c.ts_ns, pid, kMapped, int64_t(mapped_bytes));
  }

  Status finish() override {
    for (auto& [pid, p] : processes_) {
      if (p.bucket == kNoBucket) continue;
      flush_faults(p, totals(pid));
      fault_counters(p, p.bucket + 1, 0, 0);
    }
    // W(t, 100 ms) at each window's end; windows without a reference are 0.
    for (uint32_t pid : wss_->pids()) {
      size_t next = 0;
      for (const WssWindow& w : wss_->windows(pid)) {
        if (next != 0 && w.index > next) wss_value(pid, next, 0);
        wss_value(pid, w.index, w.pages);
        next = w.index + 1;
      }
      if (next != 0) wss_value(pid, next, 0);
    }
    const bool failed = std::ferror(out_) != 0;
    std::FILE* out = std::exchange(out_, nullptr);
    if (out == stdout ? std::fflush(out) != 0 : std::fclose(out) != 0) {
      return Error{"writing the trace failed"};
    }
    if (failed) return Error{"writing the trace failed"};
    return {};
  }

 private:
  static constexpr uint64_t kNoBucket = UINT64_MAX;
  struct FaultTotals {
    uint64_t all = 0, major = 0;
  };
  struct Process {
    uint64_t uuid = 0;
    std::string name;
    uint64_t counters[kCounterCount] = {};  // track uuids, 0 until described
    uint64_t bucket = kNoBucket;            // the 10 ms bucket of the last fault
    FaultTotals at_bucket;                  // the fold's totals when that bucket began
    uint64_t mapped_ts = 0, mapped = 0;     // the last "mapped" value
  };

  // Capture time, as chrome-json and inspect print it (clamped at zero).
  uint64_t time(uint64_t ts_ns) const { return ts_ns > zero_ ? ts_ns - zero_ : 0; }

  Process& process(uint32_t pid) {
    Process& p = processes_[pid];
    if (p.uuid == 0) {
      p.uuid = next_uuid_++;
      trace_->process_track(p.uuid, pid, p.name);
    }
    return p;
  }

  void name(uint32_t pid, std::string_view comm) {
    if (comm.empty()) return;
    Process& p = processes_[pid];
    if (p.name == comm) return;
    p.name = std::string(comm);
    // Described again under its new name (exec); the same uuid keeps its events.
    if (p.uuid != 0) trace_->process_track(p.uuid, pid, p.name);
  }

  uint64_t thread(uint32_t pid, uint32_t tid) {
    // By pid and tid: a tid reused in another process is another track.
    uint64_t& uuid = threads_[(uint64_t(pid) << 32) | tid];
    if (uuid == 0) {
      uuid = next_uuid_++;
      trace_->thread_track(uuid, pid, tid);
    }
    return uuid;
  }

  void value(uint64_t ts_ns, uint32_t pid, Counter c, int64_t v) {
    trace_->counter(time(ts_ns), track_of(process(pid), c), v);
  }

  FaultTotals totals(uint32_t pid) const {
    const CounterFold::PidCounts* c = fold_.find(pid);
    return c ? FaultTotals{c->min_flt + c->maj_flt, c->maj_flt} : FaultTotals{};
  }

  void flush_faults(Process& p, const FaultTotals& now) {
    if (p.bucket == kNoBucket) return;
    fault_counters(p, p.bucket, now.all - p.at_bucket.all, now.major - p.at_bucket.major);
  }

  void fault_counters(Process& p, uint64_t bucket, uint64_t all, uint64_t major) {
    const uint64_t ts = grid_.offset_of(bucket);
    trace_->counter(ts, track_of(p, kFaults), int64_t(all));
    if (kinds_known_) trace_->counter(ts, track_of(p, kMajorFaults), int64_t(major));
  }

  uint64_t track_of(Process& p, Counter c) {
    if (p.counters[c] == 0) {
      p.counters[c] = next_uuid_++;
      trace_->counter_track(p.counters[c], p.uuid, kCounterTracks[c].name, kCounterTracks[c].unit);
    }
    return p.counters[c];
  }

  void wss_value(uint32_t pid, size_t k, uint64_t pages) {
    value(wss_->window_end(0, k), pid, kWorkingSet, int64_t(pages * kPageBytes));
  }

  std::FILE* out_ = nullptr;
  uint64_t zero_ = 0;
  IntervalGrid grid_;
  bool kinds_known_ = true;
  std::unique_ptr<PerfettoTraceWriter> trace_;
  std::unique_ptr<WindowedWorkingSet> wss_;
  CounterFold fold_;
  uint64_t next_uuid_ = kGlobalTrack + 1;
  std::unordered_map<uint32_t, Process> processes_;
  std::unordered_map<uint64_t, uint64_t> threads_;
};

}  // namespace

std::unique_ptr<Exporter> make_perfetto_exporter() { return std::make_unique<PerfettoExporter>(); }

}  // namespace pagescope::model
