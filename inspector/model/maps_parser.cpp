#include "inspector/model/maps_parser.h"

#include <charconv>
#include <string>

namespace pagescope::model {

namespace {

// Reads one token of digits in `base` and the separator after it.
bool take_number(std::string_view& s, int base, uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  if (ec != std::errc() || p == s.data()) return false;
  s.remove_prefix(size_t(p - s.data()));
  return true;
}

bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

bool parse_line(std::string_view s, Vma& v) {
  uint64_t major = 0, minor = 0;
  if (!take_number(s, 16, v.start) || !take_char(s, '-') || !take_number(s, 16, v.end) ||
      !take_char(s, ' ') || s.size() < 4) {
    return false;
  }
  const std::string_view perms = s.substr(0, 4);
  if (perms[0] == 'r') v.perms |= kPermRead;
  if (perms[1] == 'w') v.perms |= kPermWrite;
  if (perms[2] == 'x') v.perms |= kPermExec;
  if (perms[3] != 's' && perms[3] != 'p') return false;
  v.shared = perms[3] == 's';
  s.remove_prefix(4);
  skip_spaces(s);
  if (!take_number(s, 16, v.offset)) return false;
  skip_spaces(s);
  if (!take_number(s, 16, major) || !take_char(s, ':') || !take_number(s, 16, minor)) return false;
  v.dev_major = uint32_t(major);
  v.dev_minor = uint32_t(minor);
  skip_spaces(s);
  if (!take_number(s, 10, v.inode)) return false;
  skip_spaces(s);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  v.path = std::string(s);
  // Shared anonymous memory is backed by a shmem file with an inode but shows
  // as "/dev/zero (deleted)" or "/SYSV..."; both count as file-backed here, as
  // the kernel treats them.
  v.file = v.inode != 0 || (!v.path.empty() && v.path.front() == '/');
  v.kind = v.base_kind = v.file ? VmaKind::kFile : VmaKind::kAnon;
  return v.end > v.start;
}

}  // namespace

namespace {

// Calls fn(line_no, line, vma, parsed) for each non-empty line; stops when fn returns false.
template <typename Fn>
void for_each_maps_line(std::string_view text, Fn&& fn) {
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.empty()) continue;
    Vma v;
    const bool ok = parse_line(line, v);
    if (!fn(line_no, line, std::move(v), ok)) return;
  }
}

std::string line_problem(size_t line_no, std::string_view line) {
  return "maps line " + std::to_string(line_no) + ": cannot parse \"" + std::string(line.substr(0, 80)) + "\"";
}

}  // namespace

Result<std::vector<Vma>> parse_maps(std::string_view text) {
  std::vector<Vma> out;
  std::string problem;
  for_each_maps_line(text, [&](size_t line_no, std::string_view line, Vma&& v, bool ok) {
    if (!ok) {
      problem = line_problem(line_no, line);
      return false;
    }
    out.push_back(std::move(v));
    return true;
  });
  if (!problem.empty()) return Error{problem};
  return out;
}

LaxMaps parse_maps_lax(std::string_view text) {
  LaxMaps out;
  for_each_maps_line(text, [&](size_t line_no, std::string_view line, Vma&& v, bool ok) {
    if (ok) {
      out.vmas.push_back(std::move(v));
    } else if (out.dropped_lines++ == 0) {
      out.first_problem = line_problem(line_no, line);
    }
    return true;
  });
  return out;
}

}  // namespace pagescope::model
