// Perfetto's protobuf trace, written as it goes: `Trace` is `repeated
// TracePacket packet = 1`, so the file is a run of (tag, length, packet) and
// each packet goes to the file when it is made. Memory is the interning
// tables (one entry per distinct event name) and one packet.
//
// One packet sequence (trusted_packet_sequence_id 1): the first packet says
// SEQ_INCREMENTAL_STATE_CLEARED, and events name themselves through interned
// ids (EventName, EventCategory, DebugAnnotationName) defined in the first
// packet that uses them (SEQ_NEEDS_INCREMENTAL_STATE). Timestamps are
// absolute (TracePacket.timestamp, the default clock), so packets need not be
// in time order: trace_processor sorts a whole file that has no flush events
// (src/trace_processor/sorter/trace_sorter.h). Per track they are in order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "inspector/model/protobuf_writer.h"

namespace pagescope::model {

// One debug annotation of a slice or instant (shown as its args).
struct PerfettoArg {
  enum class Type { kUint, kInt, kString };
  PerfettoArg(const char* n, uint64_t v) : name(n), type(Type::kUint), u(v) {}
  PerfettoArg(const char* n, int64_t v) : name(n), type(Type::kInt), i(v) {}
  PerfettoArg(const char* n, std::string_view v) : name(n), type(Type::kString), s(v) {}
  const char* name;
  Type type;
  uint64_t u = 0;
  int64_t i = 0;
  std::string_view s;
};

class PerfettoTraceWriter {
 public:
  // CounterDescriptor.Unit
  enum class Unit : uint32_t { kCount = 2, kBytes = 3 };

  explicit PerfettoTraceWriter(std::FILE* out) : out_(out) {}

  // Track descriptors. `uuid` is nonzero and names one track for the whole
  // trace; describing it again (a process renamed by exec) updates it.
  void global_track(uint64_t uuid, std::string_view name);
  void process_track(uint64_t uuid, uint32_t pid, std::string_view name);
  void thread_track(uint64_t uuid, uint32_t pid, uint32_t tid);
  void counter_track(uint64_t uuid, uint64_t parent_uuid, std::string_view name, Unit unit);

  // Track events. `ts_ns` in the trace's clock (the exporter's capture time).
  void counter(uint64_t ts_ns, uint64_t track, int64_t value);
  void slice_begin(uint64_t ts_ns, uint64_t track, std::string_view category, std::string_view name,
                   std::initializer_list<PerfettoArg> args = {});
  void slice_end(uint64_t ts_ns, uint64_t track);
  void instant(uint64_t ts_ns, uint64_t track, std::string_view category, std::string_view name,
               std::initializer_list<PerfettoArg> args = {});

  uint64_t packets() const { return packets_; }

 private:
  struct Hash {
    using is_transparent = void;  // find(string_view) without building a string
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Table = std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>>;
  // The interned id of `s` in `table`; a new one is added to the packet's
  // InternedData under `field`.
  uint64_t intern(Table& table, uint32_t field, std::string_view s);
  void event(uint64_t ts_ns, uint64_t track, uint32_t type, std::string_view category,
             std::string_view name, std::initializer_list<PerfettoArg> args);
  void write_descriptor();  // descriptor_ as a TrackDescriptor packet
  // Writes packet_ (with `payload` as field `payload_field`) to the file.
  void emit(uint32_t payload_field, const ProtoBuffer& payload, bool interned);

  std::FILE* out_;
  uint64_t packets_ = 0;
  Table names_, categories_, arg_names_;
  ProtoBuffer packet_, event_, descriptor_, inner_, interned_, entry_, frame_;
};

}  // namespace pagescope::model
