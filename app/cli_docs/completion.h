// Shell completion scripts written from the command line's own definitions:
// subcommands, each one's options, the values an option allows (IsMember),
// files for file arguments, directories for DIR options, nothing for numbers.
#pragma once

#include <string>

#include "app/cli_docs/command_doc.h"

namespace pagescope::cli_docs {

// For share/bash-completion/completions/<program> (bash-completion loads it on first use).
std::string bash_completion(const CommandDoc& root);

// For share/zsh/vendor-completions/_<program> (a #compdef file on $fpath).
std::string zsh_completion(const CommandDoc& root);

}  // namespace pagescope::cli_docs
