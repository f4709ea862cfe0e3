// Block traces from the LIRS paper (Jiang & Zhang, SIGMETRICS'02) as shipped
// with the Caffeine simulator: one integer block number per line, possibly
// gzip'd; lines holding '*' separate phases and are skipped.
#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::sim::traces {

namespace {

class LirsSource final : public ReferenceSource {
 public:
  explicit LirsSource(LineReader reader) : reader_(std::move(reader)) {}
  uint64_t bytes_read() const override { return reader_.bytes_read(); }
  uint64_t bytes_total() const override { return reader_.bytes_total(); }
  KeyUnit unit() const override { return KeyUnit::kPageNumber; }
  Status for_each(const Sink& sink) override {
    std::string_view line;
    while (reader_.next(&line)) {
      line = trim(line);
      if (line.empty() || line.front() == '*') continue;
      RawReference r;
      if (!parse_u64(line, &r.key))
        return reader_.error_here("not a block number: '" + std::string(line) + "'");
      sink(r);
    }
    if (!reader_.read_error().empty()) return Error{reader_.read_error()};
    return {};
  }

 private:
  LineReader reader_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_lirs(const std::string& path, const SourceOptions&) {
  auto r = LineReader::open(path);
  if (!r) return r.error();
  return std::unique_ptr<ReferenceSource>(new LirsSource(std::move(r).value()));
}

}  // namespace pagescope::sim::traces
