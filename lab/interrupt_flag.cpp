#include "lab/interrupt_flag.h"

namespace pagescope::lab {
namespace {

// The one piece of process-wide state in the lab: a signal handler can reach
// nothing else.
volatile std::sig_atomic_t g_caught_signal = 0;

extern "C" void record_signal(int sig) { g_caught_signal = sig; }

}  // namespace

InterruptFlag::InterruptFlag() {
  g_caught_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = record_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
  sigaction(SIGHUP, &sa, &old_hup_);
}

InterruptFlag::~InterruptFlag() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  sigaction(SIGHUP, &old_hup_, nullptr);
}

bool InterruptFlag::raised() const { return g_caught_signal != 0; }
int InterruptFlag::signal_number() const { return g_caught_signal; }

}  // namespace pagescope::lab
