#include "app/cli_docs/man_page.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pagescope::cli_docs {

namespace {

// Text for roff: a backslash is \e, every '-' is \- (an ASCII minus that
// copies and searches as the '-' users type), and a line must not start with
// a control character ('.' or '\'').
std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  return out;
}

// One or more lines of running text; blank lines become paragraph breaks.
void text_lines(std::ostringstream& out, const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(' ') == std::string::npos) {
      out << ".PP\n";
      continue;
    }
    std::string e = esc(line);
    if (e[0] == '.' || e[0] == '\'') e = "\\&" + e;
    out << e << "\n";
  }
}

// Preformatted lines (a footer's aligned examples, the README's commands).
void literal_lines(std::ostringstream& out, const std::string& text) {
  out << ".RS 4\n.nf\n";
  text_lines(out, text);
  out << ".fi\n.RE\n";
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string option_label(const OptionDoc& o) {
  std::string label;
  if (!o.positional.empty()) return "\\fI" + esc(o.positional) + "\\fR" + (o.repeated ? " ..." : "");
  for (size_t i = 0; i < o.names.size(); ++i) label += (i ? ", " : "") + std::string("\\fB") + esc(o.names[i]) + "\\fR";
  if (!o.value.empty()) {
    label += " \\fI" + esc(o.value) + "\\fR";
    if (o.repeated) label += " ...";
  }
  return label;
}

void option_entry(std::ostringstream& out, const OptionDoc& o) {
  out << ".TP\n" << option_label(o) << "\n";
  text_lines(out, o.description.empty() ? std::string("(no description)") : o.description);
  std::string notes;
  if (!o.choices.empty()) {
    notes += "One of: ";
    for (size_t i = 0; i < o.choices.size(); ++i) notes += (i ? ", " : "") + o.choices[i];
    notes += ".";
  }
  if (!o.check.empty()) notes += (notes.empty() ? "" : " ") + std::string("Checked: ") + o.check + ".";
  if (!o.default_value.empty()) notes += (notes.empty() ? "" : " ") + std::string("Default: ") + o.default_value + ".";
  if (o.required) notes += (notes.empty() ? "" : " ") + std::string("Required.");
  if (!notes.empty()) {
    out << ".br\n";
    text_lines(out, notes);
  }
}

std::string synopsis(const CommandDoc& root, const CommandDoc* sub) {
  const CommandDoc& c = sub ? *sub : root;
  std::string s = ".B " + esc(command_line_name(root, sub)) + "\n";
  if (!c.options.empty()) s += "[\\fIOPTIONS\\fR]\n";
  for (const auto& p : c.positionals) {
    std::string arg = "\\fI" + esc(p.positional) + "\\fR" + (p.repeated ? " ..." : "");
    s += (p.required ? arg : "[" + arg + "]") + "\n";
  }
  if (!sub && !root.subcommands.empty()) s += "\\fISUBCOMMAND\\fR [\\fIOPTIONS\\fR] ...\n";
  return s;
}

void examples(std::ostringstream& out, const std::vector<Example>& list) {
  for (const auto& ex : list) {
    if (!ex.comment.empty()) {
      out << ".PP\n";
      text_lines(out, ex.comment);
    } else {
      out << ".PP\n";
    }
    literal_lines(out, ex.command);
  }
}

}  // namespace

std::string man_file_name(const CommandDoc& root, const CommandDoc* sub) {
  return (sub ? root.name + "-" + sub->name : root.name) + ".1";
}

std::string man_page(const CommandDoc& root, const CommandDoc* sub, const ManInfo& info) {
  const CommandDoc& c = sub ? *sub : root;
  const std::string title = sub ? root.name + "-" + sub->name : root.name;
  std::ostringstream out;
  out << ".\\\" Written by `" << root.name
      << " __man` from the command line's own definitions (app/cli_docs); edit those, not this.\n";
  out << ".TH " << esc(upper(title)) << " 1 \"\" \"" << esc(info.version) << "\" \"User Commands\"\n";
  out << ".SH NAME\n" << esc(title) << " \\- ";
  // NAME is one line: the description's first line, without the program's own prefix.
  std::string summary = c.description.substr(0, c.description.find('\n'));
  if (summary.rfind(root.name + ": ", 0) == 0) summary = summary.substr(root.name.size() + 2);
  out << esc(summary) << "\n";
  out << ".SH SYNOPSIS\n" << synopsis(root, sub);
  out << ".SH DESCRIPTION\n";
  text_lines(out, sub ? c.description : summary);
  if (!c.footer.empty()) literal_lines(out, c.footer);
  if (!sub && !root.subcommands.empty()) {
    out << ".SH SUBCOMMANDS\n";
    for (const auto& s : root.subcommands) {
      out << ".TP\n\\fB" << esc(s.name) << "\\fR\n";
      text_lines(out, s.description);
      out << ".br\nSee \\fB" << esc(root.name + "-" + s.name) << "\\fR(1).\n";
    }
  }
  if (!c.positionals.empty()) {
    out << ".SH ARGUMENTS\n";
    for (const auto& p : c.positionals) option_entry(out, p);
  }
  if (!c.options.empty()) {
    out << ".SH OPTIONS\n";
    for (const auto& o : c.options) option_entry(out, o);
  }
  // The program's page shows each subcommand's first example; a subcommand's page all of its own.
  std::vector<Example> list;
  if (sub) {
    if (auto it = info.examples.find(sub->name); it != info.examples.end()) list = it->second;
  } else {
    for (const auto& s : root.subcommands) {
      if (auto it = info.examples.find(s.name); it != info.examples.end() && !it->second.empty())
        list.push_back(it->second.front());
    }
  }
  if (!list.empty()) {
    out << ".SH EXAMPLES\n";
    examples(out, list);
  }
  if (!info.exit_status.empty()) {
    out << ".SH EXIT STATUS\n";
    for (const auto& line : info.exit_status) {
      const size_t space = line.find(' ');
      out << ".TP\n.B " << esc(line.substr(0, space)) << "\n";
      text_lines(out, space == std::string::npos ? "" : line.substr(space + 1));
    }
  }
  out << ".SH SEE ALSO\n";
  std::string see;
  if (sub) see = "\\fB" + esc(root.name) + "\\fR(1)";
  for (const auto& s : root.subcommands) {
    if (sub && s.name == sub->name) continue;
    see += (see.empty() ? "" : ",\n") + std::string("\\fB") + esc(root.name + "-" + s.name) + "\\fR(1)";
  }
  out << see << "\n";
  return out.str();
}

Status write_man_pages(const CommandDoc& root, const ManInfo& info, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error{dir + ": " + ec.message()};
  auto write = [&](const CommandDoc* sub) -> Status {
    const std::string path = dir + "/" + man_file_name(root, sub);
    std::ofstream f(path, std::ios::trunc);
    f << man_page(root, sub, info);
    f.close();
    if (!f) return Error{path + ": cannot write: " + std::strerror(errno)};
    return Status::Ok();
  };
  if (auto st = write(nullptr); !st) return st;
  for (const auto& s : root.subcommands) {
    if (auto st = write(&s); !st) return st;
  }
  return Status::Ok();
}

}  // namespace pagescope::cli_docs
