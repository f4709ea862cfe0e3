#include "inspector/model/exporter.h"

namespace pagescope::model {

std::unique_ptr<Exporter> make_chrome_trace_exporter();
std::unique_ptr<Exporter> make_csv_exporter();
std::unique_ptr<Exporter> make_perfetto_exporter();

namespace {
struct Registered {
  const char* name;
  std::unique_ptr<Exporter> (*make)();
};
// One line per format.
const Registered kFormats[] = {
    {"chrome-json", make_chrome_trace_exporter},
    {"csv", make_csv_exporter},
    {"perfetto", make_perfetto_exporter},
};
}  // namespace

std::unique_ptr<Exporter> make_exporter(const std::string& format) {
  for (const Registered& r : kFormats) {
    if (format == r.name) return r.make();
  }
  return nullptr;
}

std::vector<std::string> exporter_names() {
  std::vector<std::string> names;
  for (const Registered& r : kFormats) names.emplace_back(r.name);
  return names;
}

}  // namespace pagescope::model
