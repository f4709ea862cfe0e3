// The command line as data: what CLI11 knows about each (sub)command and
// option, read from the same CLI::App that parses argv, so the man pages and
// shell completions written from it (man_page.h, completion.h) say what
// --help says and cannot drift from it.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace pagescope::cli_docs {

struct OptionDoc {
  std::vector<std::string> names;  // "-o", "--output" (short first); empty for a positional
  std::string positional;          // "file": a positional argument's name
  std::string value;               // metavariable ("TEXT", "UINT"); empty for a flag
  std::vector<std::string> choices;  // the values an IsMember check allows
  std::string check;               // any other check's text ("FLOAT in [0.25 - 10]", "DIR")
  std::string description;
  std::string default_value;       // as --help prints it; empty when none is shown
  bool required = false;
  bool repeated = false;           // takes several values, or may be given several times
};

struct CommandDoc {
  std::string name;  // "pagescope", or a subcommand's name
  std::string description;
  std::string footer;
  std::vector<OptionDoc> options;      // in declaration order, -h,--help first
  std::vector<OptionDoc> positionals;  // in order
  std::vector<CommandDoc> subcommands; // the visible ones (a subcommand in group "" is hidden)
};

// The App and its visible subcommands, recursively.
CommandDoc describe(const CLI::App& app);

// "pagescope" or "pagescope inspect": how a user types it.
std::string command_line_name(const CommandDoc& root, const CommandDoc* sub);

}  // namespace pagescope::cli_docs
