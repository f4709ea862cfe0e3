#include "app/cli_docs/command_doc.h"

namespace pagescope::cli_docs {

namespace {

// get_type_name() is the type, then ":" and each check's description:
// "TEXT:{auto,bpf,proc}", "FLOAT:FLOAT in [0.25 - 10]", "TEXT:DIR".
void split_type(const std::string& type, OptionDoc& doc) {
  const size_t colon = type.find(':');
  doc.value = type.substr(0, colon);
  if (colon == std::string::npos) return;
  std::string checks = type.substr(colon + 1);
  if (checks.size() >= 2 && checks.front() == '{' && checks.back() == '}') {
    std::string item;
    for (char c : checks.substr(1, checks.size() - 2)) {
      if (c == ',') {
        doc.choices.push_back(item);
        item.clear();
      } else {
        item += c;
      }
    }
    doc.choices.push_back(item);
  } else {
    doc.check = checks;
  }
}

OptionDoc describe_option(const CLI::Option& o) {
  OptionDoc doc;
  for (const auto& s : o.get_snames()) doc.names.push_back("-" + s);
  for (const auto& l : o.get_lnames()) doc.names.push_back("--" + l);
  if (doc.names.empty()) doc.positional = o.get_name(true, false);
  doc.description = o.get_description();
  doc.required = o.get_required();
  if (o.get_type_size_max() != 0) {  // 0: a flag
    split_type(o.get_type_name(), doc);
    doc.default_value = o.get_default_str();
    doc.repeated = o.get_expected_max() > 1 || o.get_delimiter() != '\0';
  }
  return doc;
}

}  // namespace

CommandDoc describe(const CLI::App& app) {
  CommandDoc doc;
  doc.name = app.get_name();
  doc.description = app.get_description();
  doc.footer = app.get_footer();
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    OptionDoc od = describe_option(*o);
    (od.positional.empty() ? doc.options : doc.positionals).push_back(std::move(od));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); })) {
    doc.subcommands.push_back(describe(*sub));
  }
  return doc;
}

std::string command_line_name(const CommandDoc& root, const CommandDoc* sub) {
  return sub ? root.name + " " + sub->name : root.name;
}

}  // namespace pagescope::cli_docs
