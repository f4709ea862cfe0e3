#include "tui/recording.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "inspector/capture/output_file.h"

namespace pagescope::tui {

std::vector<std::string> record_arguments(const std::string& output, const std::vector<int32_t>& pids) {
  std::vector<std::string> a{"record", "-o", output};
  if (pids.empty()) {
    a.push_back("--all");
  } else {
    for (int32_t p : pids) {
      a.push_back("-p");
      a.push_back(std::to_string(p));
    }
  }
  return a;
}

std::string recording_path(const std::string& dir, int64_t unix_seconds) {
  time_t t = time_t(unix_seconds);
  tm local{};
  localtime_r(&t, &local);
  char name[64];
  strftime(name, sizeof name, "pagescope-top-%Y%m%d-%H%M%S.psc", &local);
  return (dir.empty() ? std::string(".") : dir) + "/" + name;
}

Result<std::unique_ptr<Recording>> Recording::start(const std::string& exe, const std::vector<std::string>& args,
                                                    std::string output, std::string log_path) {
  // top runs as root, often in a directory others can write: the log is a
  // new file of ours, never one a planted symlink or hard link points to
  // (the name is removed first, not what it points to; O_EXCL then fails on
  // anything planted again meanwhile). The capture itself is the recorder's
  // to create safely (inspector/capture/output_file.h).
  if (unlink(log_path.c_str()) != 0 && errno != ENOENT)
    return Error{log_path + ": cannot replace (" + std::strerror(errno) + ")"};
  int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (log < 0) return Error{log_path + ": cannot create (" + std::strerror(errno) + ")"};
  std::vector<std::string> argv_s{exe};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    ::close(log);
    return Error{std::string("cannot start the recorder: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    // Its own process group: Ctrl-C in top's terminal is top's to handle.
    setpgid(0, 0);
    // If top dies without stopping it, stop as after Ctrl-C (the capture is closed).
    prctl(PR_SET_PDEATHSIG, SIGINT);
    if (getppid() != parent) _exit(1);
    int null = ::open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    execv(exe.c_str(), argv.data());
    dprintf(2, "cannot run %s: %s\n", exe.c_str(), std::strerror(errno));
    _exit(127);
  }
  ::close(log);
  std::unique_ptr<Recording> r(new Recording());
  r->pid_ = pid;
  r->output_ = std::move(output);
  r->log_path_ = std::move(log_path);
  return r;
}

Recording::~Recording() {
  if (pid_ > 0) (void)stop();
}

void Recording::reap(int status) {
  pid_ = -1;
  if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
  else exit_code_ = 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

bool Recording::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) reap(status);
  return pid_ > 0;
}

std::string Recording::failure() const {
  std::ifstream in(log_path_);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

Status Recording::stop(int timeout_ms) {
  if (pid_ > 0) {
    kill(pid_, SIGINT);
    int status = 0;
    for (int waited = 0; pid_ > 0; waited += 20) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        reap(status);
        break;
      }
      if (waited >= timeout_ms) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        reap(status);
        return Error{"the recorder did not stop within " + std::to_string(timeout_ms) + " ms and was killed; " +
                     "what it recorded is in " + capture::OutputFile::temp_pattern(output_) + " (not renamed to " +
                     output_ + ")"};
      }
      timespec ts{0, 20 * 1000 * 1000};
      nanosleep(&ts, nullptr);
    }
  }
  // record exits 0 (or 130 after SIGINT, like a Ctrl-C) once the capture is closed.
  if (exit_code_ != 0 && exit_code_ != 130) {
    std::string why = failure();
    return Error{"the recorder exited with " + std::to_string(exit_code_) + (why.empty() ? "" : ": " + why)};
  }
  return {};
}

}  // namespace pagescope::tui
