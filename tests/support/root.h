// The one way a test that needs root says so. Without root such a test is
// skipped with "needs root: <what needs it>", in the same words everywhere,
// so a run of `ctest -L kernel` as a normal user lists what did not run and
// why. (Every such test is also registered with LOCK kernel:
// tests/CMakeLists.txt.)
#pragma once

#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

namespace pagescope {

// "" as root; otherwise "needs root: " + what, for helpers that collect every
// reason a test cannot run here (no root, no BTF, no binary) before skipping.
inline std::string root_skip_reason(const std::string& what) {
  return ::geteuid() == 0 ? "" : "needs root: " + what;
}

}  // namespace pagescope

// In a test body or SetUp(): skips the test unless it runs as root.
#define SKIP_UNLESS_ROOT(what)                                                   \
  do {                                                                           \
    const std::string why_not_root = ::pagescope::root_skip_reason(what);        \
    if (!why_not_root.empty()) GTEST_SKIP() << why_not_root;                     \
  } while (0)
