// Draws the explorer's state into a Canvas: header with sparklines, process
// table, detail screen, help, timeline and prompt. Plain C++; works at any
// size from 80x24 up (smaller sizes draw what fits).
#pragma once

#include "tui/canvas.h"
#include "tui/explorer.h"

namespace pagescope::tui {

// Non-const: scrolling follows the selection.
void render(Explorer& explorer, Canvas& canvas);

}  // namespace pagescope::tui
