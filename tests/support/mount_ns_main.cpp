// The GoogleTest main of every real-kernel test binary (pagescope_test(...
// LOCK kernel)). With --mount-ns=MODE before the tests run, the process moves
// into a private mount namespace and sets tracefs up there as MODE says; every
// child (the tests run `pagescope record` as a subprocess) inherits it, and
// the host's mounts never change (issue 12: tests must not depend on how the
// machine was set up by hand, and must not set it up either).
//
//   --mount-ns=no-tracefs  every tracefs and debugfs mount is detached (a
//                          fresh machine as booted: /sys/kernel/tracing empty)
//   --mount-ns=tracefs     tracefs is mounted at /sys/kernel/tracing when absent
//
// Without root there is nothing to unshare and nothing to test: the real-kernel
// tests skip with their own reason, so the binary runs them unchanged. Any
// other failure (an unknown mode, unshare or umount refused, tracefs still
// there) ends the run with exit 1 before a test runs: a variant that silently
// ran in the host's namespace would prove nothing.
//
// The mode is passed on to the tests as PAGESCOPE_TEST_MOUNT_NS, so a failure
// message can say which namespace it happened in.
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

constexpr const char* kFlag = "--mount-ns=";
constexpr const char* kTracefs = "/sys/kernel/tracing";

struct Mount {
  std::string point;
  std::string fstype;
};

// Mount points unescape "\040" and friends (proc_pid_mountinfo(5)).
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      out += static_cast<char>(std::strtol(s.substr(i + 1, 3).c_str(), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Every tracefs and debugfs mount this process sees, in mountinfo order
// (a mount comes after the one it sits on).
std::vector<Mount> tracing_mounts() {
  std::vector<Mount> out;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, field;
    fields >> id >> parent >> dev >> root >> point;
    while (fields >> field && field != "-") {
    }
    std::string fstype;
    fields >> fstype;
    if (fstype == "tracefs" || fstype == "debugfs") out.push_back({unescape(point), fstype});
  }
  return out;
}

bool exists(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0;
}

std::string errno_text(const char* what, const std::string& arg) {
  return std::string(what) + "(" + arg + "): " + std::strerror(errno);
}

// Into a mount namespace of our own, whose mounts do not propagate back to
// the host's (systemd makes / shared; without MS_PRIVATE an umount here
// would reach the host).
std::string enter_private_namespace() {
  if (unshare(CLONE_NEWNS) != 0) return errno_text("unshare", "CLONE_NEWNS");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return errno_text("mount", "/, MS_REC|MS_PRIVATE");
  }
  return "";
}

// Detaches every tracefs and debugfs mount, innermost first, until none is
// left (a point can hold a stack of them). Returns "" or what failed.
std::string unmount_tracing(std::string* done) {
  for (int pass = 0; pass < 16; ++pass) {
    auto mounts = tracing_mounts();
    if (mounts.empty()) break;
    for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) {
      if (umount2(it->point.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
        return errno_text("umount2", it->point);
      }
      *done += (done->empty() ? "" : ", ") + it->fstype + " at " + it->point;
    }
  }
  if (!tracing_mounts().empty()) return "tracefs/debugfs still mounted after 16 passes";
  // tracefs also appears under debugfs (/sys/kernel/debug/tracing, an
  // automount); with both gone the events directory must be too.
  if (exists(std::string(kTracefs) + "/events")) {
    return std::string(kTracefs) + "/events still exists after unmounting";
  }
  return "";
}

std::string mount_tracefs(std::string* done) {
  if (!exists(std::string(kTracefs) + "/events")) {
    if (mount("nodev", kTracefs, "tracefs", 0, nullptr) != 0) {
      return errno_text("mount tracefs", kTracefs);
    }
    *done = std::string("tracefs mounted at ") + kTracefs;
  } else {
    *done = std::string("tracefs already at ") + kTracefs;
  }
  if (!exists(std::string(kTracefs) + "/events")) {
    return std::string(kTracefs) + "/events missing after mounting tracefs";
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode;
  bool have_mode = false;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], kFlag, std::strlen(kFlag)) == 0) {
      mode = argv[i] + std::strlen(kFlag);
      have_mode = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;

  if (have_mode) {
    if (mode != "no-tracefs" && mode != "tracefs") {
      std::fprintf(stderr, "mount-ns: unknown mode '%s' (no-tracefs or tracefs)\n", mode.c_str());
      return 1;
    }
    setenv("PAGESCOPE_TEST_MOUNT_NS", mode.c_str(), 1);
    if (geteuid() != 0) {
      std::fprintf(stderr, "mount-ns: %s: not root, running in the host's namespace "
                   "(the real-kernel tests skip)\n", mode.c_str());
    } else {
      std::string done, failed = enter_private_namespace();
      if (failed.empty()) failed = mode == "tracefs" ? mount_tracefs(&done) : unmount_tracing(&done);
      if (!failed.empty()) {
        std::fprintf(stderr, "mount-ns: %s: %s\n", mode.c_str(), failed.c_str());
        return 1;
      }
      std::fprintf(stderr, "mount-ns: %s: private mount namespace; %s\n", mode.c_str(),
                   done.empty() ? "no tracefs or debugfs was mounted" : done.c_str());
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
