// Which numbers of a capture are measurements. A count is printed as
// measured only when the event source that makes it was on: a capture
// recorded where the reclaim tracepoints could not attach holds no reclaim
// records, and its SWAPOUT column is unknown, not 0. This class is the one
// place every reader of a capture (inspect, export, replay, tui) asks, and
// the one that words the note the user gets for each missing source.
#pragma once

#include <array>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "inspector/capture/sources.h"
#include "common/table.h"

namespace pagescope::model {

class SourceNotes {
 public:
  SourceNotes() = default;  // a capture that does not say: everything counts as measured
  explicit SourceNotes(capture::SourceSet sources);

  const capture::SourceSet& sources() const { return set_; }
  // True when the capture says nothing about the state of any source (older than format 1.3).
  bool unknown() const { return !set_.known(); }

  // False when the capture says `s` was off (unavailable or not requested),
  // or the source it qualifies was: minor/major and error codes are
  // properties of fault records. A state the capture does not give counts
  // as measured (older captures recorded every source the kernel offered).
  bool measured(capture::Source s) const;
  bool measured(std::initializer_list<capture::Source> all) const;

  // Marks `column` of `table` as not measured unless every one of `sources`
  // was, and remembers that the output showed them, so that a source that was
  // not requested gets its note (an unavailable one always gets it).
  void mark(Table& table, std::string_view column, std::initializer_list<capture::Source> sources);
  // The output showed numbers of `s` outside a table (a summary line).
  void shown(capture::Source s);

  // One line per missing source, in source order: each unavailable one, and
  // each not-requested one the output showed. Empty for old captures.
  std::vector<std::string> notes() const;
  // Only about these sources (unavailable or not requested): for commands
  // whose output depends on a few of them, such as a replay.
  std::vector<std::string> notes_about(std::initializer_list<capture::Source> relevant) const;
  // notes() as "pagescope COMMAND: note: ..." lines.
  void print(std::FILE* out, std::string_view command) const;

  // The capture's source table: SOURCE, STATE, DETAIL (what it was off for,
  // or how it was recorded), one row per source in display order.
  Table table() const;

 private:
  capture::SourceSet set_;
  std::array<bool, capture::kSourceCount> shown_{};
};

}  // namespace pagescope::model
