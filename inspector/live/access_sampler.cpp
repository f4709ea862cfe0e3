#include "inspector/live/access_sampler.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "events.h"
#include "inspector/live/page_table_walker.h"
#include "inspector/live/proc_reader.h"

namespace pagescope::live {
namespace {

constexpr uint64_t kUserSpaceEnd = 0x800000000000ull;  // [vsyscall] and above are not the mm's
constexpr uint32_t kMaxRunPages = 1u << 17;           // one record covers at most this many pages

std::vector<std::pair<uint64_t, uint64_t>> read_vmas(uint32_t pid, bool& ok) {
  std::vector<std::pair<uint64_t, uint64_t>> vmas;
  std::string text;
  ok = read_text_file("/proc/" + std::to_string(pid) + "/maps", text) && !text.empty();
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    uint64_t start = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNx64 "-%" SCNx64, &start, &end) != 2) continue;
    if (start >= kUserSpaceEnd || end <= start) continue;
    vmas.emplace_back(start, std::min(end, kUserSpaceEnd));
  }
  return vmas;
}

std::string first_line(const std::string& path) {
  std::string text;
  if (!read_text_file(path, text)) return "";
  return text.substr(0, text.find('\n'));
}

}  // namespace

AccessSourceProbe probe_access_sources() {
  AccessSourceProbe p;
  p.idle_page = access("/sys/kernel/mm/page_idle/bitmap", F_OK) == 0;
  // DAMON's sysfs interface lists the operations sets the kernel was built
  // with in every context (Documentation/admin-guide/mm/damon/usage.rst).
  std::string ops;
  const char* avail = "/sys/kernel/mm/damon/admin/kdamonds/0/contexts/0/avail_operations";
  if (access("/sys/kernel/mm/damon/admin", F_OK) != 0) {
    ops = "no DAMON sysfs";
  } else if (access(avail, R_OK) == 0) {
    ops = first_line(avail);
    p.damon_vaddr = (" " + ops + " ").find(" vaddr ") != std::string::npos;
    ops = "DAMON operations: " + ops;
  } else {
    ops = "DAMON present, no context to list its operations";
  }
  p.detail = std::string(p.idle_page ? "idle page tracking present" : "no idle page tracking") +
             ", " + ops;
  // Running kdamonds: kdamonds/N/state is "on" and each context names its
  // operations set (Documentation/admin-guide/mm/damon/usage.rst).
  const std::string kdamonds = "/sys/kernel/mm/damon/admin/kdamonds/";
  const std::string count = first_line(kdamonds + "nr_kdamonds");
  const int n = count.empty() ? 0 : std::atoi(count.c_str());
  for (int k = 0; k < n; ++k) {
    const std::string dir = kdamonds + std::to_string(k);
    if (first_line(dir + "/state") != "on") continue;
    std::string their_ops = first_line(dir + "/contexts/0/operations");
    p.running_kdamonds.push_back("kdamond." + std::to_string(k) + " (" +
                                 (their_ops.empty() ? "unknown operations" : their_ops) + ")");
  }
  return p;
}

std::string AccessSourceProbe::interference() const {
  if (running_kdamonds.empty()) return "";
  std::string names;
  for (const auto& k : running_kdamonds) names += (names.empty() ? "" : ", ") + k;
  return names + " also clears accessed bits (DAMON access checks, no TLB flush): touches of "
                 "the pages it samples can be missed, huge pages most";
}

Result<std::unique_ptr<AccessSampler>> AccessSampler::create(const AccessSamplerOptions& options) {
  AccessSourceProbe sources = probe_access_sources();
  if (geteuid() != 0) {
    return Error{"access sampling needs root (clear_refs and page tables of other processes)",
                 ErrorKind::kPermission};
  }
  auto walker = PageTableWalker::open();
  if (!walker) return Error{"access sampling: " + walker.error().message, walker.error().kind};
  std::string detail = "page-table walk (" + sources.detail + ")";
  return std::unique_ptr<AccessSampler>(
      new AccessSampler(options, std::move(*walker), std::move(detail)));
}

AccessSampler::AccessSampler(const AccessSamplerOptions& options,
                             std::unique_ptr<PageTableWalker> walker, std::string source_detail)
    : options_(options), walker_(std::move(walker)), source_detail_(std::move(source_detail)) {
  clearer_ = std::thread([this] { clearer_loop(); });
}

AccessSampler::~AccessSampler() { stop_clearer(); }

namespace {

bool write_clear_refs(int fd, char what) {
  return pwrite(fd, &what, 1, 0) == 1;
}

}  // namespace

// "1" (CLEAR_REFS_ALL) clears every PTE's accessed bit and every page's
// PG_referenced (fs/proc/task_mmu.c, clear_refs_pte_range), and flushes
// nothing: x86 clears with ptep_test_and_clear_young(), which skips the flush
// by design ("it will eventually be flushed by a context switch",
// arch/x86/mm/pgtable.c). On a quiet machine nothing else flushes, and a page
// whose translation stays cached is never marked again: a program writing
// 20011 pages over and over showed ~1 MB of its 80 MB here.
// "4" (CLEAR_REFS_SOFT_DIRTY) then walks the tables again and ends with
// flush_tlb_mm(mm) unconditionally (clear_refs_write()); its per-entry work,
// clear_soft_dirty(), is empty without CONFIG_MEM_SOFT_DIRTY. It must come
// after "1": a flush before the clear lets a page touched in between cache its
// translation again, with the bit then cleared under it.
ClearRefsResult clear_accessed_bits(uint32_t pid, ClearMode mode) {
  ClearRefsResult r;
  int fd = open(("/proc/" + std::to_string(pid) + "/clear_refs").c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return r;
  uint64_t t0 = monotonic_ns();
  r.ok = write_clear_refs(fd, '1');
  uint64_t t1 = monotonic_ns();
  r.clear_ns = t1 - t0;
  if (r.ok && mode == ClearMode::kFlush) {
    r.flushed = write_clear_refs(fd, '4');
    r.flush_ns = monotonic_ns() - t1;
  }
  close(fd);
  return r;
}

// A new anonymous VMA is VM_SOFTDIRTY and x86's pte_mkdirty() sets the
// soft-dirty bit, so a freshly written page reads soft-dirty in pagemap (bit 55,
// Documentation/admin-guide/mm/pagemap.rst) exactly when the kernel tracks it.
// Readable without privilege (only frame numbers are hidden).
bool soft_dirty_tracking() {
  static const bool tracked = [] {
    const long page = sysconf(_SC_PAGESIZE);
    void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    *static_cast<volatile char*>(p) = 1;
    uint64_t entry = 0;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      off_t at = static_cast<off_t>(reinterpret_cast<uintptr_t>(p) / page * sizeof entry);
      if (pread(fd, &entry, sizeof entry, at) != static_cast<ssize_t>(sizeof entry)) entry = 0;
      close(fd);
    }
    munmap(p, page);
    return ((entry >> 55) & 1) != 0;
  }();
  return tracked;
}

std::string describe_clear_mode(ClearMode mode) {
  if (mode == ClearMode::kNoFlush) {
    return "TLB not flushed after clears (clear_refs 1 only: pages whose translation stays "
           "cached are not seen again)";
  }
  return soft_dirty_tracking()
             ? "TLB flushed after each clear (clear_refs 4; soft-dirty tracking is on: each "
               "page written after a clear took one write-protect minor fault, among the "
               "recorded faults and in min_flt)"
             : "TLB flushed after each clear (clear_refs 4; no soft-dirty tracking in this "
               "kernel, so no extra faults)";
}

void AccessSampler::request_clear(uint32_t pid, Process& p) {
  p.clearing = true;
  {
    std::lock_guard<std::mutex> lock(clear_mu_);
    to_clear_.push_back(pid);
  }
  clear_cv_.notify_one();
}

void AccessSampler::clearer_loop() {
  std::unique_lock<std::mutex> lock(clear_mu_);
  for (;;) {
    clear_cv_.wait(lock, [&] { return clearer_stop_ || !to_clear_.empty(); });
    if (to_clear_.empty()) return;  // stopping, nothing left
    uint32_t pid = to_clear_.front();
    to_clear_.pop_front();
    lock.unlock();
    ClearRefsResult r = clear_accessed_bits(pid, options_.clear);
    uint64_t done = monotonic_ns();
    lock.lock();
    cleared_.push_back({pid, done, r});
  }
}

void AccessSampler::collect_clears() {
  std::vector<Cleared> done;
  {
    std::lock_guard<std::mutex> lock(clear_mu_);
    done.swap(cleared_);
  }
  for (const auto& c : done) {
    clear_ns_total_ += c.result.clear_ns;
    flush_ns_total_ += c.result.flush_ns;
    if (c.result.ok) ++clears_;
    if (c.result.ok && options_.clear == ClearMode::kFlush && !c.result.flushed) ++flushes_failed_;
    auto it = processes_.find(c.pid);
    if (it == processes_.end()) continue;
    if (!c.result.ok) {
      processes_.erase(it);  // gone (or a zombie): not asked again
      gone_.insert(c.pid);
      continue;
    }
    it->second.clearing = false;
    it->second.begin_ns = c.done_ns;
  }
}

void AccessSampler::stop_clearer() {
  if (!clearer_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(clear_mu_);
    clearer_stop_ = true;
  }
  clear_cv_.notify_one();
  clearer_.join();
}

bool AccessSampler::start_walk(uint32_t pid, Process& p, uint64_t now_ns) {
  bool ok = false;
  auto vmas = read_vmas(pid, ok);
  if (!ok) return false;
  p.vmas.clear();
  for (auto [s, e] : vmas) p.vmas.push_back({s, e});
  p.walking = true;
  p.walk_ts = now_ns;
  p.walk_ns = 0;
  p.next_vma = 0;
  p.run_vma = 0;
  p.cursor = p.vmas.empty() ? 0 : p.vmas[0].start;
  p.chunks = 0;
  p.flags = 0;
  p.pages_present = p.pages_accessed = 0;
  p.run = Run{};
  return true;
}

bool AccessSampler::walk_step(uint32_t pid, Process& p, const AppendRecord& append) {
  const size_t n = p.vmas.size();
  if (p.next_vma >= n) return true;
  // Adjacent VMAs are walked as one span: one call covers many small VMAs.
  size_t last = p.next_vma;
  uint64_t span_end = p.vmas[last].end;
  while (last + 1 < n && p.vmas[last + 1].start == span_end) span_end = p.vmas[++last].end;
  p.cursor = std::max(p.cursor, p.vmas[p.next_vma].start);
  uint64_t left = options_.max_chunks_per_interval - std::min(p.chunks, options_.max_chunks_per_interval);
  if (left == 0) {
    p.flags |= PS_ACCESS_TRUNCATED;
    return true;
  }
  uint32_t max = static_cast<uint32_t>(std::min<uint64_t>(left, PS_WALK_MAX_CHUNKS));
  uint64_t t0 = monotonic_ns();
  auto batch = walker_->walk(pid, p.cursor, span_end, max);
  p.walk_ns += monotonic_ns() - t0;
  if (!batch) {
    p.flags |= PS_ACCESS_PARTIAL;  // gone (exited or exec'd away) mid-walk
    return true;
  }
  if (batch->failed_reads) p.flags |= PS_ACCESS_PARTIAL;
  // A 2 MiB chunk can hold VMAs of neighbouring spans too: place only the
  // part this call walked, [cursor, span_end), or pages would repeat.
  for (const auto& c : batch->chunks) place_chunk(pid, p, c, p.cursor, span_end, append);
  p.chunks += batch->chunks.size();
  p.cursor = batch->next;
  if (p.cursor >= span_end) {
    p.next_vma = last + 1;
    if (p.next_vma < n) p.cursor = p.vmas[p.next_vma].start;
  }
  return p.next_vma >= n;
}

void AccessSampler::place_chunk(uint32_t pid, Process& p, const ps_walk_chunk& c, uint64_t lo,
                                uint64_t hi, const AppendRecord& append) {
  const uint64_t chunk_end = std::min<uint64_t>(c.addr + (1ull << c.shift), hi);
  while (p.run_vma < p.vmas.size() && p.vmas[p.run_vma].end <= c.addr) ++p.run_vma;
  if (c.kind == PS_CHUNK_FAILED) {
    flush_run(pid, p, append);  // unknown pages: the run cannot continue across them
    return;
  }
  for (size_t k = p.run_vma; k < p.vmas.size() && p.vmas[k].start < chunk_end; ++k) {
    const Vma& v = p.vmas[k];
    if (c.kind == PS_CHUNK_HUGE) {
      // A huge mapping lies inside one VMA (the kernel splits it otherwise).
      append_to_run(pid, p, k, c.addr, c.shift, 1, c, 0, append);
      return;
    }
    uint64_t s = std::max<uint64_t>(std::max<uint64_t>(c.addr, lo), v.start);
    uint64_t e = std::min(chunk_end, v.end);
    if (s >= e) continue;
    append_to_run(pid, p, k, s, 12, static_cast<uint32_t>((e - s) >> 12), c,
                  static_cast<uint32_t>((s - c.addr) >> 12), append);
  }
}

void AccessSampler::append_to_run(uint32_t pid, Process& p, size_t vma, uint64_t start,
                                  uint8_t shift, uint32_t pages, const ps_walk_chunk& c,
                                  uint32_t first_bit, const AppendRecord& append) {
  Run& r = p.run;
  if (r.pages && (r.vma != vma || r.shift != shift ||
                  r.start + (static_cast<uint64_t>(r.pages) << r.shift) != start ||
                  r.pages + pages > kMaxRunPages)) {
    flush_run(pid, p, append);
  }
  if (r.pages == 0) {
    r.vma = vma;
    r.start = start;
    r.shift = shift;
  }
  size_t words = (r.pages + pages + 63) / 64;
  if (r.present.size() < words) {
    r.present.resize(words, 0);
    r.accessed.resize(words, 0);
    r.dirty.resize(words, 0);
  }
  uint64_t present = 0, accessed = 0;
  for (uint32_t i = 0; i < pages; ++i) {
    uint32_t b = first_bit + i, o = r.pages + i;
    uint64_t bit = 1ull << (o & 63);
    if ((c.present[b >> 6] >> (b & 63)) & 1) r.present[o >> 6] |= bit, ++present;
    if ((c.accessed[b >> 6] >> (b & 63)) & 1) r.accessed[o >> 6] |= bit, ++accessed;
    if ((c.dirty[b >> 6] >> (b & 63)) & 1) r.dirty[o >> 6] |= bit;
  }
  r.pages += pages;
  p.pages_present += present << (shift - 12);
  p.pages_accessed += accessed << (shift - 12);
}

void AccessSampler::flush_run(uint32_t pid, Process& p, const AppendRecord& append) {
  Run& r = p.run;
  if (r.pages == 0) return;
  size_t words = (r.pages + 63) / 64;
  std::vector<uint8_t> buf(sizeof(ps_access_bits) + 3 * 8 * words);
  auto* rec = reinterpret_cast<ps_access_bits*>(buf.data());
  rec->hdr.kind = PS_EV_ACCESS_BITS;
  rec->hdr.size = static_cast<uint32_t>(buf.size());
  rec->hdr.ts_ns = p.walk_ts;
  rec->hdr.pid = rec->hdr.tid = pid;
  rec->start = r.start;
  rec->pages = r.pages;
  rec->page_shift = r.shift;
  rec->source = PS_ACCESS_SRC_PTE_WALK;
  rec->flags = 0;
  uint8_t* bits = buf.data() + sizeof(ps_access_bits);
  std::memcpy(bits, r.present.data(), 8 * words);
  std::memcpy(bits + 8 * words, r.accessed.data(), 8 * words);
  std::memcpy(bits + 16 * words, r.dirty.data(), 8 * words);
  append(buf.data(), buf.size());
  ++records_;
  r.pages = 0;
  std::fill(r.present.begin(), r.present.end(), 0);
  std::fill(r.accessed.begin(), r.accessed.end(), 0);
  std::fill(r.dirty.begin(), r.dirty.end(), 0);
}

void AccessSampler::finish_walk(uint32_t pid, Process& p, const AppendRecord& append) {
  flush_run(pid, p, append);
  ps_access_interval rec{};
  rec.hdr.kind = PS_EV_ACCESS_INTERVAL;
  rec.hdr.size = sizeof(rec);
  rec.hdr.ts_ns = p.walk_ts;
  rec.hdr.pid = rec.hdr.tid = pid;
  rec.begin_ns = p.begin_ns;
  rec.walk_ns = p.walk_ns;
  rec.pages_present = p.pages_present;
  rec.pages_accessed = p.pages_accessed;
  rec.source = PS_ACCESS_SRC_PTE_WALK;
  rec.flags = p.flags;
  append(&rec, sizeof(rec));
  ++intervals_;
  if (p.flags & PS_ACCESS_TRUNCATED) ++truncated_;
  if (p.flags & PS_ACCESS_PARTIAL) ++partial_;
  walk_ns_total_ += p.walk_ns;
  walk_ns_max_ = std::max(walk_ns_max_, p.walk_ns);
  p.walking = false;
  p.vmas.clear();
  p.vmas.shrink_to_fit();
}

void AccessSampler::begin(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
                          const AppendRecord& append) {
  poll(live, now_ns, append);
}

void AccessSampler::poll(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
                         const AppendRecord& append) {
  (void)now_ns;  // the clock is read here: clear_refs may have run after the caller's now
  const uint64_t now = monotonic_ns(), deadline = now + options_.budget_ns;
  struct PollTimer {
    uint64_t start, &max;
    ~PollTimer() { max = std::max(max, monotonic_ns() - start); }
  } timer{now, poll_ns_max_};
  collect_clears();
  // A process seen for the first time starts its first interval once its
  // bits are cleared.
  for (uint32_t pid : live) {
    if (processes_.count(pid) || gone_.count(pid)) continue;
    request_clear(pid, processes_[pid]);
    seen_.insert(pid);
  }
  // One that is gone closes its interval as partial if a walk was under way.
  for (auto it = processes_.begin(); it != processes_.end();) {
    if (live.count(it->first)) {
      ++it;
      continue;
    }
    if (it->second.walking) {
      it->second.flags |= PS_ACCESS_PARTIAL;
      finish_walk(it->first, it->second, append);
    }
    it = processes_.erase(it);
  }
  // Walks under way first, then the most overdue; all within the budget.
  while (monotonic_ns() < deadline) {
    auto next = processes_.end();
    for (auto it = processes_.begin(); it != processes_.end(); ++it) {
      const Process& p = it->second;
      if (p.clearing) continue;
      if (p.walking) {
        next = it;
        break;
      }
      if (now < p.begin_ns || now - p.begin_ns < options_.interval_ns) continue;
      if (next == processes_.end() || p.begin_ns < next->second.begin_ns) next = it;
    }
    if (next == processes_.end()) break;
    uint32_t pid = next->first;
    Process& p = next->second;
    if (!p.walking && !start_walk(pid, p, monotonic_ns())) {
      processes_.erase(next);  // gone between the drain and now
      continue;
    }
    bool done = false;
    while (!done && monotonic_ns() < deadline) done = walk_step(pid, p, append);
    if (!done) break;
    finish_walk(pid, p, append);
    request_clear(pid, p);
  }
}

void AccessSampler::end(const std::unordered_set<uint32_t>& live, uint64_t now_ns,
                        const AppendRecord& append) {
  // The last, shorter interval of every process still alive, walked whole
  // (after the clears under way have finished, so each has its begin).
  stop_clearer();
  collect_clears();
  for (auto& [pid, p] : processes_) {
    if (!live.count(pid) || p.clearing) continue;
    if (!p.walking && !start_walk(pid, p, now_ns)) continue;
    while (!walk_step(pid, p, append)) {
    }
    finish_walk(pid, p, append);
  }
  processes_.clear();
}

std::string AccessSampler::report() const {
  char line[1024];
  double mean = intervals_ ? static_cast<double>(walk_ns_total_) / 1e6 / intervals_ : 0;
  // Per clear, not per interval: each process's first clear opens no interval.
  double clear = clears_ ? static_cast<double>(clear_ns_total_) / 1e6 / clears_ : 0;
  double flush = clears_ ? static_cast<double>(flush_ns_total_) / 1e6 / clears_ : 0;
  char flush_part[128] = "";
  if (options_.clear == ClearMode::kFlush) {
    std::snprintf(flush_part, sizeof flush_part, " + TLB flush %.2f ms mean", flush);
  }
  std::string failed = flushes_failed_ ? "; " + std::to_string(flushes_failed_) +
                                             " flushes failed (those intervals may under-count)"
                                       : "";
  std::snprintf(line, sizeof(line),
                "access sampling: %" PRIu64 " intervals over %zu processes, %" PRIu64
                " bit records; walk %.2f ms mean, %.2f ms max per interval; clear_refs %.2f ms mean"
                "%s (own thread); longest poll %.2f ms; %" PRIu64 " truncated, %" PRIu64
                " partial; %s%s; source: %s",
                intervals_, seen_.size(), records_, mean,
                static_cast<double>(walk_ns_max_) / 1e6, clear, flush_part,
                static_cast<double>(poll_ns_max_) / 1e6, truncated_, partial_,
                describe_clear_mode(options_.clear).c_str(), failed.c_str(),
                source_detail_.c_str());
  return line;
}

}  // namespace pagescope::live
