#include "inspector/model/smaps_parser.h"

#include <charconv>
#include <string>

#include "inspector/model/maps_parser.h"

namespace pagescope::model {

namespace {

// A VMA line starts with "start-end" in lowercase hex; value lines start with
// a capitalised key ("Rss:", "VmFlags:").
bool is_vma_line(std::string_view line) {
  const size_t space = line.find(' ');
  const std::string_view first = line.substr(0, space);
  if (first.find('-') == std::string_view::npos) return false;
  for (char c : first) {
    if (!(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// "Rss:   24 kB" -> 24 * 1024; false when the value is not a number.
bool value_bytes(std::string_view rest, uint64_t& out) {
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), v);
  if (ec != std::errc() || p == rest.data()) return false;
  rest.remove_prefix(size_t(p - rest.data()));
  out = rest.find("kB") != std::string_view::npos ? v * 1024 : v;
  return true;
}

Error bad(size_t line_no, const std::string& what) {
  return Error{"smaps line " + std::to_string(line_no) + ": " + what};
}

}  // namespace

Result<Smaps> parse_smaps(std::string_view text) {
  Smaps out;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty()) continue;
    if (is_vma_line(line)) {
      auto parsed = parse_maps(line);
      if (!parsed || parsed.value().size() != 1) {
        return bad(line_no, "not a VMA line: " + std::string(line));
      }
      out.vmas.push_back(SmapsVma{parsed.value().front()});
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return bad(line_no, "expected 'Key: value': " + std::string(line));
    }
    if (out.vmas.empty()) {
      return bad(line_no, "a value before any VMA");
    }
    const std::string_view key = line.substr(0, colon);
    uint64_t* field = key == "Rss"          ? &out.vmas.back().rss
                      : key == "Referenced" ? &out.vmas.back().referenced
                      : key == "Anonymous"  ? &out.vmas.back().anonymous
                      : key == "Swap"       ? &out.vmas.back().swap
                                            : nullptr;
    if (!field) continue;
    if (!value_bytes(line.substr(colon + 1), *field)) {
      return bad(line_no, "bad value for " + std::string(key));
    }
  }
  for (const SmapsVma& v : out.vmas) {
    out.rss += v.rss;
    out.referenced += v.referenced;
    out.anonymous += v.anonymous;
    out.swap += v.swap;
  }
  return out;
}

}  // namespace pagescope::model
