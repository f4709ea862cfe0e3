// One process's virtual address space as an interval map of VMA pieces,
// seeded from a /proc/PID/maps snapshot and moved forward by the memory
// syscalls that succeeded. Pieces are never merged in place: vmas() coalesces
// adjacent compatible pieces the way the kernel's vma_merge() would, so a
// piece keeps its lineage (`mapping`) for attribution while the view still
// matches what /proc/PID/maps shows.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "inspector/model/vma.h"

namespace pagescope::model {

class AddressSpace {
 public:
  // Replaces everything with a snapshot (sorted, non-overlapping, as parsed
  // from maps); classifies kinds and clears uncertainty. The executable's
  // path is taken from the lowest file mapping when `exe_path` is empty.
  void reset(std::vector<Vma> vmas, std::string exe_path = {});
  void clear();

  // mmap/shmat result [start, start+len): replaces whatever was there
  // (MAP_FIXED, or a range the model did not know was free).
  void map(const Vma& vma);
  void unmap(uint64_t start, uint64_t len);
  void protect(uint64_t start, uint64_t len, uint8_t perms);
  // A successful mremap that returned `new_addr`. `dont_unmap`: the source
  // stays mapped (MREMAP_DONTUNMAP). old_len == 0 duplicates a shared mapping.
  void remap(uint64_t old_addr, uint64_t old_len, uint64_t new_addr, uint64_t new_len,
             bool dont_unmap);
  // A brk() that returned `new_brk` (the break after the call). `heap_mapping`
  // names the lineage of any new heap piece.
  void brk(uint64_t new_brk, uint32_t heap_mapping);

  // Marks [start, start+len) (or everything) as not to be trusted until the next reset().
  void mark_uncertain(uint64_t start, uint64_t len);
  void mark_all_uncertain();
  // Gives every piece of lineage `from` the lineage `to(from)` (a forked copy).
  template <typename Fn>
  void relabel(Fn&& to) {
    for (auto& [start, v] : pieces_) v.mapping = to(v.mapping);
  }

  // Names the file of the pieces in [start, end) that are file mappings with
  // no path yet and whose offsets agree with `file` mapped at `start` from
  // `offset` (so a mapping replaced since is left alone): they take its path,
  // inode and device. Returns one named piece per lineage, with its kind
  // classified again ("file" becomes "shlib"...).
  std::vector<Vma> name_file(uint64_t start, uint64_t end, uint64_t offset, const Vma& file);

  // A write fault at `address`: a private VMA gets its anon_vma now.
  void note_write_fault(uint64_t address);

  // The piece containing `address`, or nullptr. O(log n), no allocation.
  const Vma* find(uint64_t address) const;
  // As /proc/PID/maps would show it (adjacent compatible pieces coalesced).
  std::vector<Vma> vmas() const;
  const std::map<uint64_t, Vma>& pieces() const { return pieces_; }

  bool seeded() const { return seeded_; }        // a snapshot has been applied
  bool uncertain() const { return uncertain_; }  // something since then was not seen
  const std::string& exe_path() const { return exe_path_; }
  uint64_t brk_start() const { return brk_start_; }
  uint64_t brk_current() const { return brk_; }

 private:
  void split_at(uint64_t address);
  void erase_range(uint64_t start, uint64_t end);
  void reclassify(uint64_t start, uint64_t end);

  std::map<uint64_t, Vma> pieces_;  // by start
  std::string exe_path_;
  uint64_t brk_start_ = 0;  // 0: unknown
  uint64_t brk_ = 0;
  uint32_t next_anon_vma_ = 0;
  bool seeded_ = false;
  bool uncertain_ = false;
};

// Whether two adjacent VMAs would be one in /proc/PID/maps.
bool mergeable(const Vma& a, const Vma& b);

// Empty when `model` lists the same VMAs as `kernel` (start, end, perms,
// sharing, file offset); otherwise the first difference, one line. [stack]
// is compared by its end only: it grows on faults, not syscalls.
std::string layout_difference(const std::vector<Vma>& model, const std::vector<Vma>& kernel);

}  // namespace pagescope::model
