// pagescope merge: join the tables that the parts of one split sweep
// (`replay`/`mrc --part K/N --json|--csv`, run by any job runner on any
// hosts) printed into the table the unsplit run prints. Checks that every
// part is there exactly once and that all were made from the same trace and
// plan; sim::merge_parts does the work.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli_options.h"
#include "app/command.h"
#include "common/table.h"
#include "simulator/part_merge.h"

namespace pagescope::app {

namespace {

struct MergeOptions {
  std::vector<std::string> files;
  bool json = false, csv = false;
};

int fail(const std::string& msg) {
  std::fprintf(stderr, "pagescope merge: %s\n", msg.c_str());
  return kExitUsage;
}

int run_merge(const MergeOptions& o) {
  std::vector<sim::PartFile> parts;
  for (const auto& name : o.files) {
    std::ifstream in(name, std::ios::binary);
    if (!in) return fail(name + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) return fail(name + ": cannot read");
    auto t = read_table(text.str());
    if (!t) return fail(name + ": " + t.error().message + " (a part is written with --json or --csv)");
    parts.push_back({name, std::move(t->table)});
  }
  auto merged = sim::merge_parts(parts);
  if (!merged) return fail(merged.error().message);
  print_table(*merged, o.json, o.csv, [] {});
  return kExitOk;
}

}  // namespace

void add_merge_command(CLI::App& root, CommandRun& run) {
  auto o = std::make_shared<MergeOptions>();
  CLI::App* cmd = root.add_subcommand(
      "merge", "join the --json or --csv tables of a sweep's parts (replay/mrc --part K/N) in the unsplit order");
  cmd->add_option("parts", o->files, "the parts' files, in any order, each part once")->required();
  auto* json = cmd->add_flag("--json", o->json, "JSON output");
  cmd->add_flag("--csv", o->csv, "CSV output")->excludes(json);
  cmd->callback([o, &run] { run = [o] { return run_merge(*o); }; });
}

}  // namespace pagescope::app
