// The terminal: the only place that talks to ncurses (screen.cpp). Opens the
// terminal or says clearly why it cannot, copies Canvas frames to it (ncurses
// redraws only changed cells), reads keys, and always restores the terminal:
// on destruction, on SIGINT/SIGTERM (which end the loop), and on fatal signals.
#pragma once

#include <memory>

#include "common/result.h"
#include "tui/canvas.h"

namespace pagescope::tui {

// What the explorer's loop needs of a terminal: its size, a frame to show,
// keys. Screen is the real one; tests drive the loop with a fake.
class Terminal {
 public:
  virtual ~Terminal() = default;
  virtual int rows() const = 0;
  virtual int cols() const = 0;
  virtual void show(const Canvas& canvas) = 0;
  // A key (tui/keys.h codes), or key::kNone after timeout_ms or a signal.
  virtual int read_key(int timeout_ms) = 0;
  // The loop should end (SIGINT or SIGTERM for the Screen).
  virtual bool interrupted() const = 0;
};

class Screen : public Terminal {
 public:
  // Fails (without touching the terminal) when stdin/stdout is not a tty or
  // TERM is unset, "dumb" or unknown.
  static Result<std::unique_ptr<Screen>> open();
  ~Screen() override;
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  int rows() const override;
  int cols() const override;
  bool has_colors() const { return colors_; }
  void show(const Canvas& canvas) override;
  int read_key(int timeout_ms) override;
  // SIGINT or SIGTERM arrived: the loop should end (the destructor restores).
  bool interrupted() const override;

 private:
  Screen() = default;
  bool colors_ = false;
  void* screen_ = nullptr;  // SCREEN*, opaque here so this header needs no ncurses
};

}  // namespace pagescope::tui
