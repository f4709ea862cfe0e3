#include "inspector/model/source_notes.h"

namespace pagescope::model {

using capture::Source;
using capture::SourceState;

namespace {

// The source whose records carry `s`'s information, if any: a fault's kind
// and error code exist only where the fault record does.
std::optional<Source> qualifies(Source s) {
  switch (s) {
    case Source::kFaultKinds:
    case Source::kFaultErrorCodes: return Source::kFaults;
    default: return std::nullopt;
  }
}

bool off(SourceState st) { return st == SourceState::kUnavailable || st == SourceState::kNotRequested; }

}  // namespace

SourceNotes::SourceNotes(capture::SourceSet sources) : set_(std::move(sources)) {}

bool SourceNotes::measured(Source s) const {
  if (off(set_.state(s))) return false;
  if (auto base = qualifies(s)) return !off(set_.state(*base));
  return true;
}

bool SourceNotes::measured(std::initializer_list<Source> all) const {
  for (Source s : all) {
    if (!measured(s)) return false;
  }
  return true;
}

void SourceNotes::shown(Source s) {
  shown_[static_cast<size_t>(s)] = true;
  if (auto base = qualifies(s)) shown_[static_cast<size_t>(*base)] = true;
}

void SourceNotes::mark(Table& table, std::string_view column, std::initializer_list<Source> sources) {
  if (!table.has_column(column)) return;
  for (Source s : sources) shown(s);
  if (!measured(sources)) table.set_not_measured(column);
}

std::vector<std::string> SourceNotes::notes() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    const Source s = static_cast<Source>(i);
    const SourceState st = set_.state(s);
    if (st == SourceState::kUnavailable || (st == SourceState::kNotRequested && shown_[i])) {
      if (auto note = set_.missing_note(s)) out.push_back(*note);
    }
  }
  return out;
}

std::vector<std::string> SourceNotes::notes_about(std::initializer_list<Source> relevant) const {
  std::array<bool, capture::kSourceCount> wanted{};
  for (Source s : relevant) {
    wanted[static_cast<size_t>(s)] = true;
    if (auto base = qualifies(s)) wanted[static_cast<size_t>(*base)] = true;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    if (!wanted[i]) continue;
    if (auto note = set_.missing_note(static_cast<Source>(i))) out.push_back(*note);
  }
  return out;
}

void SourceNotes::print(std::FILE* out, std::string_view command) const {
  for (const std::string& note : notes()) {
    std::fprintf(out, "pagescope %.*s: note: %s\n", int(command.size()), command.data(), note.c_str());
  }
}

Table SourceNotes::table() const {
  Table t({"SOURCE<", "STATE<", "DETAIL<"});
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    const Source s = static_cast<Source>(i);
    const auto& st = set_.status(s);
    t.add_row({Cell::text(capture::source_name(s)), Cell::text(capture::state_name(st.state)), Cell::text(st.detail)});
  }
  return t;
}

}  // namespace pagescope::model
