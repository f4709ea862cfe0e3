#include "inspector/model/mmap_file_path.h"

#include <cstring>
#include <string_view>
#include <vector>

namespace pagescope::model {

std::string mmap_file_path(const ps_mmap_file& r) {
  std::vector<std::string_view> parts;
  size_t at = 0;
  for (uint32_t i = 0; i < r.depth && at < sizeof r.names; ++i) {
    const size_t n = strnlen(r.names + at, sizeof r.names - at);
    parts.emplace_back(r.names + at, n);
    at += n + 1;
  }
  if (parts.empty()) return {};
  std::string path = (r.flags & PS_MMAP_FILE_TRUNCATED) ? "..." : "";
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) path.append("/").append(*it);
  return path;
}

}  // namespace pagescope::model
