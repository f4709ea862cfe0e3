#include "inspector/model/system_wss_table.h"

#include <algorithm>
#include <string>

namespace pagescope::model {

using capture::Source;

namespace {

Cell rel_cell(uint64_t ts, uint64_t zero) { return Cell::real(ts >= zero ? double(ts - zero) / 1e9 : 0.0, 3); }
Cell seconds_cell(uint64_t ns) { return Cell::real(double(ns) / 1e9, 3); }
Cell percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return Cell::missing();
  return Cell::real(100.0 * double(part) / double(whole), 1);
}

}  // namespace

void mark_wss_columns(Table& t, SourceNotes& notes) {
  notes.mark(t, "FAULT_PAGES", {Source::kFaults});
  notes.mark(t, "BIT_PAGES", {Source::kAccessBits});
  if (!notes.measured(Source::kFaults) && !notes.measured(Source::kAccessBits)) {
    for (const char* c : {"PAGES", "BYTES"}) t.set_not_measured(c);
  }
}

Table system_wss_table(const WindowedWorkingSet& w, const SystemMemory& mem, uint64_t last_ts, uint64_t zero,
                       uint64_t page_size, SourceNotes& notes) {
  Table t({"TAU", "T", "PROCS", "PAGES", "BYTES", "FAULT_PAGES", "BIT_PAGES", "SOURCE<",
               "MEM_TOTAL", "PCT_RAM", "MEMCG_USAGE", "MEMCG_LIMIT", "PCT_LIMIT"});
  for (size_t ti = 0; ti < w.tau_count(); ++ti) {
    const std::vector<SystemWssWindow> sys = w.system(ti);
    const size_t last = w.window_of(ti, last_ts);
    std::vector<size_t> present;
    for (const SystemWssWindow& x : sys) present.push_back(x.index);
    size_t i = 0;
    for_each_window(0, last, present, [&](size_t k) {
      while (i < sys.size() && sys[i].index < k) ++i;
      SystemWssWindow none;
      const SystemWssWindow& x = i < sys.size() && sys[i].index == k ? sys[i] : none;
      const uint64_t end = k == last ? std::min(w.window_end(ti, k), std::max(last_ts, zero))
                                     : w.window_end(ti, k);
      const uint64_t bytes = x.pages * page_size;
      const std::string source = x.sampled == 0 ? "faults"
                                 : x.sampled >= x.processes
                                     ? "faults+access-bits"
                                     : "mixed(" + std::to_string(x.sampled) + "/" + std::to_string(x.processes) +
                                           " sampled)";
      auto ram = mem.meminfo_at(end);
      auto cg = mem.memcg_at(end);
      t.add_row({seconds_cell(w.tau(ti)), rel_cell(end, zero), Cell::count(x.processes), Cell::count(x.pages),
                 Cell::count(bytes), Cell::count(x.fault_pages), Cell::count(x.bit_pages), Cell::text(source),
                 ram ? Cell::count(ram->mem_total) : Cell::missing(),
                 ram ? percent(bytes, ram->mem_total) : Cell::missing(),
                 cg ? Cell::count(cg->usage) : Cell::missing(),
                 cg ? (cg->limit ? Cell::count(cg->limit) : Cell::text("max")) : Cell::missing(),
                 cg && cg->limit ? percent(bytes, cg->limit) : Cell::missing()});
    });
  }
  mark_wss_columns(t, notes);
  for (const char* c : {"MEM_TOTAL", "PCT_RAM", "MEMCG_USAGE", "MEMCG_LIMIT", "PCT_LIMIT"}) {
    notes.mark(t, c, {Source::kSystemCounters});
  }
  return t;
}

}  // namespace pagescope::model
