// record --access-interval: once per interval and traced process, read every
// mapped page's present/accessed/dirty bits from its page tables, then clear
// the accessed bits (/proc/PID/clear_refs) and flush the process's TLB for the
// next interval. Emits
// ps_access_bits records (one per run of pages of one size within a VMA) and
// one ps_access_interval per process and interval.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "access_walk.h"
#include "common/result.h"
#include "inspector/live/interval_sampler.h"

namespace pagescope::live {

class PageTableWalker;

// The kernel's own access-tracking mechanisms, probed before the page-table
// walk: idle page tracking and DAMON's virtual-address operations. Neither is
// used yet; the result says what was found so the capture records why the
// walk was chosen.
struct AccessSourceProbe {
  bool idle_page = false;    // /sys/kernel/mm/page_idle/bitmap
  bool damon_vaddr = false;  // "vaddr" among DAMON's avail_operations
  std::string detail;        // one line: what was found
  // kdamonds that are running, as "kdamond.0 (paddr)". Each one's access
  // checks clear the accessed bits of the pages it samples (damon_pa_mkold /
  // damon_va_mkold) without a TLB flush, so a touch between its clear and our
  // read can be lost: most often on huge pages, which its regions hit often.
  std::vector<std::string> running_kdamonds;
  // One line for the user when running_kdamonds is not empty, else "".
  std::string interference() const;
};
AccessSourceProbe probe_access_sources();

// Clearing the accessed bits: clear_refs "1" clears them without flushing the
// TLB (x86: ptep_test_and_clear_young), so a page whose translation stays
// cached is not marked again when touched (docs/access-sampling.md, "TLB").
// "4" (CLEAR_REFS_SOFT_DIRTY) ends with flush_tlb_mm() of the process: written
// after "1" it drops the cached translations, whatever else the machine does.
enum class ClearMode : uint8_t {
  kFlush,    // "1" then "4" (default)
  kNoFlush,  // "1" only: the bits of pages that stay in the TLB are missed
};

// Whether the kernel keeps soft-dirty bits (CONFIG_MEM_SOFT_DIRTY). With them,
// "4" also write-protects every present page, so each page written after a
// flush takes one write-protect minor fault (a real fault: traced, and counted
// in the process's min_flt). Without them (this machine) "4" changes no entry
// and only flushes. Probed once: a fresh page's soft-dirty bit in pagemap.
bool soft_dirty_tracking();

struct ClearRefsResult {
  bool ok = false;         // "1" written (false: the process is gone)
  bool flushed = false;    // "4" written
  uint64_t clear_ns = 0;   // writing "1"
  uint64_t flush_ns = 0;   // writing "4"
};
ClearRefsResult clear_accessed_bits(uint32_t pid, ClearMode mode);

// For summary lines: how the bits were cleared and what it cost the process,
// e.g. "TLB flushed after each clear (clear_refs 4; no soft-dirty tracking in
// this kernel, so no extra faults)".
std::string describe_clear_mode(ClearMode mode);

struct AccessSamplerOptions {
  uint64_t interval_ns = 500'000'000;
  ClearMode clear = ClearMode::kFlush;
  uint64_t budget_ns = 10'000'000;           // walk time per poll() before yielding to the drain
  uint64_t max_chunks_per_interval = 1u << 17;  // 2 MiB chunks per process (256 GiB): then TRUNCATED
};

class AccessSampler : public IntervalSampler {
 public:
  // Fails, with a one-line reason, when the page tables cannot be read here.
  static Result<std::unique_ptr<AccessSampler>> create(const AccessSamplerOptions& options);
  ~AccessSampler() override;

  void begin(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
             const AppendRecord& append) override;
  void poll(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
            const AppendRecord& append) override;
  void end(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
           const AppendRecord& append) override;
  std::string report() const override;

 private:
  struct Vma {
    uint64_t start, end;
  };
  // Pages of one size, contiguous within one VMA, being collected.
  struct Run {
    size_t vma = SIZE_MAX;
    uint64_t start = 0;
    uint8_t shift = 12;
    uint32_t pages = 0;
    std::vector<uint64_t> present, accessed, dirty;
  };
  struct Process {
    uint64_t begin_ns = 0;  // accessed bits last cleared
    bool clearing = false;  // handed to the clearer thread, not back yet
    bool walking = false;
    uint64_t walk_ts = 0;   // the interval's end: when its walk began
    uint64_t walk_ns = 0;
    std::vector<Vma> vmas;
    size_t next_vma = 0;    // first VMA of the span being walked
    uint64_t cursor = 0;    // next address to walk
    size_t run_vma = 0;     // VMA the chunks being placed have reached
    uint64_t chunks = 0;
    uint32_t flags = 0;
    uint64_t pages_present = 0, pages_accessed = 0;
    Run run;
  };

  AccessSampler(const AccessSamplerOptions& options, std::unique_ptr<PageTableWalker> walker,
                std::string source_detail);
  // clear_refs walks the whole address space in the kernel (about 0.1 s per
  // GiB here), so a thread of its own writes it while poll() returns to the
  // drain; poll() collects the times the clears finished.
  void request_clear(uint32_t pid, Process& p);
  void collect_clears();
  void clearer_loop();
  void stop_clearer();
  bool start_walk(uint32_t pid, Process& p, uint64_t now_ns);
  // One walker call; true when the walk is finished (or the process gone).
  bool walk_step(uint32_t pid, Process& p, const AppendRecord& append);
  // Places the part of chunk c inside [lo, hi) into the VMAs' runs.
  void place_chunk(uint32_t pid, Process& p, const ps_walk_chunk& c, uint64_t lo, uint64_t hi,
                   const AppendRecord& append);
  void append_to_run(uint32_t pid, Process& p, size_t vma, uint64_t start, uint8_t shift,
                     uint32_t pages, const ps_walk_chunk& c, uint32_t first_bit,
                     const AppendRecord& append);
  void flush_run(uint32_t pid, Process& p, const AppendRecord& append);
  void finish_walk(uint32_t pid, Process& p, const AppendRecord& append);

  AccessSamplerOptions options_;
  std::unique_ptr<PageTableWalker> walker_;
  std::string source_detail_;
  std::map<uint32_t, Process> processes_;
  // What it cost and found, for report().
  uint64_t intervals_ = 0, truncated_ = 0, partial_ = 0, records_ = 0;
  uint64_t walk_ns_total_ = 0, walk_ns_max_ = 0, clear_ns_total_ = 0, poll_ns_max_ = 0;
  uint64_t flush_ns_total_ = 0, clears_ = 0, flushes_failed_ = 0;
  std::unordered_set<uint32_t> seen_;
  std::unordered_set<uint32_t> gone_;  // clear_refs failed: exited while still listed live

  struct Cleared {
    uint32_t pid;
    uint64_t done_ns;
    ClearRefsResult result;
  };
  std::mutex clear_mu_;
  std::condition_variable clear_cv_;
  std::deque<uint32_t> to_clear_;    // guarded by clear_mu_
  std::vector<Cleared> cleared_;     // guarded by clear_mu_
  bool clearer_stop_ = false;        // guarded by clear_mu_
  std::thread clearer_;
};

}  // namespace pagescope::live
