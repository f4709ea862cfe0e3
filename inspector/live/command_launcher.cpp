#include "inspector/live/command_launcher.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace pagescope::live {

Result<CommandLauncher> CommandLauncher::spawn(const std::vector<std::string>& argv,
                                               const std::string& cgroup) {
  int release[2], error[2], usage[2];
  if (pipe2(release, O_CLOEXEC) != 0 || pipe2(error, O_CLOEXEC) != 0 ||
      pipe2(usage, O_CLOEXEC) != 0) {
    return Error{std::string("pipe: ") + strerror(errno)};
  }
  pid_t pid = fork();
  if (pid < 0) return Error{std::string("fork: ") + strerror(errno)};
  if (pid == 0) {
    close(release[1]);
    close(error[0]);
    close(usage[0]);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    char byte;
    if (read(release[0], &byte, 1) != 1) _exit(127);  // recorder gave up
    int err = 0;
    if (!cgroup.empty()) {
      int fd = open((cgroup + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
      std::string me = std::to_string(getpid());
      if (fd < 0 || write(fd, me.data(), me.size()) < 0) err = errno ? errno : EIO;
      if (fd >= 0) close(fd);
    }
    // Stop right after exec so the recorder can snapshot the fresh image
    // before it runs (a short command would otherwise be gone first).
    if (err == 0 && ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0) err = errno;
    if (err == 0) {
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      rusage ru{};
      getrusage(RUSAGE_SELF, &ru);
      PreExecFaults pre{static_cast<uint64_t>(ru.ru_minflt), static_cast<uint64_t>(ru.ru_majflt)};
      (void)!write(usage[1], &pre, sizeof(pre));
      execvp(args[0], args.data());
      err = errno;
    }
    (void)!write(error[1], &err, sizeof(err));
    _exit(127);
  }
  close(release[0]);
  close(error[1]);
  close(usage[1]);
  CommandLauncher c;
  c.pid_ = pid;
  c.release_fd_ = release[1];
  c.error_fd_ = error[0];
  c.usage_fd_ = usage[0];
  c.what_ = cgroup.empty() ? "cannot run '" + argv[0] + "'"
                           : "cannot run '" + argv[0] + "' (or join --cgroup " + cgroup + ")";
  return c;
}

CommandLauncher::CommandLauncher(CommandLauncher&& o) noexcept
    : pid_(o.pid_), release_fd_(o.release_fd_), error_fd_(o.error_fd_), usage_fd_(o.usage_fd_),
      what_(std::move(o.what_)), pre_exec_(o.pre_exec_), reaped_(o.reaped_) {
  o.pid_ = -1;
  o.release_fd_ = o.error_fd_ = o.usage_fd_ = -1;
}

CommandLauncher::~CommandLauncher() { close_fds(); }

void CommandLauncher::close_fds() {
  for (int* fd : {&release_fd_, &error_fd_, &usage_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

Result<bool> CommandLauncher::release() {
  char go = 1;
  if (write(release_fd_, &go, 1) != 1) {
    int err = errno;
    abandon();
    return Error{"cannot start the command: " + std::string(strerror(err))};
  }
  close(release_fd_);
  release_fd_ = -1;
  int err = 0;
  ssize_t n = read(error_fd_, &err, sizeof(err));  // EOF when exec succeeded
  PreExecFaults pre;
  if (read(usage_fd_, &pre, sizeof(pre)) == sizeof(pre)) pre_exec_ = pre;
  close_fds();
  if (n == sizeof(err)) {
    waitpid(pid_, nullptr, 0);
    reaped_ = true;
    return Error{what_ + ": " + strerror(err)};
  }
  // The exec succeeded: the child stops at its first instruction.
  int st = 0;
  return waitpid(pid_, &st, 0) == pid_ && WIFSTOPPED(st);
}

void CommandLauncher::detach() { ptrace(PTRACE_DETACH, pid_, nullptr, nullptr); }

std::optional<CommandExit> CommandLauncher::try_reap() {
  if (reaped_) return std::nullopt;
  int status = 0;
  rusage ru{};
  if (wait4(pid_, &status, WNOHANG, &ru) != pid_) return std::nullopt;
  reaped_ = true;
  return CommandExit{status, static_cast<uint64_t>(ru.ru_minflt), static_cast<uint64_t>(ru.ru_majflt)};
}

std::optional<int> CommandLauncher::reap_after_interrupt() {
  if (reaped_) return std::nullopt;
  int status = 0;
  auto wait_for = [&](int tenths) {
    for (int i = 0; i < tenths * 2; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) return true;
      usleep(50000);
    }
    return false;
  };
  // A terminal's Ctrl-C reached the command too: it ends by itself. A signal
  // only record got (the lab's SIGTERM, kill PID) did not: end it as perf
  // record ends its workload, so it never outlives the recording as an
  // orphan left for init to reap.
  if (!wait_for(10)) {
    kill(pid_, SIGTERM);
    if (!wait_for(20)) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
  }
  reaped_ = true;
  return status;
}

void CommandLauncher::abandon() {
  close_fds();  // the child reads EOF and exits 127
  if (!reaped_ && pid_ > 0) waitpid(pid_, nullptr, 0);
  reaped_ = true;
}

}  // namespace pagescope::live
