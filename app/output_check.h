// Outputs are checked before any work (issue 17.15): an -o or --svg that can
// never be created is a bad command line (exit 2), said at once, not after
// minutes of replay.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace pagescope::app {

// Empty when `path` can be created: its directory exists and we may write in
// it. "-" (standard output) is always fine.
inline std::string output_problem(const std::string& path) {
  if (path == "-") return "";
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return path + ": cannot create: no directory " + dir.string();
  if (::access(dir.c_str(), W_OK) != 0)
    return path + ": cannot create: " + dir.string() + ": " + std::strerror(errno);
  return "";
}

}  // namespace pagescope::app
