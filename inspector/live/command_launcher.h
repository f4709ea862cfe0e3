// `record -- CMD`: the command's process, forked before tracing starts and
// held until the tracer follows it, then stopped at its first instruction
// after exec (PTRACE_TRACEME) so its fresh layout can be snapshotted, and
// reaped with its rusage for the fault check.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::live {

// What the child had counted just before exec: faults it took as a copy of
// the recorder, some before tracing began. wait4's count includes them.
struct PreExecFaults {
  uint64_t minor = 0;
  uint64_t major = 0;
};

struct CommandExit {
  int status = 0;  // wait status
  uint64_t minor_faults = 0;  // wait4's ru_minflt (the command and the children it reaped)
  uint64_t major_faults = 0;
};

class CommandLauncher {
 public:
  // Forks; the child waits for release(), joins `cgroup` (if any), then execs argv.
  static Result<CommandLauncher> spawn(const std::vector<std::string>& argv, const std::string& cgroup);
  CommandLauncher(CommandLauncher&& other) noexcept;
  CommandLauncher& operator=(CommandLauncher&&) = delete;
  ~CommandLauncher();

  pid_t pid() const { return pid_; }

  // Lets the child exec and waits until it is stopped at its first
  // instruction (true) or has exited without one; an exec failure is an
  // Error naming the command (and the cgroup when one was joined).
  Result<bool> release();
  // Lets the stopped child run (after its exec snapshot).
  void detach();
  const PreExecFaults& pre_exec() const { return pre_exec_; }

  // Non-blocking: the exit once the command has ended.
  std::optional<CommandExit> try_reap();
  // After Ctrl-C: the command got the same SIGINT from the terminal; give it
  // up to a second, then SIGTERM, two more, then SIGKILL; always reaped.
  std::optional<int> reap_after_interrupt();
  // Before release: the child reads EOF, exits 127 and is reaped.
  void abandon();

 private:
  CommandLauncher() = default;
  void close_fds();

  pid_t pid_ = -1;
  int release_fd_ = -1;  // write a byte to let the child exec
  int error_fd_ = -1;    // the child writes errno here if exec fails
  int usage_fd_ = -1;    // the child writes its fault counts just before exec
  std::string what_;     // "cannot run 'CMD'" for errors
  PreExecFaults pre_exec_;
  bool reaped_ = false;
};

}  // namespace pagescope::live
