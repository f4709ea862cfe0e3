#include "inspector/model/kernel_memory.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "common/units.h"
#include "inspector/model/system_memory.h"

namespace pagescope::model {

using capture::Source;
using capture::SourceState;

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t' || line[at] == ',')) ++at;
    size_t end = at;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != ',') ++end;
    if (end > at) out.emplace_back(line.substr(at, end - at));
    at = end;
  }
  return out;
}

bool to_u64(const std::string& s, uint64_t& v) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  char* end = nullptr;
  v = std::strtoull(s.c_str(), &end, 10);
  return end && *end == '\0';
}

// enum compact_result's COMPACT_SUCCESS is not needed: the kernel's own
// compact_success/compact_fail in /proc/vmstat say it, and the enum's values
// moved between releases (COMPACT_NOT_SUITABLE_ZONE was added in 5.x).

Cell index_cell(int thousandths) { return Cell::real(thousandths / 1000.0, 3); }

// Whether numbers of `s` are measurements, marking `columns` "-" when not. A
// source the capture says nothing about (a capture older than format 1.5)
// counts as absent unless its records are there; SourceNotes words the note
// for unavailable and not-requested ones.
bool measured(Table& t, std::initializer_list<std::string_view> columns, Source s, bool has_data,
              SourceNotes& notes, std::vector<std::string>& missing) {
  if (has_data) return true;
  const SourceState st = notes.sources().state(s);
  if (st == SourceState::kOn) return true;
  for (auto c : columns) {
    if (st == SourceState::kUnknown)
      t.set_not_measured(c);
    else
      notes.mark(t, c, {s});
  }
  if (st == SourceState::kUnknown) {
    std::string note = std::string("no ") + capture::source_what(s) +
                       ": the capture does not say it was recorded (written before format 1.5)";
    if (std::find(missing.begin(), missing.end(), note) == missing.end()) missing.push_back(note);
  }
  return false;
}

}  // namespace

std::vector<ZoneFreeBlocks> parse_buddyinfo(std::string_view text) {
  std::vector<ZoneFreeBlocks> out;
  for (auto line : lines_of(text)) {
    auto w = words_of(line);
    // Node 0 zone DMA32 c0 c1 ...
    if (w.size() < 5 || w[0] != "Node" || w[2] != "zone") continue;
    ZoneFreeBlocks z;
    uint64_t node = 0;
    if (!to_u64(w[1], node)) continue;
    z.node = int(node);
    z.zone = w[3];
    bool ok = true;
    for (size_t i = 4; i < w.size(); ++i) {
      uint64_t v = 0;
      ok = ok && to_u64(w[i], v);
      z.free.push_back(v);
    }
    if (ok) out.push_back(std::move(z));
  }
  return out;
}

std::optional<unsigned> parse_pageblock_order(std::string_view text) {
  for (auto line : lines_of(text)) {
    const std::string_view key = "Page block order:";
    if (line.substr(0, key.size()) != key) continue;
    auto w = words_of(line.substr(key.size()));
    uint64_t v = 0;
    if (!w.empty() && to_u64(w[0], v) && v < 64) return unsigned(v);
  }
  return std::nullopt;
}

// fill_contig_page_info() of mm/vmstat.c.
ContigPageInfo contig_page_info(const std::vector<uint64_t>& free, unsigned order) {
  ContigPageInfo info;
  for (unsigned o = 0; o < free.size(); ++o) {
    const uint64_t blocks = free[o];
    info.free_blocks_total += blocks;
    info.free_pages += blocks << o;
    if (o >= order) info.free_blocks_suitable += blocks << (o - order);
  }
  return info;
}

// unusable_free_index() of mm/vmstat.c.
int unusable_free_index(unsigned order, const ContigPageInfo& info) {
  // No free memory is interpreted as all free memory is unusable.
  if (info.free_pages == 0) return 1000;
  return int(((info.free_pages - (info.free_blocks_suitable << order)) * 1000ull) /
             info.free_pages);
}

// __fragmentation_index() of mm/vmstat.c.
int fragmentation_index(unsigned order, const ContigPageInfo& info) {
  const uint64_t requested = uint64_t(1) << order;
  if (!info.free_blocks_total) return 0;
  // Fragmentation index only makes sense when a request would fail.
  if (info.free_blocks_suitable) return -1000;
  return int(1000 - ((1000 + (info.free_pages * 1000ull / requested)) / info.free_blocks_total));
}

std::vector<SlabCache> parse_slabinfo(std::string_view text) {
  std::vector<SlabCache> out;
  for (auto line : lines_of(text)) {
    if (line.empty() || line[0] == '#' || line.substr(0, 8) == "slabinfo") continue;
    auto w = words_of(line);
    // name active num objsize objperslab pagesperslab : tunables l b s : slabdata active num shared
    if (w.size() < 16 || w[6] != ":" || w[11] != ":") continue;
    SlabCache c;
    c.name = w[0];
    uint64_t objperslab = 0, active_slabs = 0;
    if (!to_u64(w[1], c.active_objs) || !to_u64(w[2], c.num_objs) || !to_u64(w[3], c.objsize) ||
        !to_u64(w[4], objperslab) || !to_u64(w[5], c.pages_per_slab) ||
        !to_u64(w[13], active_slabs) || !to_u64(w[14], c.num_slabs)) {
      continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

int KernelMemory::orders() const {
  size_t n = kMinOrders;
  for (const auto& z : zones_) n = std::max(n, z.orders.size());
  return int(n);
}

void KernelMemory::add_buddyinfo(std::string_view text) {
  auto parsed = parse_buddyinfo(text);
  if (parsed.empty()) return;
  const bool first = buddy_samples_++ == 0;
  for (const auto& z : parsed) {
    auto it = std::find_if(zones_.begin(), zones_.end(),
                           [&](const Zone& k) { return k.node == z.node && k.name == z.zone; });
    if (it == zones_.end()) {
      zones_.push_back(Zone{z.node, z.zone, {}});
      it = zones_.end() - 1;
    }
    const bool zone_first = it->orders.empty();
    if (it->orders.size() < z.free.size()) it->orders.resize(z.free.size());
    for (unsigned o = 0; o < z.free.size(); ++o) {
      ZoneOrder& zo = it->orders[o];
      const ContigPageInfo info = contig_page_info(z.free, o);
      const int unusable = unusable_free_index(o, info);
      const int frag = fragmentation_index(o, info);
      if (first || zone_first) {
        zo.free_start = z.free[o];
        zo.unusable_start = unusable;
        zo.frag_start = frag;
        zo.unusable_worst = unusable;
        zo.frag_worst = frag;
      }
      zo.free_end = z.free[o];
      zo.unusable_end = unusable;
      zo.frag_end = frag;
      zo.unusable_worst = std::max(zo.unusable_worst, unusable);
      zo.frag_worst = std::max(zo.frag_worst, frag);
    }
  }
}

void KernelMemory::on_proc_file(const ps_proc_file& r, std::string_view text) {
  // System samples have pid 0; only the status snapshots are per process.
  if (r.hdr.pid != 0 && r.which != PS_PROC_STATUS) return;
  switch (r.which) {
    case PS_PROC_BUDDYINFO:
      add_buddyinfo(text);
      break;
    case PS_PROC_PAGETYPEINFO:
      if (auto o = parse_pageblock_order(text)) pageblock_order_ = o;
      break;
    case PS_PROC_SLABINFO: {
      auto caches = parse_slabinfo(text);
      if (caches.empty()) break;
      if (slab_samples_++ == 0) slab_start_ = caches;
      slab_end_ = std::move(caches);
      break;
    }
    case PS_PROC_MEMINFO: {
      for (const char* key : {"PageTables", "SecPageTables", "Slab", "SReclaimable", "SUnreclaim",
                              "KernelStack", "VmallocUsed", "Percpu"}) {
        auto v = meminfo_value(text, key);
        if (!v) continue;
        MeminfoItem& m = meminfo_[key];
        if (!m.seen) m.start = m.max = *v;
        m.seen = true;
        m.end = *v;
        m.max = std::max(m.max, *v);
      }
      break;
    }
    case PS_PROC_VMSTAT: {
      if (!first_ns_) first_ns_ = r.hdr.ts_ns;
      last_ns_ = r.hdr.ts_ns;
      const bool first = vmstat_first_.empty();
      for (auto line : lines_of(text)) {
        auto w = words_of(line);
        uint64_t v = 0;
        if (w.size() != 2 || !to_u64(w[1], v)) continue;
        if (w[0].rfind("pgalloc_", 0) != 0 && w[0].rfind("compact_", 0) != 0) continue;
        if (first) vmstat_first_[w[0]] = v;
        vmstat_last_[w[0]] = v;
      }
      break;
    }
    case PS_PROC_STATUS: {
      std::optional<uint64_t> pte = meminfo_value(text, "VmPTE");
      if (!pte) break;  // kernel threads, or a kernel before 2.6.? without VmPTE
      auto [it, fresh] = pte_.try_emplace(r.hdr.pid);
      ProcessPte& p = it->second;
      if (fresh) p.first = p.max = *pte;
      p.last = *pte;
      p.max = std::max(p.max, *pte);
      for (auto line : lines_of(text)) {
        if (line.substr(0, 5) == "Name:") {
          auto w = words_of(line.substr(5));
          if (!w.empty()) p.comm = w[0];
          break;
        }
      }
      break;
    }
    default:
      break;
  }
}

void KernelMemory::on_compaction(const ps_compaction& r) {
  ++compaction_records_;
  CompactionOrder& c = compaction_[std::max(-1, std::min(r.order, PS_ORDER_SLOTS - 1))];
  const auto task = std::make_pair(r.hdr.pid, r.hdr.tid);
  switch (r.what) {
    case PS_COMPACT_BEGIN:
      ++c.begins;
      ++open_begins_[task];
      break;
    case PS_COMPACT_END: {
      ++c.ends;
      auto it = open_begins_.find(task);
      if (it == open_begins_.end() || it->second == 0)
        ++totals_.unmatched_ends;
      else
        --it->second;
      if (r.flags & PS_COMPACT_DIRECT) {
        ++c.direct_ends;
        c.direct_stall_ns += r.duration_ns;
        c.direct_stall_max_ns = std::max<uint64_t>(c.direct_stall_max_ns, r.duration_ns);
        ++totals_.direct;
      } else if (r.flags & PS_COMPACT_PROACTIVE) {
        ++totals_.proactive;
      } else if (r.order < 0) {
        ++totals_.manual;  // compact_memory or a node's sysfs compact: order -1, not proactive
      } else {
        ++totals_.kcompactd;
      }
      totals_.migrate_scanned += r.migrate_scanned;
      totals_.free_scanned += r.free_scanned;
      break;
    }
    case PS_COMPACT_TRY:
      ++c.tries;
      break;
    default:
      break;
  }
}

void KernelMemory::on_order_counts(const ps_order_counts& r) {
  if (!first_counts_) first_counts_ = r;
  last_counts_ = r;
}

std::optional<uint64_t> KernelMemory::vmstat_delta(std::string_view key) const {
  auto a = vmstat_first_.find(key);
  auto b = vmstat_last_.find(key);
  if (a == vmstat_first_.end() || b == vmstat_last_.end() || b->second < a->second)
    return std::nullopt;
  return b->second - a->second;
}

std::optional<uint64_t> KernelMemory::pgalloc_delta() const {
  uint64_t sum = 0;
  bool any = false;
  for (const auto& [key, v] : vmstat_first_) {
    if (key.rfind("pgalloc_", 0) != 0) continue;
    auto d = vmstat_delta(key);
    if (!d) return std::nullopt;
    sum += *d;
    any = true;
  }
  if (!any) return std::nullopt;
  return sum;
}

// ---- Tables ------------------------------------------------------------------

KernelTables fragmentation_tables(const KernelMemory& km, SourceNotes& notes) {
  KernelTables out;
  const int orders = km.orders();

  Table zones({"NODE", "ZONE<", "ORDER", "FREE_START", "FREE_END", "UNUSABLE_START", "UNUSABLE_END",
               "UNUSABLE_WORST", "FRAGINDEX_START", "FRAGINDEX_END", "FRAGINDEX_WORST"});
  for (const auto& z : km.zones()) {
    for (int o = 0; o < int(z.orders.size()); ++o) {
      const auto& zo = z.orders[size_t(o)];
      zones.add_row({Cell::count(uint64_t(z.node)), Cell::text(z.name), Cell::count(uint64_t(o)),
                     Cell::count(zo.free_start), Cell::count(zo.free_end),
                     index_cell(zo.unusable_start), index_cell(zo.unusable_end),
                     index_cell(zo.unusable_worst), index_cell(zo.frag_start),
                     index_cell(zo.frag_end), index_cell(zo.frag_worst)});
    }
  }
  if (!measured(zones,
                {"FREE_START", "FREE_END", "UNUSABLE_START", "UNUSABLE_END", "UNUSABLE_WORST",
                 "FRAGINDEX_START", "FRAGINDEX_END", "FRAGINDEX_WORST"},
                Source::kBuddyinfo, km.buddyinfo_samples() > 0, notes, out.missing)) {
    // No samples: one row per order, every number "-".
    for (int o = 0; o < orders; ++o) {
      zones.add_row({Cell::missing(), Cell::missing(), Cell::count(uint64_t(o)), Cell::missing(),
                     Cell::missing(), Cell::missing(), Cell::missing(), Cell::missing(),
                     Cell::missing(), Cell::missing(), Cell::missing()});
    }
  }
  out.tables.push_back(
      {"fragmentation_zones",
       "free blocks and fragmentation indices per zone and order (mm/vmstat.c: "
       "unusable_free_index, __fragmentation_index; -1.000: an allocation of that order "
       "would succeed)",
       std::move(zones),
       {}});

  // Per order: fallbacks and compaction.
  Table events({"ORDER<", "EXTFRAG", "EXTFRAG_TAKEN", "FRAGMENTING<", "COMPACT_BEGIN",
                "COMPACT_END", "DIRECT_TRIES", "DIRECT_COMPACT", "DIRECT_STALL_S",
                "DIRECT_STALL_MAX_S"});
  const auto& first = km.first_counts();
  const auto& last = km.last_counts();
  const bool extfrag_data = first && last && (last->flags & PS_ORDER_EXTFRAG);
  const auto pb = km.pageblock_order();
  auto row = [&](int order) {
    const auto it = km.compaction().find(order);
    const KernelMemory::CompactionOrder c =
        it == km.compaction().end() ? KernelMemory::CompactionOrder{} : it->second;
    std::vector<Cell> cells;
    cells.push_back(Cell::text(order < 0 ? "whole" : std::to_string(order)));
    if (order >= 0 && order < PS_ORDER_SLOTS && extfrag_data) {
      cells.push_back(Cell::count(last->extfrag_by_alloc[order] - first->extfrag_by_alloc[order]));
      cells.push_back(
          Cell::count(last->extfrag_by_fallback[order] - first->extfrag_by_fallback[order]));
    } else {
      cells.push_back(Cell::missing());
      cells.push_back(Cell::missing());
    }
    // mm_page_alloc_extfrag's "fragmenting": the block taken is smaller than a pageblock.
    cells.push_back(order >= 0 && pb ? Cell::text(unsigned(order) < *pb ? "yes" : "no")
                                     : Cell::missing());
    cells.push_back(Cell::count(c.begins));
    cells.push_back(Cell::count(c.ends));
    cells.push_back(Cell::count(c.tries));
    cells.push_back(Cell::count(c.direct_ends));
    cells.push_back(Cell::real(double(c.direct_stall_ns) / 1e9, 6));
    cells.push_back(Cell::real(double(c.direct_stall_max_ns) / 1e9, 6));
    events.add_row(std::move(cells));
  };
  if (km.compaction().count(-1)) row(-1);
  for (int o = 0; o < orders; ++o) row(o);
  measured(events, {"EXTFRAG", "EXTFRAG_TAKEN"}, Source::kExtfrag, extfrag_data, notes,
           out.missing);
  measured(events, {"FRAGMENTING"}, Source::kBuddyinfo, pb.has_value(), notes, out.missing);
  const bool compaction =
      measured(events,
               {"COMPACT_BEGIN", "COMPACT_END", "DIRECT_TRIES", "DIRECT_COMPACT", "DIRECT_STALL_S",
                "DIRECT_STALL_MAX_S"},
               Source::kCompaction, km.compaction_records() > 0, notes, out.missing);
  out.tables.push_back({"fragmentation_orders",
                        "per order: migrate-type fallbacks (mm_page_alloc_extfrag) and compaction",
                        std::move(events),
                        {}});
  std::vector<std::string>& summary = out.tables.back().summary;

  auto vm = [&](const char* key) {
    auto d = km.vmstat_delta(key);
    return d ? std::to_string(*d) : std::string("-");
  };
  if (compaction) {
    const auto& t = km.compaction_totals();
    uint64_t stall = 0, tries = 0;
    for (const auto& [o, c] : km.compaction()) {
      stall += c.direct_stall_ns;
      tries += c.tries;
    }
    summary.push_back(
        "compaction: zone passes " +
        std::to_string(t.direct + t.kcompactd + t.manual + t.proactive) + " (direct " +
        std::to_string(t.direct) + ", kcompactd " + std::to_string(t.kcompactd) +
        ", compact_memory " + std::to_string(t.manual) + ", proactive " +
        std::to_string(t.proactive) + "), direct stall " + format_seconds(stall) +
        " s, pages scanned " + std::to_string(t.migrate_scanned) + " migrate / " +
        std::to_string(t.free_scanned) + " free" +
        (t.unmatched_ends ? ", " + std::to_string(t.unmatched_ends) + " ends without their begin"
                          : ""));
    summary.push_back("  /proc/vmstat over the capture: compact_stall " + vm("compact_stall") +
                      " (direct tries recorded: " + std::to_string(tries) + "), compact_success " +
                      vm("compact_success") + ", compact_fail " + vm("compact_fail") +
                      ", compact_daemon_wake " + vm("compact_daemon_wake"));
  }
  if (pb)
    summary.push_back("pageblock order " + std::to_string(*pb) + " (" + std::to_string(1u << *pb) +
                      " pages): a fallback taking a smaller block is fragmenting");
  return out;
}

KernelTables kernel_memory_tables(const KernelMemory& km, SourceNotes& notes, uint64_t page_size,
                                  size_t top) {
  KernelTables out;
  if (page_size == 0) page_size = 4096;

  // Slab caches by growth between the first and the last slabinfo sample.
  Table slab({"CACHE<", "OBJSIZE", "OBJS_START", "OBJS_END", "ACTIVE_END", "BYTES_START",
              "BYTES_END", "GROWTH"});
  struct Row {
    const SlabCache* start;
    const SlabCache* end;
    int64_t growth;
  };
  std::vector<Row> rows;
  std::map<std::string, const SlabCache*> start;
  for (const auto& c : km.slab_start()) start[c.name] = &c;
  auto bytes_of = [&](const SlabCache* c) {
    return c ? c->num_slabs * c->pages_per_slab * page_size : 0;
  };
  for (const auto& c : km.slab_end()) {
    auto it = start.find(c.name);
    const SlabCache* s = it == start.end() ? nullptr : it->second;
    rows.push_back({s, &c, int64_t(bytes_of(&c)) - int64_t(bytes_of(s))});
  }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.growth != b.growth) return a.growth > b.growth;
    return a.end->num_slabs * a.end->pages_per_slab > b.end->num_slabs * b.end->pages_per_slab;
  });
  if (rows.size() > top) rows.resize(top);
  for (const Row& r : rows) {
    slab.add_row({Cell::text(r.end->name), Cell::count(r.end->objsize),
                  r.start ? Cell::count(r.start->num_objs) : Cell::missing(),
                  Cell::count(r.end->num_objs), Cell::count(r.end->active_objs),
                  r.start ? Cell::bytes(bytes_of(r.start)) : Cell::missing(),
                  Cell::bytes(bytes_of(r.end)),
                  Cell::bytes(uint64_t(r.growth < 0 ? -r.growth : r.growth), r.growth < 0)});
  }
  measured(
      slab,
      {"OBJSIZE", "OBJS_START", "OBJS_END", "ACTIVE_END", "BYTES_START", "BYTES_END", "GROWTH"},
      Source::kSlabinfo, km.slabinfo_samples() > 0, notes, out.missing);
  out.tables.push_back(
      {"slab_caches",
       "slab caches, top by growth between the first and last /proc/slabinfo sample",
       std::move(slab),
       {}});

  // Page allocations by order, counted in the kernel.
  Table allocs({"ORDER", "ALLOCS", "PAGES", "ALLOCS_PER_S"});
  const auto& first = km.first_counts();
  const auto& last = km.last_counts();
  const bool alloc_data = first && last && (last->flags & PS_ORDER_ALLOCS);
  const double seconds = alloc_data && last->hdr.ts_ns > first->hdr.ts_ns
                             ? double(last->hdr.ts_ns - first->hdr.ts_ns) / 1e9
                             : 0;
  uint64_t pages_total = 0;
  for (int o = 0; o < km.orders() && o < PS_ORDER_SLOTS; ++o) {
    if (!alloc_data) {
      allocs.add_row({Cell::count(uint64_t(o)), Cell::missing(), Cell::missing(), Cell::missing()});
      continue;
    }
    const uint64_t n = last->page_allocs[o] - first->page_allocs[o];
    pages_total += n << o;
    allocs.add_row({Cell::count(uint64_t(o)), Cell::count(n), Cell::count(n << o),
                    seconds > 0 ? Cell::real(double(n) / seconds, 1) : Cell::missing()});
  }
  std::vector<std::string> alloc_summary;
  if (measured(allocs, {"ALLOCS", "PAGES", "ALLOCS_PER_S"}, Source::kPageAllocs, alloc_data, notes,
               out.missing)) {
    auto pg = km.pgalloc_delta();
    alloc_summary.push_back(
        "page allocations counted in the kernel: " + std::to_string(pages_total) + " pages over " +
        format_seconds(uint64_t(seconds * 1e9)) +
        " s; /proc/vmstat pgalloc_* over the same samples: " +
        (pg ? std::to_string(*pg) : std::string("-")) + " pages");
  }
  out.tables.push_back({"page_allocs",
                        "page allocations by order (counted in the kernel, tp_btf/mm_page_alloc)",
                        std::move(allocs), std::move(alloc_summary)});

  // Kernel memory from meminfo: page tables first.
  Table mem({"ITEM<", "START", "END", "MAX"});
  for (const char* key : {"PageTables", "SecPageTables", "Slab", "SReclaimable", "SUnreclaim",
                          "KernelStack", "VmallocUsed", "Percpu"}) {
    auto it = km.meminfo().find(key);
    if (it == km.meminfo().end()) {
      mem.add_row({Cell::text(key), Cell::missing(), Cell::missing(), Cell::missing()});
    } else {
      mem.add_row({Cell::text(key), Cell::bytes(it->second.start), Cell::bytes(it->second.end),
                   Cell::bytes(it->second.max)});
    }
  }
  notes.mark(mem, "START", {Source::kSystemCounters});
  notes.mark(mem, "END", {Source::kSystemCounters});
  notes.mark(mem, "MAX", {Source::kSystemCounters});
  out.tables.push_back(
      {"meminfo", "kernel memory from /proc/meminfo (page tables first)", std::move(mem), {}});

  // Per process page tables (VmPTE of the status snapshots).
  Table pte({"PID", "COMM<", "VMPTE_FIRST", "VMPTE_LAST", "VMPTE_MAX"});
  std::vector<std::pair<uint32_t, const KernelMemory::ProcessPte*>> procs;
  for (const auto& [pid, p] : km.page_tables()) procs.emplace_back(pid, &p);
  std::stable_sort(procs.begin(), procs.end(),
                   [](const auto& a, const auto& b) { return a.second->max > b.second->max; });
  if (procs.size() > top) procs.resize(top);
  for (const auto& [pid, p] : procs) {
    pte.add_row({Cell::count(pid), Cell::text(p->comm), Cell::bytes(p->first), Cell::bytes(p->last),
                 Cell::bytes(p->max)});
  }
  notes.mark(pte, "VMPTE_FIRST", {Source::kMapsSnapshots});
  notes.mark(pte, "VMPTE_LAST", {Source::kMapsSnapshots});
  notes.mark(pte, "VMPTE_MAX", {Source::kMapsSnapshots});
  out.tables.push_back(
      {"page_tables",
       "page tables per process (VmPTE of /proc/PID/status snapshots), top by maximum",
       std::move(pte),
       {}});
  return out;
}

}  // namespace pagescope::model
