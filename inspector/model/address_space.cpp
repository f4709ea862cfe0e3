#include "inspector/model/address_space.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace pagescope::model {

namespace {
constexpr uint64_t kPage = 4096;
uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%" PRIx64, v);
  return buf;
}
}  // namespace

std::string layout_difference(const std::vector<Vma>& model, const std::vector<Vma>& kernel) {
  auto describe = [](const Vma& v) {
    return hex(v.start) + "-" + hex(v.end) + " " + perms_string(v) + " " +
           (v.file ? "file@" + hex(v.offset) : std::string("anon")) +
           (v.path.empty() ? "" : " " + v.path);
  };
  auto skip = [](const Vma& v) { return v.path == "[vsyscall]"; };
  size_t i = 0, j = 0;
  while (true) {
    while (i < model.size() && skip(model[i])) ++i;
    while (j < kernel.size() && skip(kernel[j])) ++j;
    if (i == model.size() && j == kernel.size()) return {};
    if (i == model.size()) return "model lacks " + describe(kernel[j]);
    if (j == kernel.size()) return "kernel lacks " + describe(model[i]);
    const Vma& m = model[i];
    const Vma& k = kernel[j];
    const bool stack = k.path == "[stack]";
    const bool same = (stack || m.start == k.start) && m.end == k.end && m.perms == k.perms &&
                      m.shared == k.shared && m.file == k.file &&
                      (!m.file || m.offset == k.offset);
    if (!same) return "model has " + describe(m) + ", kernel has " + describe(k);
    ++i;
    ++j;
  }
}


bool mergeable(const Vma& a, const Vma& b) {
  if (a.end != b.start || a.perms != b.perms || a.shared != b.shared || a.file != b.file ||
      a.base_kind != b.base_kind || a.accounted != b.accounted) {
    return false;
  }
  if (!a.shared && a.anon_vma != 0 && b.anon_vma != 0 && a.anon_vma != b.anon_vma) return false;
  // Anonymous pages are indexed by vm_pgoff too (the address they were first
  // mapped at), so a region moved by mremap no longer lines up with its new
  // neighbours (can_vma_merge_after()).
  if (!a.file && b.offset != a.offset + a.size()) return false;
  if (a.file) {
    // Same file, contiguous offsets. A piece mapped from an fd has no path or
    // inode until a snapshot names it: then only its own lineage merges.
    const bool known = a.inode != 0 && b.inode != 0;
    const bool same_file = known ? (a.inode == b.inode && a.dev_major == b.dev_major &&
                                    a.dev_minor == b.dev_minor)
                                 : a.mapping == b.mapping && a.mapping != 0;
    return same_file && b.offset == a.offset + a.size();
  }
  // Shared anonymous memory is one shmem object per mmap.
  if (a.shared) return a.mapping == b.mapping;
  return a.path == b.path;
}

void AddressSpace::clear() {
  pieces_.clear();
  brk_start_ = brk_ = 0;
  seeded_ = false;
  uncertain_ = false;
}

void AddressSpace::reset(std::vector<Vma> vmas, std::string exe_path) {
  pieces_.clear();
  brk_start_ = brk_ = 0;
  if (exe_path.empty()) {
    for (const Vma& v : vmas) {
      if (v.file && !v.path.empty() && v.path.front() == '/') {
        exe_path = v.path;
        break;
      }
    }
  }
  exe_path_ = std::move(exe_path);
  // A snapshot does not show anon_vma. Lines the kernel printed apart although
  // their permissions match were kept apart by something maps does not show
  // (an anon_vma, VM_ACCOUNT after a RELRO mprotect): give them distinct
  // anon_vmas. Adjacent lines that differ only in permissions are most likely
  // one mapping split by mprotect: let them share one, so they merge again
  // when the permissions do.
  // A VMA with no such neighbour may have none yet, or share one with a VMA
  // it was split from (a hole punched by munmap keeps both sides' anon_vma,
  // and the kernel merges all three when the hole is mapped again): unknown
  // (0), so the model does not refuse merges the kernel makes.
  Vma* prev = nullptr;
  for (Vma& v : vmas) {
    v.uncertain = false;
    // maps prints 0 for anonymous memory; assume it was never moved.
    if (!v.file) v.offset = v.start;
    // Writable private memory is charged; read-only is assumed never to have been.
    v.accounted = !v.shared && (v.perms & kPermWrite);
    if (!v.shared) {
      const bool adjacent = prev && !prev->shared && prev->end == v.start && prev->file == v.file &&
                            prev->inode == v.inode && prev->path == v.path;
      v.anon_vma = 0;
      if (adjacent) {
        if (prev->anon_vma == 0) prev->anon_vma = ++next_anon_vma_;
        v.anon_vma = prev->perms != v.perms ? prev->anon_vma : ++next_anon_vma_;
      }
    }
    prev = &v;
    if (v.path == "[heap]") {
      // The heap starts at start_brk; the break is somewhere in its last page.
      brk_start_ = v.start;
      brk_ = v.end;
      v.base_kind = VmaKind::kHeap;
    } else if (v.path == "[stack]") {
      v.base_kind = VmaKind::kStack;
    }
  }
  for (Vma& v : vmas) pieces_.emplace_hint(pieces_.end(), v.start, std::move(v));
  reclassify(0, UINT64_MAX);
  seeded_ = true;
  uncertain_ = false;
}

void AddressSpace::split_at(uint64_t address) {
  auto it = pieces_.upper_bound(address);
  if (it == pieces_.begin()) return;
  --it;
  Vma& left = it->second;
  if (address <= left.start || address >= left.end) return;
  Vma right = left;
  right.start = address;
  right.offset += address - left.start;
  left.end = address;
  pieces_.emplace_hint(std::next(it), address, std::move(right));
}

void AddressSpace::erase_range(uint64_t start, uint64_t end) {
  if (start >= end) return;
  split_at(start);
  split_at(end);
  auto it = pieces_.lower_bound(start);
  while (it != pieces_.end() && it->first < end) it = pieces_.erase(it);
}

std::vector<Vma> AddressSpace::name_file(uint64_t start, uint64_t end, uint64_t offset, const Vma& file) {
  std::vector<uint64_t> starts;
  for (auto it = pieces_.lower_bound(start); it != pieces_.end() && it->first < end; ++it) {
    Vma& v = it->second;
    if (v.start < start || !v.file || !v.path.empty()) continue;
    if (v.offset != offset + (v.start - start)) continue;
    v.path = file.path;
    v.inode = file.inode;
    v.dev_major = file.dev_major;
    v.dev_minor = file.dev_minor;
    starts.push_back(v.start);
  }
  if (starts.empty()) return {};
  reclassify(start, end);
  // One piece per lineage, with the kind it has now.
  std::vector<Vma> named;
  for (uint64_t s : starts) {
    const Vma& v = pieces_.at(s);
    bool seen = false;
    for (const Vma& n : named) seen = seen || n.mapping == v.mapping;
    if (!seen) named.push_back(v);
  }
  return named;
}

void AddressSpace::reclassify(uint64_t start, uint64_t end) {
  auto it = pieces_.lower_bound(start);
  if (it != pieces_.begin()) --it;
  Vma* prev = nullptr;
  if (it != pieces_.begin()) prev = &std::prev(it)->second;
  // One piece past the range: its kind may depend on a neighbour that changed.
  bool past = false;
  for (; it != pieces_.end(); ++it) {
    if (it->first >= end) {
      if (past) break;
      past = true;
    }
    Vma& cur = it->second;
    cur.kind = classify(cur, prev, exe_path_);
    // Pieces the kernel would hold in one VMA have one anon_vma.
    if (prev && !cur.shared && mergeable(*prev, cur)) {
      if (cur.anon_vma == 0) cur.anon_vma = prev->anon_vma;
      else if (prev->anon_vma == 0) prev->anon_vma = cur.anon_vma;
    }
    prev = &cur;
  }
}

void AddressSpace::map(const Vma& vma) {
  if (vma.end <= vma.start) return;
  erase_range(vma.start, vma.end);
  Vma v = vma;
  v.kind = v.base_kind;
  pieces_.emplace(v.start, std::move(v));
  reclassify(vma.start, vma.end);
}

void AddressSpace::unmap(uint64_t start, uint64_t len) {
  const uint64_t end = start + page_up(len);
  erase_range(start, end);
  reclassify(start, end);
}

void AddressSpace::protect(uint64_t start, uint64_t len, uint8_t perms) {
  const uint64_t end = start + page_up(len);
  split_at(start);
  split_at(end);
  for (auto it = pieces_.lower_bound(start); it != pieces_.end() && it->first < end; ++it) {
    Vma& v = it->second;
    if (!v.shared && (perms & kPermWrite)) v.accounted = true;
    v.perms = perms;
  }
  reclassify(start, end);
}

void AddressSpace::remap(uint64_t old_addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len,
                         bool dont_unmap) {
  old_len = page_up(old_len);
  new_len = page_up(new_len);
  const uint64_t old_end = old_addr + old_len;
  if (new_addr == old_addr) {
    if (new_len < old_len) {
      erase_range(old_addr + new_len, old_end);
    } else if (new_len > old_len) {
      // Grow in place: the piece holding the last byte extends.
      auto it = pieces_.upper_bound(old_end - 1);
      if (it != pieces_.begin()) {
        --it;
        erase_range(old_end, old_addr + new_len);
        it = pieces_.upper_bound(old_end - 1);
        --it;
        it->second.end = old_addr + new_len;
      }
    }
    reclassify(old_addr, old_addr + std::max(old_len, new_len));
    return;
  }
  // Moved: lift the pieces out, shift them, drop them in at new_addr.
  const bool duplicate = old_len == 0;
  const uint64_t take = duplicate ? new_len : std::min(old_len, new_len);
  split_at(old_addr);
  split_at(old_addr + take);
  std::vector<Vma> moved;
  for (auto it = pieces_.lower_bound(old_addr); it != pieces_.end() && it->first < old_addr + take;
       ++it) {
    moved.push_back(it->second);
  }
  if (!duplicate && !dont_unmap) erase_range(old_addr, old_end);
  erase_range(new_addr, new_addr + new_len);
  for (Vma& v : moved) {
    v.start = v.start - old_addr + new_addr;
    v.end = v.end - old_addr + new_addr;
  }
  if (!moved.empty() && new_len > take) moved.back().end = new_addr + new_len;
  for (Vma& v : moved) pieces_.emplace(v.start, std::move(v));
  if (moved.empty()) uncertain_ = true;  // moved something the model did not know about
  reclassify(old_addr, old_end);
  reclassify(new_addr, new_addr + new_len);
}

void AddressSpace::brk(uint64_t new_brk, uint32_t heap_mapping) {
  if (brk_start_ == 0) {
    // Before the heap exists, the break is start_brk (brk(0) asks for it).
    brk_start_ = brk_ = new_brk;
    return;
  }
  const uint64_t old_end = page_up(brk_);
  const uint64_t new_end = page_up(new_brk);
  brk_ = std::max(new_brk, brk_start_);
  if (new_end > old_end) {
    const uint64_t from = std::max(old_end, brk_start_);
    Vma heap;
    heap.start = from;
    heap.end = new_end;
    heap.perms = kPermRead | kPermWrite;
    heap.path = "[heap]";
    heap.offset = from;
    heap.accounted = true;
    heap.kind = heap.base_kind = VmaKind::kHeap;
    heap.mapping = heap_mapping;
    // Extending an existing heap piece keeps its lineage.
    auto it = pieces_.upper_bound(from - 1);
    if (it != pieces_.begin() && from > 0) {
      --it;
      if (it->second.end == from && it->second.base_kind == VmaKind::kHeap) {
        heap.mapping = it->second.mapping;
        heap.perms = it->second.perms;
      }
    }
    map(heap);
  } else if (new_end < old_end) {
    erase_range(std::max(new_end, brk_start_), old_end);
    reclassify(new_end, old_end);
  }
}

void AddressSpace::mark_uncertain(uint64_t start, uint64_t len) {
  const uint64_t end = start + page_up(len);
  for (auto it = pieces_.lower_bound(start); it != pieces_.end() && it->first < end; ++it) {
    it->second.uncertain = true;
  }
  auto it = pieces_.upper_bound(start);
  if (it != pieces_.begin() && std::prev(it)->second.end > start) {
    std::prev(it)->second.uncertain = true;
  }
  uncertain_ = true;
}

void AddressSpace::mark_all_uncertain() {
  for (auto& [start, v] : pieces_) v.uncertain = true;
  uncertain_ = true;
}

void AddressSpace::note_write_fault(uint64_t address) {
  auto it = pieces_.upper_bound(address);
  if (it == pieces_.begin()) return;
  --it;
  if (!it->second.contains(address) || it->second.shared || it->second.anon_vma != 0) return;
  // The kernel attaches one anon_vma to the whole VMA: every piece the view
  // would merge with this one.
  auto first = it;
  while (first != pieces_.begin() && mergeable(std::prev(first)->second, first->second)) --first;
  auto last = it;
  while (std::next(last) != pieces_.end() && mergeable(last->second, std::next(last)->second)) ++last;
  // A piece merged into a VMA that already has one shares it.
  uint32_t id = 0;
  for (auto p = first; id == 0; ++p) {
    id = p->second.anon_vma;
    if (p == last) break;
  }
  // Else find_mergeable_anon_vma(): a neighbour that differs only in its
  // permissions lends its anon_vma, so an mprotect can merge them later.
  auto lends = [&](const Vma& left, const Vma& right, const Vma& other) {
    Vma l = left, r = right;
    l.perms = r.perms;
    l.anon_vma = r.anon_vma = 0;
    return other.anon_vma != 0 && mergeable(l, r);
  };
  if (id == 0 && std::next(last) != pieces_.end() &&
      lends(last->second, std::next(last)->second, std::next(last)->second)) {
    id = std::next(last)->second.anon_vma;
  }
  if (id == 0 && first != pieces_.begin() &&
      lends(std::prev(first)->second, first->second, std::prev(first)->second)) {
    id = std::prev(first)->second.anon_vma;
  }
  if (id == 0) id = ++next_anon_vma_;
  for (auto p = first;; ++p) {
    if (p->second.anon_vma == 0) p->second.anon_vma = id;
    if (p == last) break;
  }
}

const Vma* AddressSpace::find(uint64_t address) const {
  auto it = pieces_.upper_bound(address);
  if (it == pieces_.begin()) return nullptr;
  --it;
  return it->second.contains(address) ? &it->second : nullptr;
}

std::vector<Vma> AddressSpace::vmas() const {
  std::vector<Vma> out;
  out.reserve(pieces_.size());
  for (const auto& [start, v] : pieces_) {
    if (!out.empty() && mergeable(out.back(), v)) {
      out.back().end = v.end;
      if (out.back().anon_vma == 0) out.back().anon_vma = v.anon_vma;
      out.back().uncertain = out.back().uncertain || v.uncertain;
      continue;
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace pagescope::model
