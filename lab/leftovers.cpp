#include "lab/leftovers.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>

#include "lab/memory_cgroup.h"
#include "lab/sys_file.h"
#include "lab/zram_swap.h"

namespace pagescope::lab {
namespace {

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = ::readdir(d)) names.push_back(e->d_name);
  ::closedir(d);
  return names;
}

struct ZramMarker {
  std::string path;
  int device;
  bool hot_added;
};

std::vector<ZramMarker> zram_markers(const std::string& state_dir) {
  std::vector<ZramMarker> out;
  for (const std::string& name : dir_entries(state_dir)) {
    if (name.rfind("zram", 0) != 0 || name.size() == 4) continue;
    std::string path = state_dir + "/" + name;
    auto text = read_sys_file(path);
    if (!text) continue;
    auto kv = parse_key_values(*text);
    out.push_back({path, std::atoi(name.c_str() + 4), kv["hot_added"] == 1});
  }
  return out;
}

std::vector<std::string> lab_cgroups() {
  std::vector<std::string> out;
  for (const char* root : {"/sys/fs/cgroup/memory", "/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
    for (const std::string& name : dir_entries(root))
      if (name.rfind(kLabCgroupPrefix, 0) == 0) out.push_back(std::string(root) + "/" + name);
  return out;
}

}  // namespace

Result<std::vector<Leftover>> clean_leftovers(const std::string& state_dir) {
  std::vector<Leftover> removed;
  // Cgroups first: their processes may hold pages in the zram swap.
  for (const std::string& cg : lab_cgroups()) {
    if (Status s = remove_cgroup_dir(cg); !s) return Error{s.message()};
    removed.push_back({cg});
  }
  for (const ZramMarker& m : zram_markers(state_dir)) {
    if (path_exists("/sys/block/zram" + std::to_string(m.device))) {
      if (Status s = release_zram_device(m.device, m.hot_added); !s) return Error{s.message()};
    }
    ::unlink(m.path.c_str());
    removed.push_back({"/dev/zram" + std::to_string(m.device)});
  }
  return removed;
}

}  // namespace pagescope::lab
