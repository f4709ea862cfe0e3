// CSV with a column map: "addr=1,op=0" (byte addresses) or "page=0,op=2,pid=3"
// (page numbers). Columns are 0-based; op is optional (r/w, R/W, l/s,
// load/store, read/write, 0/1 with 1 = write).
#include <cstdio>

#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::sim::traces {

namespace {

struct ColumnMap {
  int key = -1;
  bool key_is_address = true;
  int op = -1;
  int pid = -1;
};

Result<ColumnMap> parse_columns(const std::string& spec) {
  ColumnMap m;
  std::string_view s = spec;
  while (!s.empty()) {
    size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    size_t eq = item.find('=');
    uint64_t col = 0;
    if (eq == std::string_view::npos || !parse_u64(item.substr(eq + 1), &col) || col >= 64)
      return Error{"--csv-columns: expected name=column with column 0..63, got '" + std::string(item) + "'"};
    std::string_view name = item.substr(0, eq);
    if (name == "addr" || name == "address") m.key = int(col), m.key_is_address = true;
    else if (name == "page") m.key = int(col), m.key_is_address = false;
    else if (name == "op" || name == "rw") m.op = int(col);
    else if (name == "pid") m.pid = int(col);
    else return Error{"--csv-columns: unknown column name '" + std::string(name) + "' (addr, page, op, pid)"};
  }
  if (m.key < 0) return Error{"--csv-columns: needs addr=N or page=N"};
  return m;
}

bool parse_op(std::string_view v, bool* write) {
  if (v == "w" || v == "W" || v == "s" || v == "S" || v == "1" || v == "write" || v == "store") {
    *write = true;
    return true;
  }
  if (v == "r" || v == "R" || v == "l" || v == "L" || v == "0" || v == "read" || v == "load") {
    *write = false;
    return true;
  }
  return false;
}

class CsvSource final : public ReferenceSource {
 public:
  CsvSource(LineReader reader, ColumnMap map, bool header)
      : reader_(std::move(reader)), map_(map), header_(header) {}
  uint64_t bytes_read() const override { return reader_.bytes_read(); }
  uint64_t bytes_total() const override { return reader_.bytes_total(); }
  KeyUnit unit() const override {
    return map_.key_is_address ? KeyUnit::kByteAddress : KeyUnit::kPageNumber;
  }
  Status for_each(const Sink& sink) override {
    std::string_view line;
    std::string_view fields[64];
    bool skip = header_;
    while (reader_.next(&line)) {
      if (skip) { skip = false; continue; }
      if (trim(line).empty()) continue;
      int n = 0;
      size_t start = 0;
      for (;;) {
        size_t comma = line.find(',', start);
        if (n < 64) fields[n++] = trim(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      auto need = [&](int col) { return col < n; };
      if (!need(map_.key) || (map_.op >= 0 && !need(map_.op)) || (map_.pid >= 0 && !need(map_.pid)))
        return reader_.error_here("only " + std::to_string(n) + " columns");
      RawReference r;
      if (!parse_u64(fields[map_.key], &r.key))
        return reader_.error_here("not a number: '" + std::string(fields[map_.key]) + "'");
      if (map_.op >= 0 && !parse_op(fields[map_.op], &r.write))
        return reader_.error_here("not a read/write mark: '" + std::string(fields[map_.op]) + "'");
      uint64_t pid = 0;
      if (map_.pid >= 0 && (!parse_u64(fields[map_.pid], &pid) || pid > UINT32_MAX))
        return reader_.error_here("not a pid: '" + std::string(fields[map_.pid]) + "'");
      r.pid = static_cast<uint32_t>(pid);
      sink(r);
    }
    if (!reader_.read_error().empty()) return Error{reader_.read_error()};
    return {};
  }

 private:
  LineReader reader_;
  ColumnMap map_;
  bool header_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_csv(const std::string& path, const SourceOptions& o) {
  auto map = parse_columns(o.csv_columns);
  if (!map) return map.error();
  auto r = LineReader::open(path);
  if (!r) return r.error();
  return std::unique_ptr<ReferenceSource>(new CsvSource(std::move(r).value(), *map, o.csv_header));
}

// Written as addresses so --page-size on reading gives back the same pages:
// "address,op" with header, matching --csv-columns addr=0,op=1 --csv-header.
Status write_csv(const Trace& trace, const std::string& path) {
  if (auto st = check_addresses_fit(trace, "csv"); !st) return st;
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Error{path + ": cannot create"};
  std::fprintf(f, "address,op\n");
  for (size_t i = 0; i < trace.size(); ++i)
    std::fprintf(f, "%llu,%c\n",
                 static_cast<unsigned long long>(trace.page_of[trace.refs[i]] * trace.page_size),
                 trace.writes[i] ? 'w' : 'r');
  if (std::fclose(f) != 0) return Error{path + ": write failed"};
  return {};
}

}  // namespace pagescope::sim::traces
