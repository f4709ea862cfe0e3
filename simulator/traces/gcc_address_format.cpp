// The SPEC gcc memory address trace (Caffeine simulator, parser/address):
// "l|s 0xADDR n" per line: load or store, hex byte address, and the number of
// instructions since the previous reference (not used here).
#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::sim::traces {

namespace {

class GccAddressSource final : public ReferenceSource {
 public:
  explicit GccAddressSource(LineReader reader) : reader_(std::move(reader)) {}
  uint64_t bytes_read() const override { return reader_.bytes_read(); }
  uint64_t bytes_total() const override { return reader_.bytes_total(); }
  KeyUnit unit() const override { return KeyUnit::kByteAddress; }
  Status for_each(const Sink& sink) override {
    std::string_view line;
    while (reader_.next(&line)) {
      line = trim(line);
      if (line.empty()) continue;
      RawReference r;
      if (line.size() < 3 || (line[0] != 'l' && line[0] != 's') || (line[1] != ' ' && line[1] != '\t'))
        return reader_.error_here("expected 'l|s 0xADDR n'");
      r.write = line[0] == 's';
      std::string_view rest = trim(line.substr(2));
      std::string_view addr = rest.substr(0, rest.find_first_of(" \t"));
      if (!parse_u64(addr, &r.key, /*hex=*/true))
        return reader_.error_here("bad hex address '" + std::string(addr) + "'");
      sink(r);
    }
    if (!reader_.read_error().empty()) return Error{reader_.read_error()};
    return {};
  }

 private:
  LineReader reader_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_gcc_address(const std::string& path,
                                                          const SourceOptions&) {
  auto r = LineReader::open(path);
  if (!r) return r.error();
  return std::unique_ptr<ReferenceSource>(new GccAddressSource(std::move(r).value()));
}

}  // namespace pagescope::sim::traces
