#include "inspector/model/vma.h"

#include <string_view>

namespace pagescope::model {

const char* vma_kind_name(VmaKind k) {
  switch (k) {
    case VmaKind::kText: return "text";
    case VmaKind::kData: return "data";
    case VmaKind::kBss: return "bss";
    case VmaKind::kHeap: return "heap";
    case VmaKind::kStack: return "stack";
    case VmaKind::kThreadStack: return "thread-stack";
    case VmaKind::kAnon: return "anon";
    case VmaKind::kFile: return "file";
    case VmaKind::kSharedLib: return "shlib";
    case VmaKind::kShm: return "shm";
    case VmaKind::kVdso: return "vdso";
    case VmaKind::kVvar: return "vvar";
    case VmaKind::kGuard: return "guard";
    case VmaKind::kCount: break;
  }
  return "?";
}

std::string perms_string(const Vma& v) {
  std::string s = "----";
  if (v.perms & kPermRead) s[0] = 'r';
  if (v.perms & kPermWrite) s[1] = 'w';
  if (v.perms & kPermExec) s[2] = 'x';
  s[3] = v.shared ? 's' : 'p';
  return s;
}

namespace {
bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool is_shared_object(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return base.find(".so") != std::string_view::npos;
}
}  // namespace

bool is_shared_memory_path(std::string_view path) {
  return starts_with(path, "/SYSV") || starts_with(path, "/dev/shm/") || starts_with(path, "/memfd:");
}

VmaKind classify(const Vma& v, const Vma* prev, const std::string& exe_path) {
  const std::string_view path = v.path;
  if (path == "[heap]") return VmaKind::kHeap;
  if (path == "[stack]") return VmaKind::kStack;
  if (path == "[vdso]" || path == "[vsyscall]") return VmaKind::kVdso;
  if (starts_with(path, "[vvar")) return VmaKind::kVvar;
  if (v.perms == 0 && !v.shared) return VmaKind::kGuard;
  if (is_shared_memory_path(path)) return VmaKind::kShm;
  if (v.file && !path.empty() && !starts_with(path, "[")) {
    const bool exe = !exe_path.empty() && (path == exe_path ||
                     (path.size() > exe_path.size() && starts_with(path, exe_path) &&
                      path.substr(exe_path.size()) == " (deleted)"));
    if (exe) return (v.perms & kPermWrite) ? VmaKind::kData : VmaKind::kText;
    if (is_shared_object(path)) return VmaKind::kSharedLib;
    return v.shared ? VmaKind::kShm : VmaKind::kFile;
  }
  if (v.file) return v.base_kind == VmaKind::kAnon ? VmaKind::kFile : v.base_kind;
  // Anonymous from here on.
  if (v.base_kind == VmaKind::kHeap || v.base_kind == VmaKind::kThreadStack ||
      v.base_kind == VmaKind::kShm || v.base_kind == VmaKind::kStack) {
    return v.base_kind;
  }
  if (v.shared) return VmaKind::kShm;
  if (prev && prev->end == v.start) {
    if (prev->file && (prev->perms & kPermWrite) && !prev->path.empty() &&
        (prev->path == exe_path || prev->kind == VmaKind::kData)) {
      return VmaKind::kBss;
    }
    // glibc's thread stacks: a PROT_NONE guard directly below the stack.
    // (Only a guess for memory first seen in a snapshot; a recorded mmap
    // says MAP_STACK itself.)
    if (!v.flags_known && prev->kind == VmaKind::kGuard && !prev->file &&
        (v.perms & kPermWrite)) {
      return VmaKind::kThreadStack;
    }
  }
  return VmaKind::kAnon;
}

}  // namespace pagescope::model
