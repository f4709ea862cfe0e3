// The one file that includes ncurses.
#include "tui/screen.h"

#include <curses.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "tui/keys.h"

namespace pagescope::tui {
namespace {

// Signal handlers can only reach static storage; this is the one flag they
// set, read by Screen::interrupted().
volatile sig_atomic_t g_stop_signal = 0;

struct sigaction g_old_int, g_old_term, g_old_segv, g_old_abrt, g_old_bus;

void on_stop_signal(int sig) { g_stop_signal = sig; }

// A crash must not leave the user's terminal in raw mode: restore it, then
// die of the same signal (endwin is not async-signal-safe, but the process is
// going down anyway; htop does the same in its SIGSEGV handler).
void on_fatal_signal(int sig) {
  endwin();
  signal(sig, SIG_DFL);
  raise(sig);
}

void install(int sig, void (*handler)(int), struct sigaction* old) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: getch() returns so the loop sees the flag
  sigaction(sig, &sa, old);
}

enum Pair : short {
  kPairTitle = 1, kPairLabel, kPairHead, kPairSorted, kPairSelected, kPairDim, kPairWarn, kPairInput,
  kPairHeat1, kPairHeat2, kPairHeat3, kPairHeat4, kPairHeat5, kPairHeat6, kPairHeat7,
};

attr_t attr_of(Style s, bool colors) {
  if (!colors) {
    switch (s) {
      case Style::Title:
      case Style::ColumnHead:
      case Style::Selected: return A_REVERSE;
      case Style::SortedHead: return A_REVERSE | A_BOLD;
      case Style::Label:
      case Style::Warn:
      case Style::Input:
      case Style::Heat4:
      case Style::Heat5: return A_BOLD;
      case Style::Dim: return A_DIM;
      case Style::Heat6:
      case Style::Heat7: return A_REVERSE;
      default: return A_NORMAL;
    }
  }
  switch (s) {
    case Style::Title: return COLOR_PAIR(kPairTitle);
    case Style::Label: return COLOR_PAIR(kPairLabel);
    case Style::ColumnHead: return COLOR_PAIR(kPairHead);
    case Style::SortedHead: return COLOR_PAIR(kPairSorted) | A_BOLD;
    case Style::Selected: return COLOR_PAIR(kPairSelected);
    case Style::Dim: return COLOR_PAIR(kPairDim);
    case Style::Warn: return COLOR_PAIR(kPairWarn) | A_BOLD;
    case Style::Input: return COLOR_PAIR(kPairInput) | A_BOLD;
    case Style::Heat0: return A_NORMAL;
    case Style::Heat7: return COLOR_PAIR(kPairHeat7) | A_BOLD;
    default: {
      int level = int(s) - int(Style::Heat0);
      if (level >= 1 && level <= 6) return COLOR_PAIR(kPairHeat1 + level - 1);
      return A_NORMAL;
    }
  }
}

void init_colors() {
  start_color();
  use_default_colors();
  init_pair(kPairTitle, COLOR_BLACK, COLOR_CYAN);
  init_pair(kPairLabel, COLOR_CYAN, -1);
  init_pair(kPairHead, COLOR_BLACK, COLOR_GREEN);
  init_pair(kPairSorted, COLOR_BLACK, COLOR_CYAN);
  init_pair(kPairSelected, COLOR_BLACK, COLOR_CYAN);
  init_pair(kPairDim, COLOR_BLUE, -1);
  init_pair(kPairWarn, COLOR_RED, -1);
  init_pair(kPairInput, COLOR_YELLOW, -1);
  init_pair(kPairHeat1, COLOR_BLUE, -1);
  init_pair(kPairHeat2, COLOR_CYAN, -1);
  init_pair(kPairHeat3, COLOR_GREEN, -1);
  init_pair(kPairHeat4, COLOR_YELLOW, -1);
  init_pair(kPairHeat5, COLOR_MAGENTA, -1);
  init_pair(kPairHeat6, COLOR_RED, -1);
  init_pair(kPairHeat7, COLOR_WHITE, COLOR_RED);
}

}  // namespace

Result<std::unique_ptr<Screen>> Screen::open() {
  const char* term = std::getenv("TERM");
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    return Error{"needs an interactive terminal (stdin/stdout is not a tty); "
                 "for non-interactive output use `pagescope inspect`"};
  }
  if (!term || !*term || std::string(term) == "dumb") {
    return Error{std::string("needs a terminal that can address the cursor (TERM=") + (term ? term : "") +
                 "); for plain-text output use `pagescope inspect`"};
  }
  SCREEN* scr = newterm(nullptr, stdout, stdin);
  if (!scr) {
    return Error{std::string("unknown terminal type TERM=") + term + "; for plain-text output use `pagescope inspect`"};
  }
  std::unique_ptr<Screen> s(new Screen());
  s->screen_ = scr;
  set_term(scr);
  g_stop_signal = 0;
  install(SIGINT, on_stop_signal, &g_old_int);
  install(SIGTERM, on_stop_signal, &g_old_term);
  install(SIGSEGV, on_fatal_signal, &g_old_segv);
  install(SIGABRT, on_fatal_signal, &g_old_abrt);
  install(SIGBUS, on_fatal_signal, &g_old_bus);
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
  s->colors_ = ::has_colors() && std::getenv("NO_COLOR") == nullptr;
  if (s->colors_) init_colors();
  return s;
}

Screen::~Screen() {
  endwin();
  delscreen(static_cast<SCREEN*>(screen_));
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGSEGV, &g_old_segv, nullptr);
  sigaction(SIGABRT, &g_old_abrt, nullptr);
  sigaction(SIGBUS, &g_old_bus, nullptr);
}

int Screen::rows() const { return getmaxy(stdscr); }
int Screen::cols() const { return getmaxx(stdscr); }

bool Screen::interrupted() const { return g_stop_signal != 0; }

void Screen::show(const Canvas& canvas) {
  // erase() + redraw + doupdate(): ncurses compares with what is on the
  // terminal and sends only the cells that changed (clear() would repaint all).
  werase(stdscr);
  const int rows = std::min(canvas.rows(), this->rows());
  const int cols = std::min(canvas.cols(), this->cols());
  std::string run;
  for (int r = 0; r < rows; ++r) {
    int c = 0;
    while (c < cols) {
      Style st = canvas.at(r, c).style;
      int start = c;
      run.clear();
      while (c < cols && canvas.at(r, c).style == st) run += canvas.at(r, c++).ch;
      attr_t a = attr_of(st, colors_);
      wattrset(stdscr, a);
      // The bottom-right cell cannot be written without scrolling: skip it.
      int n = int(run.size());
      if (r == this->rows() - 1 && start + n >= this->cols()) n = this->cols() - 1 - start;
      if (n > 0) mvwaddnstr(stdscr, r, start, run.c_str(), n);
    }
  }
  wattrset(stdscr, A_NORMAL);
  wnoutrefresh(stdscr);
  doupdate();
}

int Screen::read_key(int timeout_ms) {
  wtimeout(stdscr, timeout_ms);
  int ch = wgetch(stdscr);
  switch (ch) {
    case ERR: return key::kNone;
    case KEY_UP: return key::kUp;
    case KEY_DOWN: return key::kDown;
    case KEY_LEFT: return key::kLeft;
    case KEY_RIGHT: return key::kRight;
    case KEY_PPAGE: return key::kPageUp;
    case KEY_NPAGE: return key::kPageDown;
    case KEY_HOME: return key::kHome;
    case KEY_END: return key::kEnd;
    case KEY_ENTER:
    case '\n':
    case '\r': return key::kEnter;
    case 27: return key::kEscape;
    case KEY_BACKSPACE:
    case 127:
    case 8: return key::kBackspace;
    case KEY_RESIZE: return key::kResize;
    default: break;
  }
  if (ch == KEY_F(1)) return key::kF1;
  if (ch == KEY_F(6)) return key::kF6;
  if (ch == KEY_F(10)) return key::kF10;
  if (ch >= 32 && ch < 127) return ch;
  return key::kNone;
}

}  // namespace pagescope::tui
