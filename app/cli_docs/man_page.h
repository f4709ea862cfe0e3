// Man pages (roff, man(7) macros) written from the command line's own
// definitions: pagescope.1, and pagescope-SUB.1 for each subcommand, with the
// README's examples for it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "app/cli_docs/command_doc.h"
#include "app/cli_docs/readme.h"
#include "common/result.h"

namespace pagescope::cli_docs {

struct ManInfo {
  std::string version;  // "pagescope 0.1.0", the page's footer
  std::map<std::string, std::vector<Example>> examples;  // by subcommand (readme_examples)
  std::vector<std::string> exit_status;  // lines "CODE meaning", for every page
};

// The page of `sub`, or of the program itself when sub is null.
std::string man_page(const CommandDoc& root, const CommandDoc* sub, const ManInfo& info);

// The file name of that page: "pagescope.1", "pagescope-inspect.1".
std::string man_file_name(const CommandDoc& root, const CommandDoc* sub);

// Writes every page into `dir` (created if missing).
Status write_man_pages(const CommandDoc& root, const ManInfo& info, const std::string& dir);

}  // namespace pagescope::cli_docs
