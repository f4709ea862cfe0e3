// `r` in top: a `pagescope record` child writing what is on screen to a
// capture file, from now until `r` again (or top ends). The child runs in its
// own process group (terminal signals go to top, which stops it with SIGINT so
// the capture is closed completely) and dies with top if top is killed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::tui {

// The record command line: every process (no pids) or these pids and their children.
std::vector<std::string> record_arguments(const std::string& output, const std::vector<int32_t>& pids);
// "DIR/pagescope-top-20260101-120000.psc" for a wall-clock time.
std::string recording_path(const std::string& dir, int64_t unix_seconds);

class Recording {
 public:
  // Starts `exe args...`; stderr goes to `log_path` (shown when it fails).
  static Result<std::unique_ptr<Recording>> start(const std::string& exe, const std::vector<std::string>& args,
                                                  std::string output, std::string log_path);
  ~Recording();  // stops it
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;

  const std::string& output() const { return output_; }
  // False once the child has exited (on its own or after stop()).
  bool running();
  // SIGINT, then waits up to timeout_ms (SIGKILL after). The exit status text
  // and the last line of the log when it did not end cleanly.
  Status stop(int timeout_ms = 5000);
  // Why it ended on its own (the log's last line), once running() is false.
  std::string failure() const;
  int exit_code() const { return exit_code_; }

 private:
  Recording() = default;
  void reap(int status);

  pid_t pid_ = -1;
  std::string output_;
  std::string log_path_;
  int exit_code_ = -1;
};

}  // namespace pagescope::tui
