// Dinero III "din" format: "<label> <hex address> [size]" per line, label
// 0 = data read, 1 = data write, 2 = instruction fetch, 3 = escape/ignored,
// 4 = cache flush (ignored). (Hill, Dinero III documentation.)
#include <cstdio>

#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::sim::traces {

namespace {

class DinSource final : public ReferenceSource {
 public:
  explicit DinSource(LineReader reader) : reader_(std::move(reader)) {}
  uint64_t bytes_read() const override { return reader_.bytes_read(); }
  uint64_t bytes_total() const override { return reader_.bytes_total(); }
  KeyUnit unit() const override { return KeyUnit::kByteAddress; }
  Status for_each(const Sink& sink) override {
    std::string_view line;
    while (reader_.next(&line)) {
      line = trim(line);
      if (line.empty() || line.front() == '#') continue;
      size_t sp = line.find_first_of(" \t");
      if (sp == std::string_view::npos) return reader_.error_here("expected '<label> <hex address>'");
      uint64_t label = 0;
      if (!parse_u64(line.substr(0, sp), &label) || label > 4)
        return reader_.error_here("bad label '" + std::string(line.substr(0, sp)) + "' (0..4)");
      std::string_view rest = trim(line.substr(sp));
      std::string_view addr = rest.substr(0, rest.find_first_of(" \t"));
      RawReference r;
      if (!parse_u64(addr, &r.key, /*hex=*/true))
        return reader_.error_here("bad hex address '" + std::string(addr) + "'");
      if (label >= 3) continue;
      r.write = label == 1;
      sink(r);
    }
    if (!reader_.read_error().empty()) return Error{reader_.read_error()};
    return {};
  }

 private:
  LineReader reader_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_din(const std::string& path, const SourceOptions&) {
  auto r = LineReader::open(path);
  if (!r) return r.error();
  return std::unique_ptr<ReferenceSource>(new DinSource(std::move(r).value()));
}

Status write_din(const Trace& trace, const std::string& path) {
  if (auto st = check_addresses_fit(trace, "din"); !st) return st;
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Error{path + ": cannot create"};
  for (size_t i = 0; i < trace.size(); ++i)
    std::fprintf(f, "%d %llx\n", trace.writes[i] ? 1 : 0,
                 static_cast<unsigned long long>(trace.page_of[trace.refs[i]] * trace.page_size));
  if (std::fclose(f) != 0) return Error{path + ": write failed"};
  return {};
}

}  // namespace pagescope::sim::traces
