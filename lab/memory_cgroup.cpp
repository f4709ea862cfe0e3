#include "lab/memory_cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "lab/sys_file.h"

namespace pagescope::lab {
namespace {

bool has_word(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string w;
  while (in >> w)
    if (w == word) return true;
  return false;
}

std::vector<pid_t> members(const std::string& path) {
  std::vector<pid_t> pids;
  auto text = read_sys_file(path + "/cgroup.procs");
  if (!text) return pids;
  std::istringstream in(*text);
  long pid;
  while (in >> pid) pids.push_back(static_cast<pid_t>(pid));
  return pids;
}

}  // namespace

Result<MemoryHierarchy> find_memory_hierarchy() {
  // v2 first: the pure-v2 mount, then the hybrid "unified" mount. The memory
  // controller must be enabled for children of the root (subtree_control);
  // on a hybrid system it is usually bound to v1 and absent here.
  for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
    auto subtree = read_sys_file(std::string(root) + "/cgroup.subtree_control");
    if (subtree && has_word(*subtree, "memory")) return MemoryHierarchy{CgroupVersion::kV2, root};
  }
  if (path_exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
    return MemoryHierarchy{CgroupVersion::kV1, "/sys/fs/cgroup/memory"};
  return Error{
      "memory cgroups are unavailable: no v2 hierarchy with the memory controller enabled and no v1 "
      "memory hierarchy at /sys/fs/cgroup/memory"};
}

Result<std::unique_ptr<MemoryCgroup>> MemoryCgroup::create(const MemoryHierarchy& hierarchy, const std::string& name,
                                                           std::uint64_t limit_bytes) {
  std::string path = hierarchy.root + "/" + name;
  if (::mkdir(path.c_str(), 0755) != 0) {
    if (errno == EEXIST) return Error{"cgroup busy: " + path + " already exists (another lab, or a leftover)"};
    return Error{"cannot create cgroup " + path + ": " + std::strerror(errno)};
  }
  std::unique_ptr<MemoryCgroup> cg(new MemoryCgroup(hierarchy.version, path));
  // From here on the destructor removes the directory on any failure.
  Status s;
  if (hierarchy.version == CgroupVersion::kV1) {
    s = write_sys_file(path + "/memory.limit_in_bytes", std::to_string(limit_bytes));
  } else {
    s = write_sys_file(path + "/memory.max", std::to_string(limit_bytes));
    // Swap must be allowed, or the limit means OOM instead of swapping.
    if (s && path_exists(path + "/memory.swap.max")) s = write_sys_file(path + "/memory.swap.max", "max");
  }
  if (!s) return Error{s.message()};
  return cg;
}

Status remove_cgroup_dir(const std::string& path) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    std::vector<pid_t> pids = members(path);
    if (pids.empty() && ::rmdir(path.c_str()) == 0) return Status::Ok();
    if (pids.empty() && errno == ENOENT) return Status::Ok();
    for (pid_t pid : pids) ::kill(pid, SIGKILL);
    if (std::chrono::steady_clock::now() > deadline)
      return Error{"cannot remove cgroup " + path + ": " +
                   (pids.empty() ? std::string(std::strerror(errno))
                                 : std::to_string(pids.size()) + " processes would not die")};
    // A killed task leaves the cgroup only once it has exited and been reaped.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status MemoryCgroup::teardown() {
  if (torn_down_) return Status::Ok();
  Status s = remove_cgroup_dir(path_);
  if (s) torn_down_ = true;
  return s;
}

MemoryCgroup::~MemoryCgroup() { teardown(); }

Result<CgroupStats> MemoryCgroup::read_stats() const {
  CgroupStats st;
  auto stat = read_sys_file(path_ + "/memory.stat");
  if (!stat) return stat.error();
  st.stat = parse_key_values(*stat);
  if (auto it = st.stat.find("swap"); it != st.stat.end()) st.swap_bytes = it->second;
  if (version_ == CgroupVersion::kV1) {
    if (auto v = read_sys_number(path_ + "/memory.failcnt")) st.limit_hits = *v;
    if (auto v = read_sys_number(path_ + "/memory.max_usage_in_bytes")) st.peak_bytes = *v;
    if (auto oom = read_sys_file(path_ + "/memory.oom_control")) {
      auto kv = parse_key_values(*oom);
      if (auto it = kv.find("oom_kill"); it != kv.end()) st.oom_kills = it->second;
    }
  } else {
    if (auto events = read_sys_file(path_ + "/memory.events")) {
      auto kv = parse_key_values(*events);
      st.limit_hits = kv["max"];
      st.oom_kills = kv["oom_kill"];
    }
    if (auto v = read_sys_number(path_ + "/memory.peak")) st.peak_bytes = *v;
    if (auto v = read_sys_number(path_ + "/memory.swap.current")) st.swap_bytes = *v;
  }
  return st;
}

}  // namespace pagescope::lab
