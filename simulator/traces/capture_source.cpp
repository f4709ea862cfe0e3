// pagescope capture files (.psc) as a reference source.
//
// Faults: every page-fault record (struct ps_fault in bpf/events.h) is one
// reference to the faulting address, in file order (exact order, exact time);
// it is a write when the x86 error code says so (PS_PF_WRITE, and only when the
// error code is known).
//
// Access samples (record --access-interval, format 1.2): each ps_access_bits
// record lists, for one range of pages of one process, which pages had their
// PTE accessed bit set at the end of an interval; the ps_access_interval record
// that follows closes the interval and says when it began (when the bits were
// cleared). Every accessed page becomes one reference placed inside
// [begin_ns, ts_ns], merged with the faults by time. A set dirty bit makes it
// a write. The bit says "touched at least once in the interval", never how
// often or when, so SourceOptions::access_order decides where it goes:
//   spread (default)  the interval's pages in a shuffled (seeded, repeatable)
//                     order at evenly spaced times across the interval;
//   random            each page at an independent uniformly random time;
//   end               all at the interval's end, in address order (what
//                     kernel reclaim learns: the bit, when it scans);
//   none              samples ignored: faults only, as before format 1.2.
// spread is the default because the expected time of an unknown access is the
// middle of the interval, and interleaving the sampled pages with the
// interval's faults is how the real accesses happened; bunching them at the
// end turns them into one sweep that an LRU reads as a scan. docs/fidelity.md
// compares the orders against real runs.
//
// A page that faulted in the same interval (same process) is not counted
// again: the fault set its accessed bit, so the bit adds nothing the fault
// did not already say. "In the interval" reaches back to the previous
// interval's end, because a fault stamped while the bits were being cleared
// can still set the bit after the clear.
//
// Huge mappings (page_shift 21 or 30) give one reference at the huge page's
// first address. Other record kinds are skipped.
//
// Merging needs the whole capture's faults and samples in memory (24 bytes a
// reference) before the first reference is emitted; `none` streams.
//
// Without access samples a capture holds faults, not references: pages
// touched while resident never appear, so a replay asks "if these faults were
// the whole reference string", a lower bound on what the program referenced.
//
// A capture that says an event source the replay depends on was off gets a
// caveat per source (model::SourceNotes words it): the fault records, their
// kind (without the perf fault events, retried faults count twice), their
// error code (which references were writes, so dirty write-backs) and, unless
// the order is `none`, the accessed bits. Other sources (reclaim, memory
// syscalls) do not change the reference string and get no caveat here.
#include <algorithm>
#include <map>
#include <random>
#include <unordered_set>

#include "inspector/capture/reader.h"
#include "inspector/model/access_bits.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/source_notes.h"
#include "simulator/traces/formats.h"

namespace pagescope::sim::traces {

namespace {

enum class AccessOrder { kSpread, kRandom, kEnd, kNone };

Result<AccessOrder> parse_access_order(const std::string& s) {
  if (s == "spread" || s.empty()) return AccessOrder::kSpread;
  if (s == "random") return AccessOrder::kRandom;
  if (s == "end") return AccessOrder::kEnd;
  if (s == "none") return AccessOrder::kNone;
  return Error{"unknown access order '" + s + "' (spread, random, end, none)"};
}

struct TimedRef {
  uint64_t time;
  uint64_t address;
  uint32_t pid;
  bool write;
};

// One process's interval as the samples describe it.
struct SampledInterval {
  uint64_t begin = 0, end = 0;
  uint32_t pid = 0;
  std::vector<TimedRef> pages;  // accessed pages; time filled in by place()
};

class CaptureSource final : public ReferenceSource {
 public:
  CaptureSource(capture::CaptureReader reader, std::optional<uint32_t> pid, AccessOrder order)
      : reader_(std::move(reader)), pid_(pid), order_(order) {}
  KeyUnit unit() const override { return KeyUnit::kByteAddress; }

  Status for_each(const Sink& sink) override {
    lost_ = truncated_ = malformed_ = unclosed_ = 0;
    std::vector<TimedRef> faults;
    std::vector<SampledInterval> intervals;
    std::map<uint32_t, std::vector<TimedRef>> open;  // bits read, interval record not yet
    // Faults, access bits and interval ends; LOST counts for every process.
    struct Visitor : model::RecordVisitor<Visitor> {
      CaptureSource& src;
      const Sink& sink;
      std::vector<TimedRef>& faults;
      std::vector<SampledInterval>& intervals;
      std::map<uint32_t, std::vector<TimedRef>>& open;
      Visitor(CaptureSource& s, const Sink& k, std::vector<TimedRef>& f, std::vector<SampledInterval>& i,
              std::map<uint32_t, std::vector<TimedRef>>& o)
          : src(s), sink(k), faults(f), intervals(i), open(o) {}
      void on_lost(const ps_lost& l) { src.lost_ += l.lost; }
      void on_fault(const ps_fault& f) {
        bool write = (f.flags & PS_FAULT_ERR_KNOWN) && (f.error_code & PS_PF_WRITE);
        // Faults only: straight through, nothing held in memory.
        if (src.order_ == AccessOrder::kNone) sink(RawReference{f.address, write, f.hdr.pid});
        else faults.push_back({f.hdr.ts_ns, f.address, f.hdr.pid, write});
      }
      void on_access_bits(const model::AccessBitsView& v) {
        if (src.order_ != AccessOrder::kNone) add_bits(v, open[v.record->hdr.pid]);
      }
      void on_access_interval(const ps_access_interval& iv) {
        if (src.order_ == AccessOrder::kNone) return;
        const ps_header& h = iv.hdr;
        if (iv.flags & PS_ACCESS_TRUNCATED) ++src.truncated_;
        SampledInterval s;
        s.begin = std::min(iv.begin_ns, h.ts_ns);
        s.end = h.ts_ns;
        s.pid = h.pid;
        s.pages = std::move(open[h.pid]);
        open.erase(h.pid);
        intervals.push_back(std::move(s));
      }
      void on_malformed(const ps_header& h, const char*) {
        if (h.kind == PS_EV_ACCESS_BITS && src.order_ != AccessOrder::kNone) ++src.malformed_;
      }
    } visitor(*this, sink, faults, intervals, open);
    Status st = reader_.for_each([&](const ps_header& h) {
      if (h.kind == PS_EV_LOST || !pid_ || h.pid == *pid_) visitor.visit(h);
      return true;
    });
    if (!st) return st;
    // Bits whose interval record never came (capture cut short): their
    // interval is unknown, so they count at the time they were read.
    for (auto& [p, pages] : open) {
      if (pages.empty()) continue;
      ++unclosed_;
      SampledInterval s;
      s.begin = s.end = pages.front().time;
      s.pid = p;
      s.pages = std::move(pages);
      intervals.push_back(std::move(s));
    }
    drop_faulted(faults, intervals);
    std::vector<TimedRef> samples;
    for (auto& iv : intervals) place(iv, samples);
    std::stable_sort(samples.begin(), samples.end(),
                     [](const TimedRef& a, const TimedRef& b) { return a.time < b.time; });

    // Faults keep their file order; a sample goes before the first fault that
    // is later than it.
    size_t si = 0;
    auto emit = [&](const TimedRef& t) { sink(RawReference{t.address, t.write, t.pid}); };
    for (const auto& f : faults) {
      while (si < samples.size() && samples[si].time < f.time) emit(samples[si++]);
      emit(f);
    }
    while (si < samples.size()) emit(samples[si++]);
    return {};
  }

  std::vector<std::string> caveats() const override {
    std::vector<std::string> out;
    if (lost_ > 0)
      out.push_back(std::to_string(lost_) +
                    " events were lost by the recorder (ring buffer full): the trace is missing references");
    if (truncated_ > 0)
      out.push_back(std::to_string(truncated_) +
                    " access intervals hit the sampler's work bound: pages after the bound are missing");
    if (malformed_ > 0)
      out.push_back(std::to_string(malformed_) + " access-bit records were too short for their page count; skipped");
    if (unclosed_ > 0)
      out.push_back(std::to_string(unclosed_) +
                    " processes have access bits without a closing interval record (capture cut short?); "
                    "those pages count at the time they were read");
    using capture::Source;
    const model::SourceNotes sources(reader_.host().sources);
    auto missing = order_ == AccessOrder::kNone
                       ? sources.notes_about({Source::kFaults, Source::kFaultKinds, Source::kFaultErrorCodes})
                       : sources.notes_about({Source::kFaults, Source::kFaultKinds, Source::kFaultErrorCodes,
                                              Source::kAccessBits});
    out.insert(out.end(), missing.begin(), missing.end());
    const auto& rep = reader_.report();
    if (rep.chunks_corrupt > 0 || !rep.complete)
      out.push_back(std::string(rep.complete ? "" : "capture not closed cleanly; ") +
                    std::to_string(rep.chunks_corrupt) + " corrupt chunks skipped, " +
                    std::to_string(rep.bytes_unreadable) + " bytes unreadable");
    return out;
  }

 private:
  static void add_bits(const model::AccessBitsView& v, std::vector<TimedRef>& out) {
    const ps_header& h = v.record->hdr;
    // One reference per accessed entry, at its first address (a huge page is one page).
    model::for_each_accessed(v, [&](uint32_t i) {
      const bool write = model::AccessBitsView::bit(v.dirty, i);
      out.push_back({h.ts_ns, v.record->start + (uint64_t(i) << v.record->page_shift), h.pid, write});
    });
  }

  // Removes sampled pages that faulted (same process, same page) within
  // their interval.
  static void drop_faulted(const std::vector<TimedRef>& faults, std::vector<SampledInterval>& intervals) {
    std::map<uint32_t, std::vector<size_t>> by_pid;  // interval indexes, sorted by end
    for (size_t i = 0; i < intervals.size(); ++i) by_pid[intervals[i].pid].push_back(i);
    for (auto& [p, idx] : by_pid)
      std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return intervals[a].end < intervals[b].end; });
    struct KeyHash {
      size_t operator()(const std::pair<size_t, uint64_t>& k) const {
        return std::hash<uint64_t>()(k.second * 0x9e3779b97f4a7c15ull ^ k.first);
      }
    };
    std::unordered_set<std::pair<size_t, uint64_t>, KeyHash> faulted;  // (interval, 4K page)
    for (const auto& f : faults) {
      auto it = by_pid.find(f.pid);
      if (it == by_pid.end()) continue;
      const auto& idx = it->second;
      // The first interval ending at or after the fault. A fault in the gap
      // before its begin (while the previous bits were read and cleared)
      // counts for it too: its fault record can be stamped before the clear
      // while the access it made lands after it.
      auto pos = std::lower_bound(idx.begin(), idx.end(), f.time,
                                  [&](size_t i, uint64_t t) { return intervals[i].end < t; });
      if (pos == idx.end()) continue;
      size_t i = *pos;
      if (pos == idx.begin() && f.time < intervals[i].begin) continue;
      faulted.insert({i, f.address >> 12});
    }
    if (faulted.empty()) return;
    for (size_t i = 0; i < intervals.size(); ++i) {
      auto& pages = intervals[i].pages;
      pages.erase(std::remove_if(pages.begin(), pages.end(),
                                 [&](const TimedRef& r) { return faulted.count({i, r.address >> 12}) > 0; }),
                  pages.end());
    }
  }

  void place(SampledInterval& iv, std::vector<TimedRef>& out) const {
    auto& pages = iv.pages;
    const uint64_t n = pages.size();
    if (n == 0) return;
    const uint64_t span = iv.end - iv.begin;
    // Seeded by the interval itself, so a replay is repeatable.
    std::mt19937_64 rng(iv.begin * 0x9e3779b97f4a7c15ull ^ iv.pid);
    switch (order_) {
      case AccessOrder::kSpread:
        std::shuffle(pages.begin(), pages.end(), rng);
        for (uint64_t i = 0; i < n; ++i)
          pages[i].time = iv.begin + uint64_t((double(i) + 0.5) * double(span) / double(n));
        break;
      case AccessOrder::kRandom:
        for (auto& r : pages) r.time = iv.begin + (span ? rng() % (span + 1) : 0);
        break;
      case AccessOrder::kEnd:
      case AccessOrder::kNone:
        std::sort(pages.begin(), pages.end(),
                  [](const TimedRef& a, const TimedRef& b) { return a.address < b.address; });
        for (auto& r : pages) r.time = iv.end;
        break;
    }
    out.insert(out.end(), pages.begin(), pages.end());
  }

  capture::CaptureReader reader_;
  std::optional<uint32_t> pid_;
  AccessOrder order_;
  uint64_t lost_ = 0, truncated_ = 0, malformed_ = 0, unclosed_ = 0;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_capture(const std::string& path, const SourceOptions& o) {
  auto order = parse_access_order(o.access_order);
  if (!order) return order.error();
  if (path == "-") return Error{"a capture is read from a file, not from stdin (its index and chunks are found by seeking)"};
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return reader.error();
  return std::unique_ptr<ReferenceSource>(new CaptureSource(std::move(reader).value(), o.pid, *order));
}

}  // namespace pagescope::sim::traces
