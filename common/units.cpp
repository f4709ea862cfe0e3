#include "common/units.h"

#include <cmath>
#include <cstdio>

namespace pagescope {
namespace {

// "12.5" at the front of `text`: the whole part, the fraction's digits, and
// what follows. No sign, no spaces, no exponent, no hex: those are typos.
struct Number {
  uint64_t whole = 0;
  std::string_view fraction;  // digits after the '.', maybe empty
  std::string_view rest;      // the unit
};

enum class NumberError { kNone, kNotANumber, kTooLarge };

NumberError split_number(std::string_view text, Number& n) {
  size_t i = 0;
  bool any = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const uint64_t digit = uint64_t(text[i] - '0');
    if (n.whole > (UINT64_MAX - digit) / 10) return NumberError::kTooLarge;
    n.whole = n.whole * 10 + digit;
    any = true;
  }
  if (!any) return NumberError::kNotANumber;
  if (i < text.size() && text[i] == '.') {
    const size_t start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == start) return NumberError::kNotANumber;  // "5."
    n.fraction = text.substr(start, i - start);
  }
  n.rest = text.substr(i);
  return NumberError::kNone;
}

// whole.fraction * unit, rounded to the nearest whole unit; false on overflow.
bool scale(const Number& n, uint64_t unit, uint64_t& out) {
  uint64_t v = 0;
  if (__builtin_mul_overflow(n.whole, unit, &v)) return false;
  if (!n.fraction.empty()) {
    long double f = 0, place = 1;
    for (char c : n.fraction.substr(0, 24)) {
      place /= 10;
      f += place * (c - '0');
    }
    const uint64_t part = uint64_t(std::llroundl(f * (long double)unit));
    if (__builtin_add_overflow(v, part, &v)) return false;
  }
  out = v;
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Splits at commas; an empty item is an error from `parse`.
template <typename Parse>
Result<std::vector<uint64_t>> parse_list(std::string_view text, Parse parse) {
  std::vector<uint64_t> out;
  while (true) {
    const size_t comma = text.find(',');
    auto v = parse(text.substr(0, comma));
    if (!v) return v.error();
    out.push_back(*v);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

Result<uint64_t> parse_byte_size(std::string_view text) {
  const std::string examples = " (e.g. 4096, 512K, 64M, 1.5G)";
  if (text.empty()) return Error{"empty size" + examples, ErrorKind::kUsage};
  Number n;
  const NumberError e = split_number(text, n);
  if (e == NumberError::kTooLarge) return Error{"size too large: " + quoted(text), ErrorKind::kUsage};
  if (e != NumberError::kNone) return Error{quoted(text) + " is not a size" + examples, ErrorKind::kUsage};
  static constexpr struct {
    char letter;
    unsigned shift;
  } kUnits[] = {{'k', 10}, {'m', 20}, {'g', 30}, {'t', 40}, {'p', 50}, {'e', 60}};
  unsigned shift = 0;
  std::string_view unit = n.rest;
  if (!unit.empty() && !iequals(unit, "b")) {
    bool known = false;
    for (const auto& u : kUnits) {
      const std::string k(1, u.letter);
      if (iequals(unit, k) || iequals(unit, k + "b") || iequals(unit, k + "ib")) {
        shift = u.shift;
        known = true;
      }
    }
    if (!known) return Error{quoted(text) + " is not a size" + examples, ErrorKind::kUsage};
  }
  uint64_t bytes = 0;
  if (!scale(n, uint64_t(1) << shift, bytes)) return Error{"size too large: " + quoted(text), ErrorKind::kUsage};
  return bytes;
}

Result<std::vector<uint64_t>> parse_byte_size_list(std::string_view text) {
  return parse_list(text, parse_byte_size);
}

Result<std::vector<uint64_t>> parse_count_list(std::string_view text) {
  return parse_list(text, [](std::string_view item) -> Result<uint64_t> {
    Number n;
    const NumberError e = split_number(item, n);
    if (e == NumberError::kTooLarge) return Error{"number too large: " + quoted(item), ErrorKind::kUsage};
    if (e != NumberError::kNone || !n.fraction.empty() || !n.rest.empty())
      return Error{"not a whole number: " + quoted(item), ErrorKind::kUsage};
    return n.whole;
  });
}

std::string format_bytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "K", "M", "G", "T", "P", "E"};
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  // Three significant digits: "1.5K", "12.5M", "100M"; whole values exact.
  if (v == std::floor(v) || v >= 1000) std::snprintf(buf, sizeof buf, "%.0f%s", v, kUnits[u]);
  else std::snprintf(buf, sizeof buf, "%.3g%s", v, kUnits[u]);
  return buf;
}

Result<uint64_t> parse_duration_ns(std::string_view text) {
  const std::string examples = " (e.g. 500ms, 2s, 100us, 250ns)";
  if (text.empty()) return Error{"empty duration" + examples, ErrorKind::kUsage};
  Number n;
  const NumberError e = split_number(text, n);
  if (e == NumberError::kTooLarge) return Error{"duration too long: " + quoted(text), ErrorKind::kUsage};
  if (e != NumberError::kNone) return Error{"bad duration " + quoted(text) + examples, ErrorKind::kUsage};
  static constexpr struct {
    const char* name;
    uint64_t ns;
  } kUnits[] = {{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000},
                {"min", 60000000000}};
  if (n.rest.empty()) {
    if (n.whole == 0 && n.fraction.find_first_not_of('0') == std::string_view::npos) return uint64_t(0);
    const std::string t(text);
    return Error{"bad duration " + quoted(text) + ": no unit (write " + t + "s, " + t + "ms, " + t + "us or " + t +
                     "ns)",
                 ErrorKind::kUsage};
  }
  for (const auto& u : kUnits) {
    if (n.rest != u.name) continue;
    uint64_t ns = 0;
    if (!scale(n, u.ns, ns)) return Error{"duration too long: " + quoted(text), ErrorKind::kUsage};
    return ns;
  }
  return Error{"bad duration unit in " + quoted(text) + " (use ns, us, ms, s or m)", ErrorKind::kUsage};
}

Result<std::vector<uint64_t>> parse_duration_list(std::string_view text) {
  return parse_list(text, parse_duration_ns);
}

std::string format_seconds(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", double(ns) / 1e9);
  return buf;
}

}  // namespace pagescope
