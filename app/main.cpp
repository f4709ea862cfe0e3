// pagescope: watch Linux virtual memory at work, and ask "what if" afterwards.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include <ext/stdio_sync_filebuf.h>

#include "app/cli_docs/command_doc.h"
#include "app/cli_docs/completion.h"
#include "app/cli_docs/man_page.h"
#include "app/cli_docs/readme.h"
#include "app/command.h"
#include "bpf/events.h"  // PS_FORMAT_MAJOR/MINOR: the capture version written, and the major read
#include "pagescope_revision.h"  // PAGESCOPE_GIT_REVISION, written at build time (cmake/GitRevision.cmake)

namespace {

using namespace pagescope::app;

// What a bug report needs: the release, the exact source, and which captures
// this build opens. A reader accepts every minor version of its major and skips
// the record kinds and host facts it does not know (docs/capture-format.md).
std::string version_text() {
  const std::string major = std::to_string(PS_FORMAT_MAJOR);
  const std::string written = major + "." + std::to_string(PS_FORMAT_MINOR);
  return "pagescope " PAGESCOPE_VERSION " (git " PAGESCOPE_GIT_REVISION ")\n"
         "capture format " + written + ": writes " + written + "; reads " + major + ".0 to " + written +
         ", and newer " + major + ".x skipping the records it does not know";
}

// A full disk or a closed pipe on stdout shows only as a failed write, often
// after the command has returned 0: check it, as coreutils' close_stdout does,
// so `pagescope inspect a.psc > /dev/full` does not report success. stdio
// discards the errno of a write that failed mid-run, so when stdout is not a
// terminal (a terminal never fills up, and ncurses needs the real FILE's
// descriptor) it goes through a cookie that keeps the first error's errno;
// std::cout (CLI11's help and --version) is pointed at the same FILE.
class StdoutErrors {
 public:
  StdoutErrors() {
    if (isatty(STDOUT_FILENO)) return;
    FILE* f = fopencookie(this, "w", cookie_io_functions_t{nullptr, &StdoutErrors::write, nullptr, nullptr});
    if (!f) return;
    stdout = f;
    sync_buf_ = std::make_unique<__gnu_cxx::stdio_sync_filebuf<char>>(f);
    cout_buf_ = std::cout.rdbuf(sync_buf_.get());
  }
  // std::cout is flushed once more after main's statics are gone.
  ~StdoutErrors() {
    if (cout_buf_) std::cout.rdbuf(cout_buf_);
  }

  // Output lost while the work ran is an I/O failure (kExitFailure), like
  // export's failing -o file; a command's own failure code is kept.
  int finish(int code) {
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    const int err = first_errno_ ? first_errno_ : flushed ? 0 : errno;
    if (flushed && !std::ferror(stdout)) return code;
    std::fprintf(stderr, "pagescope: writing output: %s\n",
                 err ? std::strerror(err) : "a write to standard output failed");
    return code == kExitOk ? kExitFailure : code;
  }

 private:
  static ssize_t write(void* cookie, const char* buf, size_t size) {
    auto* self = static_cast<StdoutErrors*>(cookie);
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::write(STDOUT_FILENO, buf + done, size - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!self->first_errno_) self->first_errno_ = n < 0 ? errno : EIO;
        return -1;
      }
      done += size_t(n);
    }
    return ssize_t(size);
  }

  std::streambuf* cout_buf_ = nullptr;
  std::unique_ptr<__gnu_cxx::stdio_sync_filebuf<char>> sync_buf_;
  int first_errno_ = 0;
};

// Hidden (group ""): the build writes the man pages and shell completions with
// these, from this same App, so they list what --help lists (app/cli_docs,
// cmake/Install.cmake).
pagescope::cli_docs::CommandDoc describe_program(const CLI::App& root) {
  auto doc = pagescope::cli_docs::describe(root);
  doc.name = "pagescope";  // CLI11 names the root after argv[0], which may be a path
  return doc;
}

void add_docs_commands(CLI::App& root, CommandRun& run) {
  struct Args {
    std::string dir, readme, shell, output;
  };
  auto args = std::make_shared<Args>();
  CLI::App* man = root.add_subcommand("__man", "write pagescope.1 and pagescope-SUB.1 into DIR")->group("");
  man->add_option("dir", args->dir, "output directory")->required();
  man->add_option("--readme", args->readme, "README.md: its examples and exit codes go into the pages");
  man->callback([&root, &run, args] {
    run = [&root, args] {
      pagescope::cli_docs::ManInfo info;
      info.version = "pagescope " PAGESCOPE_VERSION;
      const auto doc = describe_program(root);
      if (!args->readme.empty()) {
        std::ifstream in(args->readme);
        if (!in) {
          std::fprintf(stderr, "pagescope __man: %s: cannot read\n", args->readme.c_str());
          return int(kExitUsage);
        }
        std::vector<std::string> subs;
        for (const auto& s : doc.subcommands) subs.push_back(s.name);
        info.examples = pagescope::cli_docs::readme_examples(in, doc.name, subs);
        in.clear();
        in.seekg(0);
        info.exit_status = pagescope::cli_docs::readme_exit_codes(in);
      }
      if (auto st = pagescope::cli_docs::write_man_pages(doc, info, args->dir); !st) {
        std::fprintf(stderr, "pagescope __man: %s\n", st.message().c_str());
        return int(kExitFailure);
      }
      return int(kExitOk);
    };
  });
  CLI::App* completion = root.add_subcommand("__completion", "print the bash or zsh completion script")->group("");
  completion->add_option("shell", args->shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));
  completion->add_option("-o,--output", args->output, "write it to this file instead of stdout");
  completion->callback([&root, &run, args] {
    run = [&root, args] {
      const auto doc = describe_program(root);
      const std::string text = args->shell == "bash" ? pagescope::cli_docs::bash_completion(doc)
                                                     : pagescope::cli_docs::zsh_completion(doc);
      if (args->output.empty()) {
        std::fputs(text.c_str(), stdout);
        return int(kExitOk);
      }
      std::ofstream out(args->output, std::ios::trunc);
      out << text;
      out.close();
      if (!out) {
        std::fprintf(stderr, "pagescope __completion: %s: cannot write\n", args->output.c_str());
        return int(kExitFailure);
      }
      return int(kExitOk);
    };
  });
}

int run_main(int argc, char** argv) {
  CLI::App root{"pagescope: record page faults, memory syscalls and reclaim with eBPF; "
                "inspect captures; replay them under other policies and memory sizes"};
  root.set_version_flag("--version", version_text(), "Print the version, git revision and capture format, and exit");
  root.require_subcommand(0, 1);
  CommandRun run;
  // One line per subcommand.
  add_record_command(root, run);
  add_lab_command(root, run);
  add_top_command(root, run);
  add_tui_command(root, run);
  add_inspect_command(root, run);
  add_export_command(root, run);
  add_replay_command(root, run);
  add_mrc_command(root, run);
  add_merge_command(root, run);
  add_convert_command(root, run);
  add_report_command(root, run);
  add_docs_commands(root, run);

  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!run) {
    std::fputs(root.help().c_str(), stdout);
    return kExitUsage;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pagescope: error: %s\n", e.what());
    return kExitFailure;
  }
}

}  // namespace

int main(int argc, char** argv) {
  static StdoutErrors out;  // static: outlives every use of stdout in main
  return out.finish(run_main(argc, argv));
}
