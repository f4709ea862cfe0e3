// A TUI canvas as text, one line per row: what the tests compare screens by.
#pragma once

#include <string>

#include "tui/canvas.h"

namespace pagescope::testing {

inline std::string screen_text(const tui::Canvas& c) {
  std::string s;
  for (int r = 0; r < c.rows(); ++r) s += c.line(r) + "\n";
  return s;
}

}  // namespace pagescope::testing
