#include "tui/run.h"

#include "common/monotonic_clock.h"
#include "tui/canvas.h"
#include "tui/keys.h"
#include "tui/render.h"

namespace pagescope::tui {
namespace {

uint64_t now_ms() { return monotonic_ns() / 1000000; }

void draw(Explorer& ex, Terminal& term) {
  Canvas canvas(term.rows(), term.cols());
  render(ex, canvas);
  term.show(canvas);
}

}  // namespace

Result<RunEnd> run_explorer(ExplorerDriver& driver, const ExplorerOptions& options) {
  return run_explorer(driver, options, []() -> Result<std::unique_ptr<Terminal>> {
    auto screen = Screen::open();
    if (!screen) return screen.error();
    return std::unique_ptr<Terminal>(std::move(*screen));
  });
}

Result<RunEnd> run_explorer(ExplorerDriver& driver, const ExplorerOptions& options, const OpenTerminal& open) {
  Explorer ex = driver.make_explorer(options);
  ex.table().set_sort(options.sort);
  ex.table().set_filter(options.filter);
  if (!options.note.empty()) ex.set_message(options.note);
  // Before the terminal: a live source that cannot sample says so on a plain stderr.
  if (Status st = driver.setup(ex, now_ms()); !st) return Error{st.message(), st.kind()};
  auto term_or = open();
  if (!term_or) return term_or.error();
  Terminal& term = **term_or;

  const uint64_t started = now_ms();
  uint64_t last_tick = started;
  bool dirty = true;
  while (!term.interrupted()) {
    uint64_t now = now_ms();
    if (options.run_for_ms > 0 && now - started >= uint64_t(options.run_for_ms)) return RunEnd::Quit;
    if (driver.poll(ex, now)) dirty = true;
    if (ex.timeline().tick((now - last_tick) * 1000000ull)) dirty = true;
    last_tick = now;
    if (dirty) {
      draw(ex, term);
      dirty = false;
    }
    int k = term.read_key(driver.wait_ms(ex, now_ms()));
    if (k == key::kNone) continue;
    dirty = true;
    Explorer::Action action = ex.handle_key(k);
    if (action == Explorer::Action::Quit) return RunEnd::Quit;
    if (action != Explorer::Action::None) driver.on_action(ex, action, now_ms());
  }
  return RunEnd::Interrupted;
}

}  // namespace pagescope::tui
