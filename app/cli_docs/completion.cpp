#include "app/cli_docs/completion.h"

#include <sstream>

namespace pagescope::cli_docs {

namespace {

enum class ValueKind { kNone, kNumber, kChoice, kDirectory, kFile };

ValueKind value_kind(const OptionDoc& o) {
  if (o.positional.empty() && o.value.empty()) return ValueKind::kNone;
  if (!o.choices.empty()) return ValueKind::kChoice;
  if (o.check == "DIR") return ValueKind::kDirectory;
  if (o.value == "INT" || o.value == "UINT" || o.value == "FLOAT" || o.value == "NUMBER") return ValueKind::kNumber;
  return ValueKind::kFile;  // TEXT: most are files; sizes and lists complete harmlessly as files
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// One line, for a completion menu.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\t') ? ' ' : c;
  return out;
}

// Inside '...' in a shell script.
std::string sq(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out;
}

void bash_command(std::ostringstream& out, const CommandDoc& c, const char* indent) {
  std::vector<std::string> names;
  std::vector<std::string> by_kind[5];
  for (const auto& o : c.options) {
    for (const auto& n : o.names) {
      names.push_back(n);
      by_kind[int(value_kind(o))].push_back(n);
    }
  }
  out << indent << "case $prev in\n";
  for (const auto& o : c.options) {
    if (o.names.empty() || value_kind(o) != ValueKind::kChoice) continue;
    out << indent << "  " << join(o.names, "|") << ") COMPREPLY=($(compgen -W '" << sq(join(o.choices, " "))
        << "' -- \"$cur\")); return ;;\n";
  }
  if (!by_kind[int(ValueKind::kDirectory)].empty())
    out << indent << "  " << join(by_kind[int(ValueKind::kDirectory)], "|")
        << ") COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n";
  if (!by_kind[int(ValueKind::kFile)].empty())
    out << indent << "  " << join(by_kind[int(ValueKind::kFile)], "|")
        << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
  if (!by_kind[int(ValueKind::kNumber)].empty())
    out << indent << "  " << join(by_kind[int(ValueKind::kNumber)], "|") << ") return ;;\n";
  out << indent << "esac\n";
  // A positional that is a command (record's "command", after --): a program, then its files.
  bool takes_command = false;
  for (const auto& p : c.positionals) takes_command |= p.positional == "command";
  if (takes_command) {
    out << indent << "if [[ $dashdash -gt 0 ]]; then\n"
        << indent << "  if [[ $dashdash -eq $((COMP_CWORD - 1)) ]]; then COMPREPLY=($(compgen -c -- \"$cur\"));\n"
        << indent << "  else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n"
        << indent << "  return\n" << indent << "fi\n";
  }
  out << indent << "if [[ $cur == -* ]]; then\n"
      << indent << "  COMPREPLY=($(compgen -W '" << sq(join(names, " ")) << "' -- \"$cur\"))\n";
  if (!c.subcommands.empty()) {
    std::vector<std::string> subs;
    for (const auto& s : c.subcommands) subs.push_back(s.name);
    out << indent << "else\n" << indent << "  COMPREPLY=($(compgen -W '" << sq(join(subs, " ")) << "' -- \"$cur\"))\n";
  } else if (!c.positionals.empty()) {
    out << indent << "else\n" << indent << "  COMPREPLY=($(compgen -f -- \"$cur\"))\n";
  }
  out << indent << "fi\n";
}

// A zsh _arguments spec for one option.
std::string zsh_option(const OptionDoc& o) {
  std::string desc = one_line(o.description);
  std::string escaped;
  for (char c : desc) {
    if (c == '[' || c == ']' || c == '\\') escaped += '\\';
    escaped += c;
  }
  std::string action;
  switch (value_kind(o)) {
    case ValueKind::kNone: break;
    case ValueKind::kNumber: action = ":" + o.value + ": "; break;
    case ValueKind::kChoice: action = ":" + o.value + ":(" + join(o.choices, " ") + ")"; break;
    case ValueKind::kDirectory: action = ":directory:_files -/"; break;
    case ValueKind::kFile: action = ":" + o.value + ":_files"; break;
  }
  const bool help = o.names.size() && (o.names.back() == "--help" || o.names.back() == "--version");
  std::string exclusion = help ? "(- *)" : o.names.size() > 1 ? "(" + join(o.names, " ") + ")" : "";
  if (o.repeated) exclusion = "*";
  std::string spec;
  if (o.names.size() > 1 && !o.repeated) {
    spec = "'" + sq(exclusion) + "'{" + join(o.names, ",") + "}'[" + sq(escaped) + "]" + sq(action) + "'";
  } else if (o.names.size() > 1) {
    spec = "'*'{" + join(o.names, ",") + "}'[" + sq(escaped) + "]" + sq(action) + "'";
  } else {
    spec = "'" + sq(exclusion + o.names.front()) + "[" + sq(escaped) + "]" + sq(action) + "'";
  }
  return spec;
}

}  // namespace

std::string bash_completion(const CommandDoc& root) {
  std::ostringstream out;
  const std::string fn = "_" + root.name;
  out << "# bash completion for " << root.name << ". Written by `" << root.name
      << " __completion bash` from the command line's own definitions (app/cli_docs); edit those, not this.\n";
  out << fn << "() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
      << "  local sub='' dashdash=0 i\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case ${COMP_WORDS[i]} in\n";
  std::vector<std::string> subs;
  for (const auto& s : root.subcommands) subs.push_back(s.name);
  if (!subs.empty()) out << "      " << join(subs, "|") << ") [[ -z $sub ]] && sub=${COMP_WORDS[i]} ;;\n";
  out << "      --) [[ -n $sub && $dashdash -eq 0 ]] && dashdash=$i ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  COMPREPLY=()\n"
      << "  case $sub in\n"
      << "    '')\n";
  bash_command(out, root, "      ");
  out << "      ;;\n";
  for (const auto& s : root.subcommands) {
    out << "    " << s.name << ")\n";
    bash_command(out, s, "      ");
    out << "      ;;\n";
  }
  out << "  esac\n"
      << "}\n"
      << "complete -o filenames -F " << fn << " " << root.name << "\n";
  return out.str();
}

std::string zsh_completion(const CommandDoc& root) {
  std::ostringstream out;
  out << "#compdef " << root.name << "\n"
      << "# zsh completion for " << root.name << ". Written by `" << root.name
      << " __completion zsh` from the command line's own definitions (app/cli_docs); edit those, not this.\n\n";
  for (const auto& s : root.subcommands) {
    out << "_" << root.name << "_" << s.name << "() {\n  _arguments -s -S";
    for (const auto& o : s.options) out << " \\\n    " << zsh_option(o);
    int index = 1;
    for (const auto& p : s.positionals) {
      if (p.positional == "command") {
        out << " \\\n    '*::command:_normal'";
      } else if (p.repeated) {
        out << " \\\n    '*:" << sq(p.positional) << ":_files'";
      } else {
        out << " \\\n    '" << index++ << (p.required ? ":" : "::") << sq(p.positional) << ":_files'";
      }
    }
    out << "\n}\n\n";
  }
  out << "_" << root.name << "() {\n"
      << "  local curcontext=$curcontext state line ret=1\n"
      << "  typeset -A opt_args\n"
      << "  _arguments -C";
  for (const auto& o : root.options) out << " \\\n    " << zsh_option(o);
  out << " \\\n    '1: :->subcommand' \\\n    '*:: :->args' && ret=0\n"
      << "  case $state in\n"
      << "    subcommand)\n"
      << "      local -a subcommands\n"
      << "      subcommands=(\n";
  for (const auto& s : root.subcommands) {
    std::string entry = s.name + ":" + one_line(s.description);
    out << "        '" << sq(entry) << "'\n";
  }
  out << "      )\n"
      << "      _describe -t subcommands '" << root.name << " subcommand' subcommands && ret=0\n"
      << "      ;;\n"
      << "    args)\n"
      << "      curcontext=${curcontext%:*:*}:" << root.name << "-$words[1]:\n"
      << "      case $words[1] in\n";
  for (const auto& s : root.subcommands)
    out << "        " << s.name << ") _" << root.name << "_" << s.name << " && ret=0 ;;\n";
  out << "      esac\n"
      << "      ;;\n"
      << "  esac\n"
      << "  return ret\n"
      << "}\n\n"
      << "_" << root.name << " \"$@\"\n";
  return out.str();
}

}  // namespace pagescope::cli_docs
