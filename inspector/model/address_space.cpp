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
      a.base_kind != b.base_kind) {
    return false;
  }
  if (a.snapshot_line != 0 && b.snapshot_line != 0 && a.snapshot_line != b.snapshot_line) {
    return false;
  }
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
  uint32_t line = 0;
  for (Vma& v : vmas) {
    v.uncertain = false;
    v.snapshot_line = ++line;
    if (v.path == "[heap]") {
      // The heap starts at start_brk; the break is somewhere in its last page.
      brk_start_ = v.start;
      brk_ = v.end;
      v.base_kind = VmaKind::kHeap;
    } else if (v.path == "[stack]") {
      v.base_kind = VmaKind::kStack;
    }
    pieces_.emplace_hint(pieces_.end(), v.start, std::move(v));
  }
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
  if (right.file) right.offset += address - left.start;
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

void AddressSpace::reclassify(uint64_t start, uint64_t end) {
  auto it = pieces_.lower_bound(start);
  if (it != pieces_.begin()) --it;
  const Vma* prev = nullptr;
  if (it != pieces_.begin()) prev = &std::prev(it)->second;
  // One piece past the range: its kind may depend on a neighbour that changed.
  bool past = false;
  for (; it != pieces_.end(); ++it) {
    if (it->first >= end) {
      if (past) break;
      past = true;
    }
    it->second.kind = classify(it->second, prev, exe_path_);
    prev = &it->second;
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
    it->second.perms = perms;
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
      out.back().uncertain = out.back().uncertain || v.uncertain;
      continue;
    }
    out.push_back(v);
  }
  return out;
}

}  // namespace pagescope::model
