#include "inspector/model/timeline.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "inspector/model/proc_counters.h"
#include "inspector/model/system_memory.h"

namespace pagescope::model {
namespace {

// "some avg10=0.00 avg60=0.00 avg300=0.00 total=12345" -> 12345
std::optional<uint64_t> psi_total(std::string_view text, std::string_view line_key) {
  size_t pos = text.find(line_key);
  if (pos == std::string_view::npos) return std::nullopt;
  size_t t = text.find("total=", pos);
  if (t == std::string_view::npos) return std::nullopt;
  return std::strtoull(std::string(text.substr(t + 6, 24)).c_str(), nullptr, 10);
}

}  // namespace

TimelineBuilder::TimelineBuilder(uint64_t zero_ns, uint64_t interval_ns, std::optional<uint32_t> pid)
    : grid_(zero_ns, interval_ns), pid_(pid) {}

TimelineRow& TimelineBuilder::row_at(uint64_t ts_ns) {
  const uint64_t index = grid_.index_of(ts_ns);
  rows_stale_ = true;
  if (last_row_ && index == last_index_) return *last_row_;
  auto [it, inserted] = sparse_.try_emplace(index);
  if (inserted) it->second.start_ns = grid_.offset_of(index);
  last_index_ = index;
  last_row_ = &it->second;  // map nodes stay put
  return it->second;
}

const std::vector<TimelineRow>& TimelineBuilder::rows() const {
  if (!rows_stale_) return rows_;
  rows_.clear();
  rows_stale_ = false;
  if (sparse_.empty()) return rows_;
  const uint64_t first = sparse_.begin()->first, last = sparse_.rbegin()->first;
  // The first row is interval 0 when the records start there (as before sparse rows).
  const uint64_t from = first < kMaxDenseRows ? 0 : first;
  if (last - from < kMaxDenseRows) {
    rows_.reserve(static_cast<size_t>(last - from + 1));
    auto it = sparse_.begin();
    for (uint64_t k = from; k <= last; ++k) {
      if (it != sparse_.end() && it->first == k) {
        rows_.push_back(it->second);
        ++it;
      } else {
        TimelineRow empty;
        empty.start_ns = grid_.offset_of(k);
        rows_.push_back(empty);
      }
    }
  } else {
    rows_.reserve(sparse_.size());
    for (const auto& [k, row] : sparse_) rows_.push_back(row);
  }
  return rows_;
}

void TimelineBuilder::on_proc_file(const ps_proc_file& f, std::string_view text) {
  if (f.which == PS_PROC_MEMCG) {
    if (auto m = parse_memcg(text); m && m->limit > memcg_limit_bytes_) memcg_limit_bytes_ = m->limit;
    return;
  }
  if (f.which == PS_PROC_MEMINFO) {
    SystemCounters c;
    parse_meminfo(text, c);
    if (c.mem_total_kb) ram_bytes_ = c.mem_total_kb * 1024;
    return;
  }
  if (f.which != PS_PROC_PSI_MEMORY) return;
  auto some = psi_total(text, "some");
  auto full = psi_total(text, "full");
  if (!some || !full) return;
  // Totals only grow; a smaller one (a corrupt record, another boot) restarts the deltas.
  if (last_psi_us_ && *some >= last_psi_us_->first && *full >= last_psi_us_->second) {
    TimelineRow& row = row_at(f.hdr.ts_ns);
    row.psi_some_ms += static_cast<double>(*some - last_psi_us_->first) / 1000.0;
    row.psi_full_ms += static_cast<double>(*full - last_psi_us_->second) / 1000.0;
  }
  last_psi_us_ = {*some, *full};
}

void TimelineBuilder::on_fault(const ps_fault& f) {
  if (!ours(f.hdr)) return;
  TimelineRow& row = row_at(f.hdr.ts_ns);
  (f.flags & PS_FAULT_MAJOR ? row.major_faults : row.minor_faults)++;
  if (!pid_) return;
  const uint64_t index = grid_.index_of(f.hdr.ts_ns);
  auto [it, first] = page_row_.try_emplace(f.address >> 12, index);
  if (first || it->second != index) ++row.pages;
  if (!first && (f.flags & PS_FAULT_MAJOR)) ++row.refaults;
  it->second = index;
}

uint64_t TimelineBuilder::memory_it_can_have() const {
  // A cgroup v1 without a limit says 2^63 rounded to pages: RAM then.
  if (memcg_limit_bytes_ && (ram_bytes_ == 0 || memcg_limit_bytes_ < ram_bytes_)) return memcg_limit_bytes_;
  return ram_bytes_;
}

bool TimelineBuilder::thrashing(const TimelineRow& r) const {
  const double secs = double(grid_.interval_ns()) / 1e9;
  const uint64_t faults = r.minor_faults + r.major_faults;
  if (double(r.refaults) < kThrashRefaultsPerSecond * secs || 2 * r.refaults < faults) return false;
  const uint64_t can_have = memory_it_can_have();
  const bool does_not_fit = can_have && double(r.pages) * 4096.0 > kThrashFitShare * double(can_have);
  const bool stalls = r.psi_full_ms >= kThrashPsiShare * secs * 1000.0;
  return does_not_fit || stalls;
}

void TimelineBuilder::on_write_folio(const ps_write_folio& w) {
  TimelineRow& row = row_at(w.hdr.ts_ns);
  if (w.reclaim_flags & PS_RECLAIM_WB_ANON) {
    if (!pid_) row.swap_outs++;
  } else {
    row.file_writebacks++;
  }
}

void TimelineBuilder::on_swap_ents(const ps_swap_ents& s) {
  if (!pid_ || s.hdr.pid != *pid_) return;
  if (last_swap_pages_ >= 0 && s.swap_pages > last_swap_pages_) {
    row_at(s.hdr.ts_ns).swap_outs += static_cast<uint64_t>(s.swap_pages - last_swap_pages_);
  }
  last_swap_pages_ = s.swap_pages;
}

void TimelineBuilder::on_lru_shrink(const ps_lru_shrink& l) {
  TimelineRow& row = row_at(l.hdr.ts_ns);
  row.reclaim_scanned += l.nr_scanned;
  row.reclaim_reclaimed += l.nr_reclaimed;
}

void TimelineBuilder::on_reclaim(const ps_reclaim& r) {
  TimelineRow& row = row_at(r.hdr.ts_ns);
  if (r.what == PS_RECLAIM_KSWAPD_WAKE) row.kswapd_wakes++;
  if (!ours(r.hdr)) return;
  if (r.what == PS_RECLAIM_DIRECT_END) row.direct_stall_ms += static_cast<double>(r.duration_ns) / 1e6;
  if (r.what == PS_RECLAIM_MEMCG_END) row.memcg_stall_ms += static_cast<double>(r.duration_ns) / 1e6;
}

void TimelineBuilder::on_tlb_flush(const ps_tlb_flush& t) {
  if (!ours(t.hdr)) return;
  if (t.reason < 5) row_at(t.hdr.ts_ns).tlb_flushes[t.reason]++;
}

void TimelineBuilder::on_oom_victim(const ps_oom_victim& o) { row_at(o.hdr.ts_ns).oom_kills++; }

Table TimelineBuilder::table() const {
  std::vector<std::string> columns{"TIME", "MINFLT", "MAJFLT", "SWAPOUT", "FILEWB", "SCANNED", "RECLAIMED",
                                   "DIRECT_STALL_MS", "MEMCG_STALL_MS", "KSWAPD_WAKES", "TLB_SWITCH", "TLB_REMOTE",
                                   "TLB_LOCAL", "TLB_LOCAL_MM", "TLB_IPI", "PSI_SOME_MS", "PSI_FULL_MS", "OOM"};
  // Per process: its working set per interval, its refaults, and the verdict.
  if (pid_) columns.insert(columns.end(), {"PAGES", "REFAULTS", "THRASHING<"});
  Table t(columns);
  for (const auto& r : rows()) {
    std::vector<Cell> row{Cell::real(double(r.start_ns) / 1e9, 3), Cell::count(r.minor_faults),
                          Cell::count(r.major_faults), Cell::count(r.swap_outs), Cell::count(r.file_writebacks),
                          Cell::count(r.reclaim_scanned), Cell::count(r.reclaim_reclaimed),
                          Cell::real(r.direct_stall_ms, 2), Cell::real(r.memcg_stall_ms, 2),
                          Cell::count(r.kswapd_wakes), Cell::count(r.tlb_flushes[0]), Cell::count(r.tlb_flushes[1]),
                          Cell::count(r.tlb_flushes[2]), Cell::count(r.tlb_flushes[3]), Cell::count(r.tlb_flushes[4]),
                          Cell::real(r.psi_some_ms, 1), Cell::real(r.psi_full_ms, 1), Cell::count(r.oom_kills)};
    if (pid_) {
      row.push_back(Cell::count(r.pages));
      row.push_back(Cell::count(r.refaults));
      row.push_back(Cell::text(thrashing(r) ? "yes" : "no"));
    }
    t.add_row(std::move(row));
  }
  return t;
}

Table TimelineBuilder::table(SourceNotes& notes) const {
  using capture::Source;
  Table t = table();
  notes.mark(t, "MINFLT", {Source::kFaultKinds});  // without kinds, a minor count would hold the majors too
  notes.mark(t, "MAJFLT", {Source::kFaultKinds});
  // Per process, swap-outs are its swap-entry count growing; system-wide, reclaim's anon writes.
  notes.mark(t, "SWAPOUT", {pid_ ? Source::kSwapEntries : Source::kReclaimWrites});
  notes.mark(t, "FILEWB", {Source::kReclaimWrites});
  notes.mark(t, "SCANNED", {Source::kLruShrink});
  notes.mark(t, "RECLAIMED", {Source::kLruShrink});
  for (const char* c : {"DIRECT_STALL_MS", "MEMCG_STALL_MS", "KSWAPD_WAKES"}) notes.mark(t, c, {Source::kReclaim});
  for (const char* c : {"TLB_SWITCH", "TLB_REMOTE", "TLB_LOCAL", "TLB_LOCAL_MM", "TLB_IPI"}) {
    notes.mark(t, c, {Source::kTlbFlushes});
  }
  notes.mark(t, "PSI_SOME_MS", {Source::kSystemCounters});
  notes.mark(t, "PSI_FULL_MS", {Source::kSystemCounters});
  notes.mark(t, "OOM", {Source::kOom});
  if (pid_) {
    notes.mark(t, "PAGES", {Source::kFaults});
    notes.mark(t, "REFAULTS", {Source::kFaultKinds});
    notes.mark(t, "THRASHING", {Source::kFaultKinds});
  }
  return t;
}

}  // namespace pagescope::model
