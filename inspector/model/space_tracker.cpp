#include "inspector/model/space_tracker.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "inspector/model/maps_parser.h"
#include "inspector/model/mmap_file_path.h"
#include "inspector/model/record_view.h"

namespace pagescope::model {

namespace {

constexpr uint64_t kPageShift = 12;
constexpr uint64_t kPage = 1ull << kPageShift;
uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

// mmap(2) flag values (x86-64 uapi; the capture stores raw arguments).
constexpr uint64_t kMapShared = 0x01;
constexpr uint64_t kMapSharedValidate = 0x03;
constexpr uint64_t kMapTypeMask = 0x0f;
constexpr uint64_t kMapAnonymous = 0x20;
constexpr uint64_t kMapGrowsDown = 0x100;
constexpr uint64_t kMapStack = 0x20000;
constexpr uint64_t kMapNoReserve = 0x4000;
constexpr uint64_t kMremapDontUnmap = 4;
// How far below [stack] a fault still grows it (the kernel's stack_guard_gap
// is 256 pages; allow a large alloca past that).
constexpr uint64_t kStackReach = 64ull << 20;
// Faults kept per process while waiting for its first snapshot.
constexpr size_t kMaxPendingFaults = 1 << 16;

FaultCounts subtract(FaultCounts a, const FaultCounts& b) {
  a.total -= b.total; a.user -= b.user; a.kernel -= b.kernel;
  a.read -= b.read; a.write -= b.write; a.exec -= b.exec;
  a.protection -= b.protection; a.not_present -= b.not_present;
  a.minor -= b.minor; a.major -= b.major; a.unknown_access -= b.unknown_access;
  return a;
}


}  // namespace

const char* vma_op_name(VmaOp op) {
  switch (op) {
    case VmaOp::kCreated: return "created";
    case VmaOp::kProtected: return "mprotect";
    case VmaOp::kMoved: return "moved";
    case VmaOp::kResized: return "resized";
    case VmaOp::kUnmapped: return "unmapped";
    case VmaOp::kEnded: return "ended";
    case VmaOp::kResynced: return "resynced";
  }
  return "?";
}

ProcessSpace& SpaceTracker::space_for(uint32_t pid) {
  if (last_space_ && last_pid_ == pid) return *last_space_;
  auto& slot = live_[pid];
  if (!slot) {
    slot = std::make_unique<ProcessSpace>();
    slot->pid = pid;
  }
  last_pid_ = pid;
  last_space_ = slot.get();
  return *slot;
}

SpaceTracker SpaceTracker::clone() const {
  SpaceTracker c;
  static_cast<RecordVisitor<SpaceTracker>&>(c) = *this;
  for (const auto& [pid, ps] : live_) c.live_[pid] = std::make_unique<ProcessSpace>(*ps);
  for (const auto& [pid, ps] : dead_) c.dead_[pid] = std::make_unique<ProcessSpace>(*ps);
  c.mappings_ = mappings_;
  c.lost_ = lost_;
  c.observer_ = observer_;
  return c;
}

const ProcessSpace* SpaceTracker::find(uint32_t pid) const {
  if (auto it = live_.find(pid); it != live_.end()) return it->second.get();
  if (auto it = dead_.find(pid); it != dead_.end()) return it->second.get();
  return nullptr;
}

uint32_t SpaceTracker::new_mapping(uint32_t pid, const char* origin, uint64_t ts, Vma& v) {
  MappingStats& m = mappings_.emplace_back();
  m.id = uint32_t(mappings_.size() - 1);
  m.pid = pid;
  m.origin = origin;
  m.created_ns = ts;
  v.mapping = m.id;
  m.first = v;
  note(m.id, ts, VmaOp::kCreated, v.start, v.end, v.perms);
  return m.id;
}

void SpaceTracker::note(uint32_t mapping, uint64_t ts, VmaOp op, uint64_t start, uint64_t end,
                        uint8_t perms) {
  if (mapping == 0 || mapping >= mappings_.size()) return;
  MappingChange c{ts, op, start, end, perms};
  MappingStats& m = mappings_[mapping];
  if (op == VmaOp::kEnded) m.ended_ns = ts;
  m.changes.push_back(c);
  if (observer_) observer_(m.pid, mapping, c);
}

std::vector<uint32_t> SpaceTracker::mappings_in(const ProcessSpace& ps, uint64_t start,
                                                uint64_t end) const {
  std::vector<uint32_t> ids;  // in layout order, each lineage once
  std::unordered_set<uint32_t> seen;
  const auto& pieces = ps.space.pieces();
  auto it = pieces.upper_bound(start);
  if (it != pieces.begin()) --it;
  for (; it != pieces.end() && it->first < end; ++it) {
    if (it->second.end <= start) continue;
    if (seen.insert(it->second.mapping).second) ids.push_back(it->second.mapping);
  }
  return ids;
}

void SpaceTracker::end_orphans(const ProcessSpace& ps, const std::vector<uint32_t>& ids,
                               uint64_t ts) {
  for (uint32_t id : ids) {
    bool alive = false;
    for (const auto& [start, v] : ps.space.pieces()) {
      if (v.mapping == id) {
        alive = true;
        break;
      }
    }
    if (!alive && id < mappings_.size() && mappings_[id].ended_ns == 0) {
      note(id, ts, VmaOp::kEnded, 0, 0, 0);
    }
  }
}

void SpaceTracker::end_all(ProcessSpace& ps, uint64_t ts) {
  std::vector<uint32_t> ids;  // in layout order, each lineage once
  std::unordered_set<uint32_t> seen;
  for (const auto& [start, v] : ps.space.pieces()) {
    if (seen.insert(v.mapping).second) ids.push_back(v.mapping);
  }
  for (uint32_t id : ids) {
    if (id != 0 && mappings_[id].ended_ns == 0) note(id, ts, VmaOp::kEnded, 0, 0, 0);
  }
}

void SpaceTracker::on_signal(const ps_signal& s) {
  ProcessSpace& ps = space_for(s.hdr.pid);
  if (ps.signals.size() >= kMaxSignals) {
    ++ps.signals_dropped;
    return;
  }
  const SignalSiteResult where = classify_signal(s, ps.space);
  SignalEvent e;
  e.ts_ns = s.hdr.ts_ns;
  e.tid = s.hdr.tid;
  e.sender_pid = s.sender_pid;
  e.signo = s.signo;
  e.code = s.code;
  e.addr = s.addr;
  e.ip = s.ip;
  e.site = where.site;
  if (const Vma* v = where.vma) {
    char range[64];
    std::snprintf(range, sizeof range, "%llx-%llx", static_cast<unsigned long long>(v->start),
                  static_cast<unsigned long long>(v->end));
    e.vma = std::string(vma_kind_name(v->kind)) + " " + range + " " + perms_string(*v) + (v->path.empty() ? "" : " " + v->path);
  }
  ps.signals.push_back(std::move(e));
}

inline void SpaceTracker::on_fault(const ps_fault& f) {
  ProcessSpace& ps = space_for(f.hdr.pid);
  const Vma* v = ps.space.find(f.address);
  if (!v) {
    // A fault just below the main stack grows it (expand_stack()).
    const auto& pieces = ps.space.pieces();
    auto above = pieces.upper_bound(f.address);
    if (above != pieces.end() && above->second.kind == VmaKind::kStack &&
        above->second.start - f.address <= kStackReach) {
      Vma grown = above->second;
      grown.start = f.address & ~(kPage - 1);
      grown.offset -= above->second.start - grown.start;
      ps.space.map(grown);
      ++ps.stack_growth;
      v = ps.space.find(f.address);
    }
  }
  if (!v) {
    ps.faults_by_kind[kVmaKindCount].add(f);
    // Before the first snapshot (a process seen from its exec on): keep the
    // fault and attribute it when the snapshot shows what was there.
    if (!ps.space.seeded() && ps.pending.size() < kMaxPendingFaults) ps.pending.push_back(f);
    return;
  }
  attribute(ps, f, *v);
}

void SpaceTracker::attribute(ProcessSpace& ps, const ps_fault& f, const Vma& vma) {
  const Vma* v = &vma;
  if (!v->shared && v->anon_vma == 0 && (f.flags & PS_FAULT_ERR_KNOWN) &&
      (f.error_code & PS_PF_WRITE)) {
    ps.space.note_write_fault(f.address);
  }
  ps.faults_by_kind[int(v->kind)].add(f);
  MappingStats* m = v->mapping < mappings_.size() && v->mapping != 0 ? &mappings_[v->mapping]
                                                                      : nullptr;
  const bool cow = ps.forked && (f.flags & PS_FAULT_ERR_KNOWN) && (f.error_code & PS_PF_WRITE) &&
                   (f.error_code & PS_PF_PROT) && !v->shared && (v->perms & kPermWrite);
  if (cow) ++ps.cow_faults;
  bool inserted = false;
  PageInfo& page = ps.pages.get(f.address >> kPageShift, inserted);
  const bool new_touch = inserted || page.mapping != v->mapping;
  if (new_touch) {
    page.mapping = v->mapping;
    page.faults = 0;
    page.first_touch_ns = f.hdr.ts_ns;
  }
  // (A deferred fault can be older than the page's first one seen so far.)
  page.first_touch_ns = std::min<uint64_t>(page.first_touch_ns, f.hdr.ts_ns);
  ++page.faults;
  const FaultCause cause = classify_fault(f, *v, new_touch);
  ps.causes.add(cause);
  if (m) {
    m->faults.add(f);
    m->causes.add(cause);
    if (cow) ++m->cow_faults;
    if (new_touch) ++m->pages_touched;
    if (m->first_touch_ns == 0 || f.hdr.ts_ns < m->first_touch_ns) m->first_touch_ns = f.hdr.ts_ns;
  }
}

inline void SpaceTracker::on_mm_syscall(const ps_mm_syscall& s) {
  if (syscall_failed(s.ret)) return;
  ProcessSpace& ps = space_for(s.hdr.pid);
  AddressSpace& as = ps.space;
  const uint64_t ts = s.hdr.ts_ns;
  // Before the first snapshot the model does not know what was around.
  auto unseeded = [&] { if (!as.seeded()) as.mark_all_uncertain(); };
  switch (s.hdr.kind) {
    case PS_EV_MMAP: {
      const uint64_t start = uint64_t(s.ret), len = page_up(s.args[1]), flags = s.args[3];
      Vma v;
      v.start = start;
      v.end = start + len;
      v.perms = uint8_t(s.args[2] & 7);
      const uint64_t type = flags & kMapTypeMask;
      v.shared = type == kMapShared || type == kMapSharedValidate;
      const bool anon = flags & kMapAnonymous;
      // Shared anonymous memory is a shmem file to the kernel.
      v.file = !anon || v.shared;
      // Private anonymous memory's vm_pgoff is its address (see mergeable()).
      v.offset = !anon ? s.args[5] : v.shared ? 0 : start;
      v.base_kind = anon ? (v.shared ? VmaKind::kShm
                            : (flags & (kMapStack | kMapGrowsDown)) ? VmaKind::kThreadStack
                                                                      : VmaKind::kAnon)
                         : VmaKind::kFile;
      v.kind = v.base_kind;
      v.flags_known = true;
      v.accounted = !v.shared && (v.perms & kPermWrite) && !(flags & kMapNoReserve);
      auto replaced = mappings_in(ps, v.start, v.end);
      new_mapping(s.hdr.pid, "mmap", ts, v);
      as.map(v);
      end_orphans(ps, replaced, ts);
      unseeded();
      return;
    }
    case PS_EV_MUNMAP: {
      const uint64_t start = s.args[0], end = start + page_up(s.args[1]);
      auto ids = mappings_in(ps, start, end);
      for (uint32_t id : ids) note(id, ts, VmaOp::kUnmapped, start, end, 0);
      as.unmap(start, end - start);
      end_orphans(ps, ids, ts);
      return;
    }
    case PS_EV_MPROTECT: {
      const uint64_t start = s.args[0], end = start + page_up(s.args[1]);
      const uint8_t perms = uint8_t(s.args[2] & 7);
      for (uint32_t id : mappings_in(ps, start, end)) {
        note(id, ts, VmaOp::kProtected, start, end, perms);
      }
      as.protect(start, end - start, perms);
      unseeded();
      return;
    }
    case PS_EV_MREMAP: {
      const uint64_t old_addr = s.args[0], old_len = page_up(s.args[1]),
                     new_len = page_up(s.args[2]), flags = s.args[3], new_addr = uint64_t(s.ret);
      auto ids = mappings_in(ps, old_addr, old_addr + std::max<uint64_t>(old_len, 1));
      auto replaced = new_addr != old_addr ? mappings_in(ps, new_addr, new_addr + new_len)
                                           : std::vector<uint32_t>{};
      for (uint32_t id : ids) {
        note(id, ts, new_addr == old_addr ? VmaOp::kResized : VmaOp::kMoved, new_addr,
             new_addr + new_len, 0);
      }
      as.remap(old_addr, old_len, new_addr, new_len, flags & kMremapDontUnmap);
      end_orphans(ps, replaced, ts);
      unseeded();
      return;
    }
    case PS_EV_BRK: {
      const uint64_t old_end = page_up(as.brk_current());
      const uint64_t new_end = page_up(uint64_t(s.ret));
      uint32_t heap = 0;
      if (as.brk_start() != 0 && new_end > old_end) {
        const Vma* last = old_end > 0 ? as.find(old_end - 1) : nullptr;
        if (last && last->base_kind == VmaKind::kHeap) {
          heap = last->mapping;
          note(heap, ts, VmaOp::kResized, as.brk_start(), new_end, last->perms);
        } else {
          Vma v;
          v.start = std::max(old_end, as.brk_start());
          v.end = new_end;
          v.perms = kPermRead | kPermWrite;
          v.path = "[heap]";
          v.offset = v.start;
          v.accounted = true;
          v.kind = v.base_kind = VmaKind::kHeap;
          heap = new_mapping(s.hdr.pid, "brk", ts, v);
        }
      }
      auto shrunk = new_end < old_end ? mappings_in(ps, new_end, old_end)
                                      : std::vector<uint32_t>{};
      for (uint32_t id : shrunk) note(id, ts, VmaOp::kResized, as.brk_start(), new_end, 0);
      as.brk(uint64_t(s.ret), heap);
      end_orphans(ps, shrunk, ts);
      return;
    }
    case PS_EV_SHMAT:
      // The segment's size is not in the arguments: wait for the next snapshot.
      as.mark_uncertain(uint64_t(s.ret), kPage);
      return;
    case PS_EV_SHMDT: {
      const Vma* v = as.find(s.args[0]);
      if (!v) return;
      const uint32_t id = v->mapping;
      std::vector<std::pair<uint64_t, uint64_t>> ranges;
      for (const auto& [start, p] : as.pieces()) {
        if (p.mapping == id) ranges.emplace_back(p.start, p.end);
      }
      for (auto [a, b] : ranges) as.unmap(a, b - a);
      end_orphans(ps, {id}, ts);
      return;
    }
    default:  // madvise does not change the layout
      return;
  }
}

void SpaceTracker::on_maps(ProcessSpace& ps, uint64_t ts, std::string_view text) {
  auto parsed = parse_maps(text);
  if (!parsed) {
    ps.space.mark_all_uncertain();
    return;
  }
  ++ps.snapshots;
  std::vector<Vma>& vmas = parsed.value();
  if (ps.space.seeded() && !ps.space.uncertain()) {
    ++ps.snapshots_compared;
    AddressSpace expected;
    expected.reset(vmas);
    std::string diff = layout_difference(ps.space.vmas(), expected.vmas());
    if (!diff.empty()) {
      ++ps.snapshot_mismatches;
      ps.last_mismatch = std::move(diff);
    }
  }
  // Keep the lineage of pieces the snapshot confirms; the rest ends here.
  // Sets, not lists: a process can hold 100k+ mappings (JVMs, databases),
  // and a search per piece made snapshots and forks quadratic (issue 17.13).
  std::vector<uint32_t> before;  // in layout order, each lineage once
  std::unordered_set<uint32_t> seen_before;
  for (const auto& [start, v] : ps.space.pieces()) {
    if (seen_before.insert(v.mapping).second) before.push_back(v.mapping);
  }
  std::unordered_set<uint32_t> kept;
  for (Vma& v : vmas) {
    const Vma* old = ps.space.find(v.start);
    if (old && old->mapping != 0 && old->file == v.file && old->shared == v.shared) {
      v.mapping = old->mapping;
      const bool first_piece = kept.insert(old->mapping).second;
      if (first_piece && (old->uncertain || !ps.space.seeded())) {
        note(v.mapping, ts, VmaOp::kResynced, v.start, v.end, v.perms);
      }
    } else {
      new_mapping(ps.pid, "snapshot", ts, v);
    }
  }
  ps.space.reset(std::move(vmas));
  // Kinds were classified by reset(); copy them into the lineages just made.
  for (const auto& [start, v] : ps.space.pieces()) {
    MappingStats& m = mappings_[v.mapping];
    if (m.created_ns == ts && m.first.start == v.start) {
      m.first = v;
    } else if (m.first.path.empty() && !v.path.empty()) {
      // An mmap of an fd: the snapshot names the file.
      name_mapping(ps, v.mapping, v);
    }
  }
  for (uint32_t id : before) {
    if (id != 0 && !kept.count(id) &&
        mappings_[id].ended_ns == 0) {
      note(id, ts, VmaOp::kEnded, 0, 0, 0);
    }
  }
  // Faults from before the first snapshot: most hit what the snapshot shows
  // (the executable, the loader, the stack: mapped by exec, not by syscalls).
  std::vector<ps_fault> pending;
  pending.swap(ps.pending);
  for (const ps_fault& f : pending) {
    const Vma* v = ps.space.find(f.address);
    if (!v) continue;
    FaultCounts& unknown = ps.faults_by_kind[kVmaKindCount];
    FaultCounts one;
    one.add(f);
    unknown = subtract(unknown, one);
    ++ps.deferred_faults;
    attribute(ps, f, *v);
  }
}

// Out of line, so the handlers below inline into one switch.
void SpaceTracker::apply(const ps_header& h) { visit(h); }

inline void SpaceTracker::on_fork(const ps_fork& f) {
  if (f.flags & PS_FORK_THREAD) return;  // threads share the space
  const ps_header& h = f.hdr;
  ProcessSpace& parent = space_for(h.pid);
  parent.forked = true;
  if (auto it = live_.find(f.child_pid); it != live_.end()) {
    end_all(*it->second, h.ts_ns);
    live_.erase(it);
    last_space_ = nullptr;
  }
  ProcessSpace& child = space_for(f.child_pid);
  ProcessSpace& par = *live_[h.pid];  // space_for may have rehashed; pointers stay valid
  child.forked = true;
  child.space = par.space;
  std::unordered_map<uint32_t, uint32_t> renamed;  // parent lineage -> child lineage
  for (const auto& [start, v] : par.space.pieces()) {
    if (renamed.count(v.mapping)) continue;
    Vma c = v;
    renamed.emplace(v.mapping, new_mapping(f.child_pid, "fork", h.ts_ns, c));
  }
  child.space.relabel([&](uint32_t id) {
    auto it = renamed.find(id);
    return it == renamed.end() ? 0u : it->second;
  });
}

inline void SpaceTracker::on_exec(const ps_exec& e) {
  ProcessSpace& ps = space_for(e.hdr.pid);
  end_all(ps, e.hdr.ts_ns);
  ps.space.clear();
  ps.pages.clear();
  ps.pending.clear();
  ps.forked = false;
}

inline void SpaceTracker::on_exit(const ps_exit& e) {
  if (!(e.flags & PS_EXIT_GROUP_DEAD)) return;
  auto it = live_.find(e.hdr.pid);
  if (it == live_.end()) return;
  end_all(*it->second, e.hdr.ts_ns);
  it->second->exited = true;
  it->second->exited_ns = e.hdr.ts_ns;
  dead_[e.hdr.pid] = std::move(it->second);
  live_.erase(it);
  last_space_ = nullptr;
}

void SpaceTracker::name_mapping(ProcessSpace& ps, uint32_t id, const Vma& named) {
  MappingStats& m = mappings_[id];
  // The kind comes with the file ("file" becomes "shlib", "text"...): the
  // lineage's faults move there too.
  if (m.pid == ps.pid && m.first.kind != named.kind) {
    FaultCounts& from = ps.faults_by_kind[int(m.first.kind)];
    if (from.total >= m.faults.total) {
      from = subtract(from, m.faults);
      ps.faults_by_kind[int(named.kind)] += m.faults;
    }
  }
  m.first.path = named.path;
  m.first.inode = named.inode;
  m.first.kind = named.kind;
}

inline void SpaceTracker::on_mmap_file(const ps_mmap_file& r) {
  if (r.hdr.pid == 0) return;
  Vma file;
  file.path = mmap_file_path(r);
  if (file.path.empty()) return;
  file.inode = r.ino;
  file.dev_major = r.dev >> 20;  // the kernel's s_dev: MAJOR << 20 | MINOR
  file.dev_minor = r.dev & 0xfffff;
  ProcessSpace& ps = space_for(r.hdr.pid);
  const uint64_t end = r.start + page_up(r.len);
  for (const Vma& piece : ps.space.name_file(r.start, end, r.offset, file)) {
    if (piece.mapping == 0 || !mappings_[piece.mapping].first.path.empty()) continue;
    name_mapping(ps, piece.mapping, piece);
  }
}

inline void SpaceTracker::on_proc_file(const ps_proc_file& f, std::string_view text) {
  if (f.hdr.pid == 0 || f.which != PS_PROC_MAPS) return;
  on_maps(space_for(f.hdr.pid), f.hdr.ts_ns, text);
}

inline void SpaceTracker::on_lost(const ps_lost& l) {
  if (l.lost == 0) return;
  lost_ += l.lost;
  for (auto& [pid, ps] : live_) ps->space.mark_all_uncertain();
}

std::vector<VmaUsage> SpaceTracker::layout(uint32_t pid) const {
  std::vector<VmaUsage> out;
  const ProcessSpace* ps = find(pid);
  if (!ps) return out;
  for (Vma& v : ps->space.vmas()) out.push_back(VmaUsage{std::move(v)});
  ps->pages.for_each([&](uint64_t page, const PageInfo& info) {
    const uint64_t address = page << kPageShift;
    const Vma* piece = ps->space.find(address);
    if (!piece || piece->mapping != info.mapping) return;  // touched in a mapping since gone
    auto it = std::upper_bound(out.begin(), out.end(), address,
                               [](uint64_t a, const VmaUsage& u) { return a < u.vma.start; });
    if (it == out.begin()) return;
    VmaUsage& u = *std::prev(it);
    if (!u.vma.contains(address)) return;
    u.faults += info.faults;
    ++u.pages_touched;
    if (u.first_touch_ns == 0 || info.first_touch_ns < u.first_touch_ns) {
      u.first_touch_ns = info.first_touch_ns;
    }
  });
  return out;
}

}  // namespace pagescope::model
