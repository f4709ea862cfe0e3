// SIGINT/SIGTERM/SIGHUP while the lab runs: the handler only records the signal; the
// lab's wait loop sees it, stops the workload and tears everything down in
// ordinary code. (A signal handler cannot safely swapoff or rmdir.)
#pragma once

#include <csignal>

namespace pagescope::lab {

class InterruptFlag {
 public:
  // Installs handlers for SIGINT, SIGTERM and SIGHUP (terminal closed) without SA_RESTART, so a blocking
  // wait returns EINTR promptly; the previous handlers return on destruction.
  InterruptFlag();
  ~InterruptFlag();
  InterruptFlag(const InterruptFlag&) = delete;
  InterruptFlag& operator=(const InterruptFlag&) = delete;

  bool raised() const;
  int signal_number() const;  // the last signal caught, 0 if none

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_hup_ {};
};

}  // namespace pagescope::lab
