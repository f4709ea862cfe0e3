// The terminal: the only place that talks to ncurses (screen.cpp). Opens the
// terminal or says clearly why it cannot, copies Canvas frames to it (ncurses
// redraws only changed cells), reads keys, and always restores the terminal:
// on destruction, on SIGINT/SIGTERM (which end the loop), and on fatal signals.
#pragma once

#include <memory>

#include "common/result.h"
#include "tui/canvas.h"

namespace pagescope::tui {

class Screen {
 public:
  // Fails (without touching the terminal) when stdin/stdout is not a tty or
  // TERM is unset, "dumb" or unknown.
  static Result<std::unique_ptr<Screen>> open();
  ~Screen();
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  int rows() const;
  int cols() const;
  bool has_colors() const { return colors_; }
  void show(const Canvas& canvas);
  // A key (tui/keys.h codes), or key::kNone after timeout_ms or a signal.
  int read_key(int timeout_ms);
  // SIGINT or SIGTERM arrived: the loop should end (the destructor restores).
  bool interrupted() const;

 private:
  Screen() = default;
  bool colors_ = false;
  void* screen_ = nullptr;  // SCREEN*, opaque here so this header needs no ncurses
};

}  // namespace pagescope::tui
