// Keys as the explorer sees them: printable characters as themselves, the
// rest as these codes (screen.cpp translates ncurses' KEY_* to them).
#pragma once

namespace pagescope::tui::key {
constexpr int kNone = -1;
constexpr int kUp = 0x1000;
constexpr int kDown = 0x1001;
constexpr int kLeft = 0x1002;
constexpr int kRight = 0x1003;
constexpr int kPageUp = 0x1004;
constexpr int kPageDown = 0x1005;
constexpr int kHome = 0x1006;
constexpr int kEnd = 0x1007;
constexpr int kEnter = 0x1008;
constexpr int kEscape = 0x1009;
constexpr int kBackspace = 0x100a;
constexpr int kF1 = 0x100b;
constexpr int kF6 = 0x100c;
constexpr int kF10 = 0x100d;
constexpr int kResize = 0x100e;
}  // namespace pagescope::tui::key
