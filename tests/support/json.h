// A strict JSON parser for tests (RFC 8259): no trailing commas, no bare
// words, numbers exactly as the grammar has them, nothing after the value.
// Enough to check the types every --json output promises (docs/json.md).
#pragma once

#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pagescope::testing {

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // a number's digits as written, or a string's value
  std::vector<Json> items;
  std::vector<std::pair<std::string, Json>> members;  // in order

  const Json* find(std::string_view key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
};

class JsonParser {
 public:
  // Throws std::runtime_error naming the offset of the first error.
  static Json parse(std::string_view s) {
    JsonParser p(s);
    p.ws();
    Json v = p.value();
    p.ws();
    if (p.i_ != s.size()) p.fail("text after the value");
    return v;
  }

 private:
  explicit JsonParser(std::string_view s) : s_(s) {}
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(i_));
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  void word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) fail("bad literal");
    i_ += w.size();
  }
  bool digit() const { return peek() >= '0' && peek() <= '9'; }
  Json value() {
    Json v;
    switch (peek()) {
      case 'n': word("null"); return v;
      case 't': word("true"); v.type = Json::Type::kBool; v.boolean = true; return v;
      case 'f': word("false"); v.type = Json::Type::kBool; return v;
      case '"': v.type = Json::Type::kString; v.text = string(); return v;
      case '[': {
        v.type = Json::Type::kArray;
        ++i_;
        ws();
        if (peek() == ']') { ++i_; return v; }
        while (true) {
          ws();
          v.items.push_back(value());
          ws();
          if (peek() == ',') { ++i_; continue; }
          expect(']');
          return v;
        }
      }
      case '{': {
        v.type = Json::Type::kObject;
        ++i_;
        ws();
        if (peek() == '}') { ++i_; return v; }
        while (true) {
          ws();
          std::string k = string();
          ws();
          expect(':');
          ws();
          v.members.emplace_back(std::move(k), value());
          ws();
          if (peek() == ',') { ++i_; continue; }
          expect('}');
          return v;
        }
      }
      default: break;
    }
    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const size_t start = i_;
    if (peek() == '-') ++i_;
    if (peek() == '0') ++i_;
    else if (digit()) while (digit()) ++i_;
    else fail("not a value");
    if (peek() == '.') {
      ++i_;
      if (!digit()) fail("digits after '.'");
      while (digit()) ++i_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      if (peek() == '+' || peek() == '-') ++i_;
      if (!digit()) fail("digits in the exponent");
      while (digit()) ++i_;
    }
    v.type = Json::Type::kNumber;
    v.text = std::string(s_.substr(start, i_ - start));
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("control character in a string");
      if (c != '\\') { out += c; continue; }
      const char e = peek();
      ++i_;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i_ + 4 > s_.size()) fail("short \\u escape");
          for (size_t k = 0; k < 4; ++k)
            if (!std::isxdigit(static_cast<unsigned char>(s_[i_ + k]))) fail("bad \\u escape");
          const unsigned cp = unsigned(std::strtoul(std::string(s_.substr(i_, 4)).c_str(), nullptr, 16));
          i_ += 4;
          out += cp < 0x80 ? char(cp) : '?';  // tests only need ASCII back
          break;
        }
        default: fail("bad escape");
      }
    }
  }
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace pagescope::testing
