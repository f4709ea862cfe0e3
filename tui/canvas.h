// A grid of styled characters: what one frame of the screen should show.
// Rendering code writes here (plain C++, testable); screen.cpp copies it to
// ncurses, which redraws only the cells that changed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pagescope::tui {

enum class Style : uint8_t {
  Normal,
  Title,      // top line, help title
  Label,      // header labels
  ColumnHead, // process table header
  SortedHead, // the column sorted by
  Selected,   // the selected row
  Dim,        // "-" and proxies
  Warn,       // kswapd active, stalls
  Input,      // the filter / go-to prompt
  Heat0, Heat1, Heat2, Heat3, Heat4, Heat5, Heat6, Heat7,
};

inline Style heat_style(int level) {
  if (level < 0) level = 0;
  if (level > 7) level = 7;
  return Style(uint8_t(Style::Heat0) + uint8_t(level));
}

struct Cell {
  char ch = ' ';
  Style style = Style::Normal;
};

class Canvas {
 public:
  Canvas(int rows, int cols) : rows_(rows), cols_(cols), cells_(size_t(rows > 0 ? rows : 0) * size_t(cols > 0 ? cols : 0)) {}
  int rows() const { return rows_; }
  int cols() const { return cols_; }
  // Writes text at (row, col), clipped to the canvas. Returns the column after it.
  int put(int row, int col, std::string_view text, Style style = Style::Normal) {
    for (char c : text) {
      if (row >= 0 && row < rows_ && col >= 0 && col < cols_) cells_[size_t(row * cols_ + col)] = {c, style};
      ++col;
    }
    return col;
  }
  void fill(int row, int col, int n, char c, Style style) {
    for (int i = 0; i < n; ++i) put(row, col + i, std::string_view(&c, 1), style);
  }
  const Cell& at(int row, int col) const { return cells_[size_t(row * cols_ + col)]; }
  // One row as text (trailing spaces kept), for tests.
  std::string line(int row) const {
    std::string s;
    for (int c = 0; c < cols_; ++c) s += at(row, c).ch;
    return s;
  }

 private:
  int rows_, cols_;
  std::vector<Cell> cells_;
};

}  // namespace pagescope::tui
