// Field numbers from Perfetto's protos (github.com/google/perfetto, read at
// ec5d16b14b74, 2026-08-22):
//   protos/perfetto/trace/trace.proto                        Trace
//   protos/perfetto/trace/trace_packet.proto                 TracePacket
//   protos/perfetto/trace/track_event/track_descriptor.proto TrackDescriptor
//   protos/perfetto/trace/track_event/process_descriptor.proto ProcessDescriptor
//   protos/perfetto/trace/track_event/thread_descriptor.proto  ThreadDescriptor
//   protos/perfetto/trace/track_event/counter_descriptor.proto CounterDescriptor
//   protos/perfetto/trace/track_event/track_event.proto      TrackEvent, EventName, EventCategory
//   protos/perfetto/trace/track_event/debug_annotation.proto DebugAnnotation(Name)
//   protos/perfetto/trace/interned_data/interned_data.proto  InternedData
#include "inspector/model/perfetto_trace_writer.h"

namespace pagescope::model {

namespace {

namespace trace {
constexpr uint32_t kPacket = 1;
}
namespace packet {
constexpr uint32_t kTimestamp = 8;
constexpr uint32_t kTrustedPacketSequenceId = 10;
constexpr uint32_t kTrackEvent = 11;
constexpr uint32_t kInternedData = 12;
constexpr uint32_t kSequenceFlags = 13;
constexpr uint32_t kTrackDescriptor = 60;
constexpr uint32_t kSeqIncrementalStateCleared = 1;  // SequenceFlags
constexpr uint32_t kSeqNeedsIncrementalState = 2;
}  // namespace packet
namespace track_descriptor {
constexpr uint32_t kUuid = 1;
constexpr uint32_t kName = 2;
constexpr uint32_t kProcess = 3;
constexpr uint32_t kThread = 4;
constexpr uint32_t kParentUuid = 5;
constexpr uint32_t kCounter = 8;
}  // namespace track_descriptor
namespace process_descriptor {
constexpr uint32_t kPid = 1;
constexpr uint32_t kProcessName = 6;
}  // namespace process_descriptor
namespace thread_descriptor {
constexpr uint32_t kPid = 1;
constexpr uint32_t kTid = 2;
}  // namespace thread_descriptor
namespace counter_descriptor {
constexpr uint32_t kUnit = 3;
}
namespace track_event {
constexpr uint32_t kCategoryIids = 3;
constexpr uint32_t kDebugAnnotations = 4;
constexpr uint32_t kType = 9;
constexpr uint32_t kNameIid = 10;
constexpr uint32_t kTrackUuid = 11;
constexpr uint32_t kCounterValue = 30;
constexpr uint32_t kTypeSliceBegin = 1;  // TrackEvent.Type
constexpr uint32_t kTypeSliceEnd = 2;
constexpr uint32_t kTypeInstant = 3;
constexpr uint32_t kTypeCounter = 4;
}  // namespace track_event
namespace debug_annotation {
constexpr uint32_t kNameIid = 1;
constexpr uint32_t kUintValue = 3;
constexpr uint32_t kIntValue = 4;
constexpr uint32_t kStringValue = 6;
}  // namespace debug_annotation
namespace interned {
constexpr uint32_t kEventCategories = 1;  // EventCategory {iid = 1, name = 2}
constexpr uint32_t kEventNames = 2;       // EventName {iid = 1, name = 2}
constexpr uint32_t kDebugAnnotationNames = 3;
constexpr uint32_t kIid = 1;
constexpr uint32_t kName = 2;
}  // namespace interned

constexpr uint32_t kSequenceId = 1;

}  // namespace

void PerfettoTraceWriter::global_track(uint64_t uuid, std::string_view name) {
  descriptor_.clear();
  descriptor_.uint(track_descriptor::kUuid, uuid);
  descriptor_.bytes(track_descriptor::kName, name);
  write_descriptor();
}

void PerfettoTraceWriter::process_track(uint64_t uuid, uint32_t pid, std::string_view name) {
  inner_.clear();
  inner_.int64(process_descriptor::kPid, pid);
  if (!name.empty()) inner_.bytes(process_descriptor::kProcessName, name);
  descriptor_.clear();
  descriptor_.uint(track_descriptor::kUuid, uuid);
  descriptor_.message(track_descriptor::kProcess, inner_);
  write_descriptor();
}

void PerfettoTraceWriter::thread_track(uint64_t uuid, uint32_t pid, uint32_t tid) {
  inner_.clear();
  inner_.int64(thread_descriptor::kPid, pid);
  inner_.int64(thread_descriptor::kTid, tid);
  descriptor_.clear();
  descriptor_.uint(track_descriptor::kUuid, uuid);
  descriptor_.message(track_descriptor::kThread, inner_);
  write_descriptor();
}

void PerfettoTraceWriter::counter_track(uint64_t uuid, uint64_t parent_uuid, std::string_view name,
                                        Unit unit) {
  inner_.clear();
  inner_.uint(counter_descriptor::kUnit, static_cast<uint32_t>(unit));
  descriptor_.clear();
  descriptor_.uint(track_descriptor::kUuid, uuid);
  if (parent_uuid) descriptor_.uint(track_descriptor::kParentUuid, parent_uuid);
  descriptor_.bytes(track_descriptor::kName, name);
  descriptor_.message(track_descriptor::kCounter, inner_);
  write_descriptor();
}

void PerfettoTraceWriter::write_descriptor() {
  packet_.clear();
  emit(packet::kTrackDescriptor, descriptor_, false);
}

void PerfettoTraceWriter::counter(uint64_t ts_ns, uint64_t track, int64_t value) {
  event_.clear();
  event_.uint(track_event::kType, track_event::kTypeCounter);
  event_.uint(track_event::kTrackUuid, track);
  event_.int64(track_event::kCounterValue, value);
  packet_.clear();
  packet_.uint(packet::kTimestamp, ts_ns);
  emit(packet::kTrackEvent, event_, false);
}

void PerfettoTraceWriter::slice_begin(uint64_t ts_ns, uint64_t track, std::string_view category,
                                      std::string_view name, std::initializer_list<PerfettoArg> args) {
  event(ts_ns, track, track_event::kTypeSliceBegin, category, name, args);
}

void PerfettoTraceWriter::slice_end(uint64_t ts_ns, uint64_t track) {
  event(ts_ns, track, track_event::kTypeSliceEnd, {}, {}, {});
}

void PerfettoTraceWriter::instant(uint64_t ts_ns, uint64_t track, std::string_view category,
                                  std::string_view name, std::initializer_list<PerfettoArg> args) {
  event(ts_ns, track, track_event::kTypeInstant, category, name, args);
}

void PerfettoTraceWriter::event(uint64_t ts_ns, uint64_t track, uint32_t type,
                                std::string_view category, std::string_view name,
                                std::initializer_list<PerfettoArg> args) {
  interned_.clear();
  event_.clear();
  event_.uint(track_event::kType, type);
  event_.uint(track_event::kTrackUuid, track);
  if (!category.empty()) {
    event_.uint(track_event::kCategoryIids, intern(categories_, interned::kEventCategories, category));
  }
  if (!name.empty()) event_.uint(track_event::kNameIid, intern(names_, interned::kEventNames, name));
  for (const PerfettoArg& a : args) {
    frame_.clear();
    frame_.uint(debug_annotation::kNameIid, intern(arg_names_, interned::kDebugAnnotationNames, a.name));
    switch (a.type) {
      case PerfettoArg::Type::kUint: frame_.uint(debug_annotation::kUintValue, a.u); break;
      case PerfettoArg::Type::kInt: frame_.int64(debug_annotation::kIntValue, a.i); break;
      case PerfettoArg::Type::kString: frame_.bytes(debug_annotation::kStringValue, a.s); break;
    }
    event_.message(track_event::kDebugAnnotations, frame_);
  }
  packet_.clear();
  packet_.uint(packet::kTimestamp, ts_ns);
  if (!interned_.empty()) packet_.message(packet::kInternedData, interned_);
  emit(packet::kTrackEvent, event_, true);
}

uint64_t PerfettoTraceWriter::intern(Table& table, uint32_t field, std::string_view s) {
  auto it = table.find(s);
  if (it != table.end()) return it->second;
  const uint64_t iid = table.size() + 1;  // 0 is "no interned id"
  table.emplace(std::string(s), iid);
  entry_.clear();
  entry_.uint(interned::kIid, iid);
  entry_.bytes(interned::kName, s);
  interned_.message(field, entry_);
  return iid;
}

void PerfettoTraceWriter::emit(uint32_t payload_field, const ProtoBuffer& payload, bool interned) {
  packet_.uint(packet::kTrustedPacketSequenceId, kSequenceId);
  uint32_t flags = interned ? packet::kSeqNeedsIncrementalState : 0;
  if (packets_ == 0) flags |= packet::kSeqIncrementalStateCleared;
  if (flags) packet_.uint(packet::kSequenceFlags, flags);
  packet_.message(payload_field, payload);
  // Trace.packet: tag, length, then the packet itself.
  ProtoBuffer& head = frame_;
  head.clear();
  head.tag(trace::kPacket, ProtoBuffer::kLengthDelimited);
  head.raw_varint(packet_.view().size());
  std::fwrite(head.view().data(), 1, head.view().size(), out_);
  std::fwrite(packet_.view().data(), 1, packet_.view().size(), out_);
  ++packets_;
}

}  // namespace pagescope::model
