// The man pages and completions say what --help says: every option each
// subcommand's --help prints is in its man page (as an OPTIONS entry) and in
// its bash completion, the pages render through groff without a warning, and
// the README's examples and exit codes are in them. Reads the files the build
// wrote (build/cli-docs, cmake/Install.cmake) and runs the real binary.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli_docs/readme.h"
#include "bpf/events.h"

namespace {

const std::string kBin = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";
const std::string kDocs = std::string(PAGESCOPE_BINARY_DIR) + "/cli-docs";

struct Outcome {
  int code = -1;
  std::string out;
};

Outcome sh(const std::string& cmd) {
  Outcome r;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    const int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return r;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

bool have(const char* tool) { return sh(std::string("command -v ") + tool + " >/dev/null 2>&1").code == 0; }

// The subcommands `pagescope --help` lists.
std::vector<std::string> subcommands() {
  const std::string help = sh(kBin + " --help").out;
  std::vector<std::string> subs;
  bool in = false;
  std::istringstream lines(help);
  for (std::string line; std::getline(lines, line);) {
    if (line == "Subcommands:") {
      in = true;
    } else if (in && line.size() > 2 && line[0] == ' ' && line[2] != ' ') {
      subs.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return subs;
}

// Every option name `--help` prints ("-o", "--output") and the positionals' names.
struct HelpNames {
  std::set<std::string> options;
  std::set<std::string> positionals;
};

HelpNames help_names(const std::string& args) {
  HelpNames names;
  const std::string help = sh(kBin + " " + args + " --help").out;
  std::string section;
  std::istringstream lines(help);
  const std::regex option_line(R"(^  (-[^ ]+))");
  const std::regex positional_line(R"(^  ([a-z][a-z_-]*) )");
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != ' ') {
      section = line;
      continue;
    }
    std::smatch m;
    if (section == "Options:" && std::regex_search(line, m, option_line)) {
      std::string list = m[1];
      for (size_t start = 0; start < list.size();) {
        size_t comma = list.find(',', start);
        names.options.insert(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        start = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else if (section == "Positionals:" && std::regex_search(line, m, positional_line)) {
      names.positionals.insert(m[1]);
    }
  }
  return names;
}

// roff to the text a reader sees: \- is '-', fonts and \& vanish.
std::string unroff(const std::string& roff) {
  std::string s = std::regex_replace(roff, std::regex(R"(\\f[BIRP])"), "");
  s = std::regex_replace(s, std::regex(R"(\\&)"), "");
  s = std::regex_replace(s, std::regex(R"(\\-)"), "-");
  return std::regex_replace(s, std::regex(R"(\\e)"), "\\");
}

// The OPTIONS section's entry labels: the line after each .TP.
std::set<std::string> man_option_names(const std::string& page) {
  std::set<std::string> names;
  const std::string text = unroff(page);
  const size_t options = text.find("\n.SH OPTIONS\n");
  if (options == std::string::npos) return names;
  const size_t end = text.find("\n.SH ", options + 1);
  std::istringstream lines(text.substr(options, end - options));
  bool label = false;
  for (std::string line; std::getline(lines, line);) {
    if (label) {
      std::istringstream words(line);
      for (std::string w; words >> w;) {
        if (!w.empty() && w.back() == ',') w.pop_back();
        if (w.rfind("-", 0) == 0) names.insert(w);
      }
    }
    label = line == ".TP";
  }
  return names;
}

std::string man_path(const std::string& sub) {
  return kDocs + "/man1/" + (sub.empty() ? "pagescope.1" : "pagescope-" + sub + ".1");
}

TEST(CliDocs, EveryHelpOptionIsInItsManPage) {
  const auto subs = subcommands();
  ASSERT_GE(subs.size(), 9u);
  std::vector<std::string> commands = subs;
  commands.insert(commands.begin(), "");  // the program itself
  for (const auto& sub : commands) {
    SCOPED_TRACE("pagescope " + sub);
    const std::string page = slurp(man_path(sub));
    ASSERT_FALSE(page.empty()) << man_path(sub);
    const HelpNames help = help_names(sub);
    EXPECT_FALSE(help.options.empty());
    // Exactly: nothing --help omits is documented either (hidden options stay hidden).
    EXPECT_EQ(man_option_names(page), help.options);
    const std::string text = unroff(page);
    for (const auto& p : help.positionals) EXPECT_NE(text.find(".TP\n" + p), std::string::npos) << p;
  }
}

TEST(CliDocs, OnePagePerSubcommandAndNoOther) {
  std::set<std::string> expected{"pagescope.1"};
  for (const auto& s : subcommands()) expected.insert("pagescope-" + s + ".1");
  std::set<std::string> found;
  const Outcome ls = sh("ls " + kDocs + "/man1");
  std::istringstream names(ls.out);
  for (std::string n; std::getline(names, n);) found.insert(n);
  EXPECT_EQ(found, expected);
  // The hidden generators document nothing of themselves.
  EXPECT_EQ(sh(kBin + " --help").out.find("__man"), std::string::npos);
}

TEST(CliDocs, PagesRenderWithoutWarnings) {
  if (!have("groff")) GTEST_SKIP() << "groff is not installed (Debian: groff-base), so the pages cannot be rendered";
  for (const auto& sub : subcommands()) {
    // -ww: every warning; -z: format, print nothing. Any output on stderr is a warning.
    const Outcome r = sh("groff -man -Tutf8 -ww -z " + man_path(sub) + " 2>&1");
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_EQ(r.out, "") << sub;
  }
  if (have("man")) {
    const Outcome r = sh("MANWIDTH=80 man -l " + man_path("inspect") + " 2>&1");
    EXPECT_NE(r.out.find("pagescope inspect"), std::string::npos) << r.out.substr(0, 500);
    EXPECT_NE(r.out.find("--layout"), std::string::npos);
  }
}

TEST(CliDocs, PagesHoldTheReadmeExamplesAndExitCodes) {
  const std::string mrc = unroff(slurp(man_path("mrc")));
  EXPECT_NE(mrc.find(".SH EXAMPLES"), std::string::npos);
  EXPECT_NE(mrc.find("pagescope mrc cloudPhysicsIO.oracleGeneral.bin --policy lru,fifo,s3fifo \\\n"
                     "    --memory 4M,16M,64M,191M --shards 0.1 --svg mrc.svg"),
            std::string::npos);
  const std::string inspect = unroff(slurp(man_path("inspect")));
  EXPECT_NE(inspect.find("pagescope inspect run.psc --pid P --vmas"), std::string::npos);
  for (const auto& sub : subcommands()) {
    const std::string page = slurp(man_path(sub));
    EXPECT_NE(page.find(".SH EXAMPLES"), std::string::npos) << sub << " has no example in README.md";
    EXPECT_NE(page.find(".SH EXIT STATUS\n.TP\n.B 0\nsuccess"), std::string::npos) << sub;
  }
}

TEST(CliDocs, ReadmeExamplesAreCommandsNotOutput) {
  std::istringstream readme(
      "Text with `pagescope tui run.psc` inline.\n"
      "```\n"
      "$ sudo pagescope record -o run.psc -- ./prog   # trace a program\n"
      "pagescope record: 0.07 s, 430 records\n"
      "pagescope top  source bpf  every 1s\n"
      "$ pagescope mrc a.bin --policy lru \\\n"
      "    --memory 4M   # two lines\n"
      "pagescope nosuch x\n"
      "```\n"
      "```\n"
      "sudo pagescope record -o run.psc -- ./prog   # again\n"
      "```\n"
      "### Exit codes\n\n| code | meaning |\n|---|---|\n| 0 | success |\n| 2 | bad input |\n\nafter\n| 9 | no |\n");
  const auto ex = pagescope::cli_docs::readme_examples(readme, "pagescope", {"record", "top", "mrc", "tui"});
  ASSERT_EQ(ex.at("record").size(), 1u);
  EXPECT_EQ(ex.at("record")[0].command, "sudo pagescope record -o run.psc -- ./prog");
  EXPECT_EQ(ex.at("record")[0].comment, "trace a program");
  ASSERT_EQ(ex.at("mrc").size(), 1u);
  EXPECT_EQ(ex.at("mrc")[0].command, "pagescope mrc a.bin --policy lru \\\n    --memory 4M");
  EXPECT_EQ(ex.at("mrc")[0].comment, "two lines");
  EXPECT_EQ(ex.count("top") ? ex.at("top").size() : 0u, 0u);
  ASSERT_EQ(ex.at("tui").size(), 1u);
  EXPECT_EQ(ex.at("tui")[0].command, "pagescope tui run.psc");
  readme.clear();
  readme.seekg(0);
  EXPECT_EQ(pagescope::cli_docs::readme_exit_codes(readme), (std::vector<std::string>{"0 success", "2 bad input"}));
}

// bash: what `pagescope SUB -<TAB>` offers is exactly --help's option list.
TEST(CliDocs, BashCompletionOffersEveryOption) {
  if (!have("bash")) GTEST_SKIP() << "bash is not installed";
  const std::string script = kDocs + "/pagescope.bash";
  for (const auto& sub : subcommands()) {
    const Outcome r = sh("bash -c 'source " + script + "; COMP_WORDS=(pagescope " + sub +
                         " -); COMP_CWORD=2; _pagescope; printf \"%s\\n\" \"${COMPREPLY[@]}\"'");
    ASSERT_EQ(r.code, 0) << sub;
    std::set<std::string> offered;
    std::istringstream words(r.out);
    for (std::string w; std::getline(words, w);) offered.insert(w);
    EXPECT_EQ(offered, help_names(sub).options) << sub;
  }
  const Outcome subs = sh("bash -c 'source " + script +
                          "; COMP_WORDS=(pagescope \"\"); COMP_CWORD=1; _pagescope; echo \"${COMPREPLY[*]}\"'");
  std::string expected;
  for (const auto& s : subcommands()) expected += (expected.empty() ? "" : " ") + s;
  EXPECT_EQ(subs.out, expected + "\n");
  // An IsMember check's values: top --source.
  const Outcome values = sh("bash -c 'source " + script +
                            "; COMP_WORDS=(pagescope top --source \"\"); COMP_CWORD=3; _pagescope; echo \"${COMPREPLY[*]}\"'");
  EXPECT_EQ(values.out, "auto bpf proc\n");
}

TEST(CliDocs, ZshCompletionParses) {
  const std::string text = slurp(kDocs + "/_pagescope");
  ASSERT_EQ(text.rfind("#compdef pagescope\n", 0), 0u);
  for (const auto& sub : subcommands()) {
    EXPECT_NE(text.find("_pagescope_" + sub + "()"), std::string::npos) << sub;
    for (const auto& o : help_names(sub).options) EXPECT_NE(text.find(o), std::string::npos) << sub << " " << o;
  }
  if (!have("zsh")) GTEST_SKIP() << "zsh is not installed: the script's syntax (zsh -n) is unchecked";
  const Outcome r = sh("zsh -n " + kDocs + "/_pagescope 2>&1");
  EXPECT_EQ(r.code, 0) << r.out;
}

// --version: the release, a git revision (or the stated fallback), and the
// capture versions events.h defines.
TEST(CliDocs, VersionNamesRevisionAndCaptureFormat) {
  const Outcome r = sh(kBin + " --version");
  ASSERT_EQ(r.code, 0);
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(^pagescope \d+\.\d+\.\d+ \(git ([0-9a-f]{7,}|v[^ ]+)(-dirty)?|unknown)")))
      << r.out;
  const std::string written = std::to_string(PS_FORMAT_MAJOR) + "." + std::to_string(PS_FORMAT_MINOR);
  EXPECT_NE(r.out.find("writes " + written), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reads " + std::to_string(PS_FORMAT_MAJOR) + ".0 to " + written), std::string::npos) << r.out;
}

}  // namespace
