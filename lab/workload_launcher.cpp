#include "lab/workload_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace pagescope::lab {
namespace {

std::vector<char*> c_argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

bool record_supports_cgroup(const std::string& self_exe) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return false;
  std::vector<std::string> args = {self_exe, "record", "--help"};
  std::vector<char*> argv = c_argv(args);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return false;
  }
  if (pid == 0) {
    ::dup2(pipefd[1], STDOUT_FILENO);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipefd[1]);
  std::string help;
  char buf[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    pollfd p{pipefd[0], POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    ssize_t n = ::read(pipefd[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    help.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipefd[0]);
  ::kill(pid, SIGKILL);  // no-op when it already exited
  int status;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return help.find("--cgroup") != std::string::npos;
}

// /proc/self/exe resolved, so the capture's command line names the binary.
std::string resolved_self(const std::string& self_exe) {
  char buf[4096];
  ssize_t n = ::readlink(self_exe.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : self_exe;
}

Result<LaunchedWorkload> launch_workload(const LaunchRequest& request) {
  LaunchedWorkload out;
  if (!request.capture_path.empty()) {
    if (record_supports_cgroup(request.self_exe)) {
      out.recording = true;
      out.argv = {resolved_self(request.self_exe), "record", "--cgroup", request.cgroup_dir,
                  "-o",                           request.capture_path};
      out.argv.insert(out.argv.end(), request.record_args.begin(), request.record_args.end());
      out.argv.push_back("--");
    } else {
      out.note = "this pagescope's `record` has no --cgroup; the workload runs unrecorded and no capture is written";
    }
  } else {
    out.note = "no -o given; no capture is written";
  }
  out.argv.insert(out.argv.end(), request.workload_argv.begin(), request.workload_argv.end());

  // Everything the child needs is prepared before fork.
  std::vector<std::string> args = out.argv;
  std::vector<char*> argv = c_argv(args);
  std::string procs = request.cgroup_dir + "/cgroup.procs";
  bool join_cgroup = !out.recording;
  int errpipe[2];
  if (::pipe2(errpipe, O_CLOEXEC) != 0) return Error{std::string("pipe: ") + std::strerror(errno)};

  pid_t pid = ::fork();
  if (pid < 0) return Error{std::string("fork: ") + std::strerror(errno)};
  if (pid == 0) {
    ::close(errpipe[0]);
    // The lab's own handlers are replaced by the defaults on exec anyway; the
    // signal mask is not, so clear it.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (join_cgroup) {
      // "0" means "the writing process" in cgroup.procs (v1 and v2).
      int fd = ::open(procs.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || ::write(fd, "0", 1) != 1) {
        int err = errno;
        (void)!::write(errpipe[1], &err, sizeof err);
        ::_exit(126);
      }
      ::close(fd);
    }
    ::execv(argv[0], argv.data());
    int err = errno;
    (void)!::write(errpipe[1], &err, sizeof err);
    ::_exit(127);
  }
  ::close(errpipe[1]);
  // The pipe closes on a successful exec; otherwise it carries the errno.
  int child_err = 0;
  ssize_t n;
  do {
    n = ::read(errpipe[0], &child_err, sizeof child_err);
  } while (n < 0 && errno == EINTR);
  ::close(errpipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_err)) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    bool join_failed = WIFEXITED(status) && WEXITSTATUS(status) == 126;
    return Error{(join_failed ? "cannot join cgroup " + procs : "cannot run " + out.argv[0]) + ": " +
                 std::strerror(child_err)};
  }
  out.pid = pid;
  return out;
}

}  // namespace pagescope::lab
