#include "app/cli_docs/readme.h"

#include <algorithm>

namespace pagescope::cli_docs {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

// "cmd args   # what it does": a comment starts at " #" after the command.
void split_comment(const std::string& line, std::string& command, std::string& comment) {
  const size_t hash = line.find(" # ");
  if (hash == std::string::npos) {
    command = trim_right(line);
    return;
  }
  command = trim_right(line.substr(0, hash));
  comment = line.substr(hash + 3);
}

}  // namespace

namespace {

// The subcommand `text` runs ("$ sudo pagescope inspect run.psc" -> "inspect"),
// or "" when it is not a command line.
std::string command_of(std::string text, const std::string& program, const std::vector<std::string>& subcommands) {
  if (starts_with(text, "$ ")) text = text.substr(2);
  if (starts_with(text, "sudo ")) text = text.substr(5);
  if (!starts_with(text, program + " ")) return "";
  const size_t sub_start = program.size() + 1;
  const size_t sub_end = text.find(' ', sub_start);
  const std::string sub = text.substr(sub_start, sub_end == std::string::npos ? std::string::npos : sub_end - sub_start);
  if (std::find(subcommands.begin(), subcommands.end(), sub) == subcommands.end()) return "";
  // A screen or table line ("pagescope top  source bpf ...") is aligned with runs of spaces.
  if (sub_end != std::string::npos && text.compare(sub_end, 2, "  ") == 0) return "";
  return sub;
}

void add_once(std::vector<Example>& list, Example ex) {
  const bool seen = std::any_of(list.begin(), list.end(), [&](const Example& e) { return e.command == ex.command; });
  if (!seen) list.push_back(std::move(ex));
}

}  // namespace

std::map<std::string, std::vector<Example>> readme_examples(std::istream& readme, const std::string& program,
                                                            const std::vector<std::string>& subcommands) {
  std::map<std::string, std::vector<Example>> out;
  std::map<std::string, std::vector<Example>> inline_spans;  // `pagescope tui run.psc` in running text
  bool in_block = false;
  std::string line;
  while (std::getline(readme, line)) {
    line = trim_right(line);
    if (starts_with(line, "```")) {
      in_block = !in_block;
      continue;
    }
    if (!in_block) {
      for (size_t open = line.find('`'); open != std::string::npos;) {
        const size_t close = line.find('`', open + 1);
        if (close == std::string::npos) break;
        const std::string span = line.substr(open + 1, close - open - 1);
        if (std::string sub = command_of(span, program, subcommands); !sub.empty())
          add_once(inline_spans[sub], Example{span, ""});
        open = line.find('`', close + 1);
      }
      continue;
    }
    const std::string sub = command_of(line, program, subcommands);
    if (sub.empty()) continue;
    Example ex;
    split_comment(line.substr(starts_with(line, "$ ") ? 2 : 0), ex.command, ex.comment);
    while (!ex.command.empty() && ex.command.back() == '\\' && std::getline(readme, line)) {
      line = trim_right(line);
      std::string more, comment;
      split_comment(line, more, comment);
      ex.command += "\n" + more;
      if (!comment.empty()) ex.comment = comment;
    }
    add_once(out[sub], std::move(ex));
  }
  // A subcommand the README shows only in running text gets those mentions.
  for (auto& [sub, list] : inline_spans) {
    if (out[sub].empty()) out[sub] = std::move(list);
  }
  return out;
}

std::vector<std::string> readme_exit_codes(std::istream& readme) {
  std::vector<std::string> rows;
  bool under = false;
  std::string line;
  while (std::getline(readme, line)) {
    line = trim_right(line);
    if (starts_with(line, "#")) {
      if (!rows.empty()) break;
      under = line.find("Exit codes") != std::string::npos;
      continue;
    }
    if (!under || !starts_with(line, "| ")) {
      if (!rows.empty()) break;  // the table ended
      continue;
    }
    // "| 2 | bad command line ... |"; skip the header and the |---| rule.
    const size_t mid = line.find(" | ");
    if (mid == std::string::npos) continue;
    std::string code = line.substr(2, mid - 2);
    std::string meaning = line.substr(mid + 3);
    if (!meaning.empty() && meaning.back() == '|') meaning = trim_right(meaning.substr(0, meaning.size() - 1));
    if (code.empty() || code.find_first_not_of("0123456789") != std::string::npos) continue;
    rows.push_back(code + " " + meaning);
  }
  return rows;
}

}  // namespace pagescope::cli_docs
