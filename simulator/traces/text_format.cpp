// Reference strings as written in textbooks: "7 0 1 2 0 3", one or many per
// line, separated by spaces, tabs or commas. A reference may carry a read/write
// mark before or after the number (w7, 7w, w:7, 7:w, r7). '#' starts a comment.
// Numbers are page numbers (decimal, or hex with 0x).
#include <cstdio>
#include <fstream>

#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::sim::traces {

namespace {

bool parse_token(std::string_view tok, uint64_t* page, bool* write) {
  *write = false;
  auto mark = [&](char c) { return c == 'r' || c == 'R' || c == 'w' || c == 'W'; };
  char m = 0;
  if (tok.size() >= 2 && mark(tok.front()) && !(tok[0] == '0')) {
    m = tok.front();
    tok.remove_prefix(1);
    if (!tok.empty() && tok.front() == ':') tok.remove_prefix(1);
  } else if (tok.size() >= 2 && mark(tok.back())) {
    m = tok.back();
    tok.remove_suffix(1);
    if (!tok.empty() && tok.back() == ':') tok.remove_suffix(1);
  }
  *write = m == 'w' || m == 'W';
  return parse_u64(tok, page);
}

class TextSource final : public ReferenceSource {
 public:
  explicit TextSource(LineReader reader) : reader_(std::move(reader)) {
    reader_.split_long_lines();  // a whole trace may be one line: read in pieces
  }
  KeyUnit unit() const override { return KeyUnit::kPageNumber; }
  uint64_t bytes_read() const override { return reader_.bytes_read(); }
  uint64_t bytes_total() const override { return reader_.bytes_total(); }
  Status for_each(const Sink& sink) override {
    std::string_view line;
    bool in_comment = false;  // a '#' in an earlier piece of this line
    while (reader_.next(&line)) {
      if (in_comment) {
        in_comment = reader_.partial();
        continue;
      }
      if (auto hash = line.find('#'); hash != std::string_view::npos) {
        line = line.substr(0, hash);
        in_comment = reader_.partial();
      }
      size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == ',')) ++i;
        size_t j = i;
        while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != ',') ++j;
        if (j > i) {
          RawReference r;
          if (!parse_token(line.substr(i, j - i), &r.key, &r.write))
            return reader_.error_here("not a page number: '" + std::string(line.substr(i, j - i)) + "'");
          sink(r);
        }
        i = j;
      }
    }
    if (!reader_.read_error().empty()) return Error{reader_.read_error()};
    return {};
  }

 private:
  LineReader reader_;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_text(const std::string& path, const SourceOptions&) {
  auto r = LineReader::open(path);
  if (!r) return r.error();
  return std::unique_ptr<ReferenceSource>(new TextSource(std::move(r).value()));
}

Status write_text(const Trace& trace, const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Error{path + ": cannot create"};
  for (size_t i = 0; i < trace.size(); ++i)
    std::fprintf(f, "%llu%s\n", static_cast<unsigned long long>(trace.page_of[trace.refs[i]]),
                 trace.writes[i] ? "w" : "");
  if (std::fclose(f) != 0) return Error{path + ": write failed"};
  return {};
}

}  // namespace pagescope::sim::traces
