// What the man pages take from README.md, so it is written once: its command
// lines (each man page's EXAMPLES) and its exit-code table (EXIT STATUS).
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

namespace pagescope::cli_docs {

struct Example {
  std::string command;  // "pagescope inspect run.psc --wss --tau 1s" (continuation lines joined with "\n")
  std::string comment;  // its "# ..." comment in the README, if any
};

// Command lines inside the README's ``` blocks: a line that is (after an
// optional "$ " prompt and "sudo ") `program SUB ...` for a SUB in
// `subcommands`, with the lines its trailing backslashes continue. Output
// lines such as "pagescope record: tracing ..." are not commands (the word
// after the program is "record:"), nor are screen lines aligned with runs of
// spaces ("pagescope top  source bpf"). A SUB with no such line gets its
// `program SUB ...` code spans from the running text instead. Keyed by SUB,
// in README order, each command once.
std::map<std::string, std::vector<Example>> readme_examples(std::istream& readme, const std::string& program,
                                                            const std::vector<std::string>& subcommands);

// The rows of the first table under the heading "Exit codes": "CODE meaning".
std::vector<std::string> readme_exit_codes(std::istream& readme);

}  // namespace pagescope::cli_docs
