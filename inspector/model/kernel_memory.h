// Fragmentation and kernel memory over a capture (issue 15, items 4 and 5),
// derived on read from what the recorder stored: /proc/buddyinfo,
// pagetypeinfo, slabinfo, meminfo and PID/status samples, compaction records
// and the in-kernel per-order counters (ps_order_counts). `inspect
// --fragmentation` and `--kernel-memory` print its tables.
//
// The fragmentation indices are the kernel's own, per zone and order, from
// mm/vmstat.c (fill_contig_page_info, unusable_free_index,
// __fragmentation_index; the files debugfs shows as extfrag/unusable_index and
// extfrag/extfrag_index), computed here from buddyinfo's free-block counts so
// that neither debugfs nor root is needed on the host that reads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/table.h"
#include "events.h"
#include "inspector/model/record_visitor.h"
#include "inspector/model/source_notes.h"

namespace pagescope::model {

// ---- Fragmentation indices (mm/vmstat.c) ------------------------------------

// One "Node N, zone NAME c0 c1 ..." line of /proc/buddyinfo: free blocks per order.
struct ZoneFreeBlocks {
  int node = 0;
  std::string zone;
  std::vector<uint64_t> free;  // free[order] = blocks of 2^order pages
};
std::vector<ZoneFreeBlocks> parse_buddyinfo(std::string_view text);
// "Page block order: 9" of /proc/pagetypeinfo.
std::optional<unsigned> parse_pageblock_order(std::string_view text);

// struct contig_page_info of mm/vmstat.c, as fill_contig_page_info() fills it.
struct ContigPageInfo {
  uint64_t free_pages = 0;
  uint64_t free_blocks_total = 0;
  uint64_t free_blocks_suitable = 0;  // blocks of `order` the free blocks could serve
};
ContigPageInfo contig_page_info(const std::vector<uint64_t>& free, unsigned order);
// In thousandths, as the kernel returns them (it prints x.xxx):
// unusable_free_index(): the share of free memory unusable for an
// allocation of `order` (0 none, 1000 all);
int unusable_free_index(unsigned order, const ContigPageInfo& info);
// __fragmentation_index(): why an allocation of `order` would fail, towards
// 0 lack of memory, towards 1000 fragmentation; -1000 when it would succeed
// (a suitable block is free), 0 when nothing is free.
int fragmentation_index(unsigned order, const ContigPageInfo& info);

// ---- Slab caches -------------------------------------------------------------

// One cache line of /proc/slabinfo (version 2.1).
struct SlabCache {
  std::string name;
  uint64_t active_objs = 0;
  uint64_t num_objs = 0;
  uint64_t objsize = 0;
  uint64_t pages_per_slab = 0;
  uint64_t num_slabs = 0;
};
std::vector<SlabCache> parse_slabinfo(std::string_view text);

// ---- What the capture holds ---------------------------------------------------

class KernelMemory : public RecordVisitor<KernelMemory> {
 public:
  // Orders shown: 0 .. kOrders - 1 (x86-64's MAX_PAGE_ORDER is 10; wider
  // buddyinfo lines widen the tables).
  static constexpr int kMinOrders = 11;

  void apply(const ps_header& h) { visit(h); }

  // Per zone and order over the buddyinfo samples.
  struct ZoneOrder {
    uint64_t free_start = 0, free_end = 0;
    int unusable_start = 0, unusable_end = 0, unusable_worst = 0;
    int frag_start = 0, frag_end = 0, frag_worst = -1000;
  };
  struct Zone {
    int node = 0;
    std::string name;
    std::vector<ZoneOrder> orders;
  };
  // Compaction per cc->order (-1: whole zone), and direct attempts per order.
  struct CompactionOrder {
    uint64_t begins = 0, ends = 0, success = 0;
    uint64_t direct_ends = 0, direct_stall_ns = 0, direct_stall_max_ns = 0;
    uint64_t tries = 0;  // try_to_compact_pages: direct compaction entered
  };
  struct CompactionTotals {
    uint64_t direct = 0, kcompactd = 0, manual = 0, proactive = 0;  // zone passes by trigger (ends)
    uint64_t unmatched_ends = 0;  // an END without its BEGIN in the capture
    uint64_t migrate_scanned = 0, free_scanned = 0;
  };
  struct MeminfoItem {
    uint64_t start = 0, end = 0, max = 0;  // bytes
    bool seen = false;
  };
  struct ProcessPte {
    std::string comm;
    uint64_t first = 0, last = 0, max = 0;  // bytes (VmPTE)
  };

  uint64_t buddyinfo_samples() const { return buddy_samples_; }
  uint64_t slabinfo_samples() const { return slab_samples_; }
  uint64_t compaction_records() const { return compaction_records_; }
  const std::vector<Zone>& zones() const { return zones_; }
  std::optional<unsigned> pageblock_order() const { return pageblock_order_; }
  const std::map<int, CompactionOrder>& compaction() const { return compaction_; }
  const CompactionTotals& compaction_totals() const { return totals_; }
  const std::optional<ps_order_counts>& first_counts() const { return first_counts_; }
  const std::optional<ps_order_counts>& last_counts() const { return last_counts_; }
  const std::vector<SlabCache>& slab_start() const { return slab_start_; }
  const std::vector<SlabCache>& slab_end() const { return slab_end_; }
  const std::map<std::string, MeminfoItem>& meminfo() const { return meminfo_; }
  const std::map<uint32_t, ProcessPte>& page_tables() const { return pte_; }
  // /proc/vmstat counters at the first and last sample (empty without samples).
  std::optional<uint64_t> vmstat_delta(std::string_view key) const;
  // Sum of the pgalloc_* deltas (pages), if vmstat was sampled twice.
  std::optional<uint64_t> pgalloc_delta() const;
  uint64_t first_sample_ns() const { return first_ns_; }
  uint64_t last_sample_ns() const { return last_ns_; }
  int orders() const;

  // Handlers (RecordVisitor).
  void on_proc_file(const ps_proc_file& r, std::string_view text);
  void on_compaction(const ps_compaction& r);
  void on_order_counts(const ps_order_counts& r);

 private:
  void add_buddyinfo(std::string_view text);

  uint64_t buddy_samples_ = 0, slab_samples_ = 0, compaction_records_ = 0;
  uint64_t first_ns_ = 0, last_ns_ = 0;
  std::vector<Zone> zones_;
  std::optional<unsigned> pageblock_order_;
  std::map<int, CompactionOrder> compaction_;
  CompactionTotals totals_;
  std::map<std::pair<uint32_t, uint32_t>, uint64_t> open_begins_;  // (pid, tid) -> count
  std::optional<ps_order_counts> first_counts_, last_counts_;
  std::vector<SlabCache> slab_start_, slab_end_;
  std::map<std::string, MeminfoItem> meminfo_;
  std::map<uint32_t, ProcessPte> pte_;
  std::map<std::string, uint64_t, std::less<>> vmstat_first_, vmstat_last_;
};

// ---- Tables ------------------------------------------------------------------

// Each table marks the columns whose source the capture lacks as "-" and adds
// to `missing` one line per such source that SourceNotes would not word
// (captures older than format 1.5 do not say: their new sources count as absent).
struct KernelTable {
  std::string key;    // its name in JSON
  std::string title;  // the line above it in the aligned output
  Table table;
  std::vector<std::string> summary;  // lines below it in the aligned output
};
struct KernelTables {
  std::vector<KernelTable> tables;
  std::vector<std::string> missing;  // notes for stderr
};
KernelTables fragmentation_tables(const KernelMemory& km, SourceNotes& notes);
KernelTables kernel_memory_tables(const KernelMemory& km, SourceNotes& notes, uint64_t page_size,
                                  size_t top);

}  // namespace pagescope::model
