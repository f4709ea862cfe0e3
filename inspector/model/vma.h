// One virtual memory area, as /proc/PID/maps shows it, plus what the model
// knows about where it came from.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pagescope::model {

inline constexpr uint8_t kPermRead = 1;
inline constexpr uint8_t kPermWrite = 2;
inline constexpr uint8_t kPermExec = 4;

enum class VmaKind : uint8_t {
  kText,         // the executable's own file mapping, not writable
  kData,         // the executable's writable file mapping
  kBss,          // anonymous memory right after the executable's data
  kHeap,         // brk area
  kStack,        // the main thread's stack
  kThreadStack,  // MAP_STACK, or anonymous memory right above a guard
  kAnon,         // anonymous mmap
  kFile,         // file mmap
  kSharedLib,    // a shared object's file mapping
  kShm,          // SysV shm, /dev/shm, shared anonymous memory
  kVdso,         // [vdso], [vsyscall]
  kVvar,         // [vvar], [vvar_vclock]
  kGuard,        // no access at all (---p)
  kCount,
};
inline constexpr int kVmaKindCount = int(VmaKind::kCount);
const char* vma_kind_name(VmaKind k);

struct Vma {
  uint64_t start = 0;
  uint64_t end = 0;
  uint8_t perms = 0;       // kPerm* bits
  bool shared = false;
  bool file = false;       // file-backed (path may still be unknown: mmap gives an fd)
  bool uncertain = false;  // built from incomplete information; trust the next maps snapshot
  bool flags_known = false;  // made by a recorded mmap: its flags (MAP_STACK...) are known
  // VM_ACCOUNT: private memory that was ever writable is charged to commit,
  // and stays charged after an mprotect to read-only (mprotect_fixup()), so
  // it no longer merges with never-writable neighbours (a RELRO segment).
  bool accounted = false;
  VmaKind kind = VmaKind::kAnon;
  VmaKind base_kind = VmaKind::kAnon;  // kind before any mprotect made it a guard
  uint64_t offset = 0;     // file offset of `start`, bytes
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  std::string path;        // as maps shows it: file path, [heap], [anon:name], ... or empty
  uint32_t mapping = 0;    // lineage: the mmap (or snapshot entry) this piece descends from
  // Stand-in for the kernel's anon_vma (0: none yet). Private VMAs merge only
  // when one has none or both share it (is_mergeable_anon_vma()), so two
  // separately written regions stay apart even with equal permissions.
  uint32_t anon_vma = 0;

  uint64_t size() const { return end - start; }
  bool contains(uint64_t a) const { return a >= start && a < end; }
};

// "rw-p" / "r-xs"
std::string perms_string(const Vma& v);

// The kind of a VMA from its own fields and its neighbours (previous VMA in
// address order, or nullptr) given the executable's path.
VmaKind classify(const Vma& v, const Vma* prev, const std::string& exe_path);
// A path maps shows for shared memory (SysV, POSIX /dev/shm, memfd): a shmem
// file to the kernel, memory to the program.
bool is_shared_memory_path(std::string_view path);

}  // namespace pagescope::model
