// Protocol Buffers wire encoding, the few field types an exporter needs:
// varints (uint/int64/bool/enum), fixed64, double and length-delimited
// fields (strings, bytes, embedded messages). A message is built into a
// reusable buffer; an embedded message is built in its own buffer and
// appended whole, since its length comes before it on the wire.
// Encoding: https://protobuf.dev/programming-guides/encoding/
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace pagescope::model {

class ProtoBuffer {
 public:
  // Wire types (encoding.md "Message Structure").
  static constexpr uint32_t kVarint = 0;
  static constexpr uint32_t kFixed64 = 1;
  static constexpr uint32_t kLengthDelimited = 2;

  void uint(uint32_t field, uint64_t v) {
    tag(field, kVarint);
    raw_varint(v);
  }
  // int32/int64 (not sint): two's complement as a 64-bit varint, so a
  // negative number takes 10 bytes, as protoc writes it.
  void int64(uint32_t field, int64_t v) { uint(field, static_cast<uint64_t>(v)); }
  void boolean(uint32_t field, bool v) { uint(field, v ? 1 : 0); }
  void fixed64(uint32_t field, uint64_t v) {
    tag(field, kFixed64);
    char le[8];
    for (int i = 0; i < 8; ++i) le[i] = static_cast<char>(v >> (8 * i));
    data_.append(le, 8);
  }
  void float64(uint32_t field, double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    fixed64(field, bits);
  }
  void bytes(uint32_t field, std::string_view s) {
    tag(field, kLengthDelimited);
    raw_varint(s.size());
    data_.append(s);
  }
  void message(uint32_t field, const ProtoBuffer& m) { bytes(field, m.view()); }

  void clear() { data_.clear(); }  // keeps the capacity: no allocation per message
  bool empty() const { return data_.empty(); }
  std::string_view view() const { return data_; }

  // A varint alone (no tag): the length prefix of a record written by hand.
  void raw_varint(uint64_t v) {
    while (v >= 0x80) {
      data_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    data_.push_back(static_cast<char>(v));
  }
  void tag(uint32_t field, uint32_t wire_type) { raw_varint((uint64_t(field) << 3) | wire_type); }

 private:
  std::string data_;
};

}  // namespace pagescope::model
