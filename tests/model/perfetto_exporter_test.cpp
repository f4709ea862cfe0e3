// `export --format perfetto`, checked by decoding the file back with a
// protobuf reader of our own (no protoc, no trace_processor): the packet
// sequence is well formed (sequence id, SEQ_INCREMENTAL_STATE_CLEARED first,
// interned ids defined before use), every track an event names was described
// before it, each track's timestamps are in order and its slices balanced,
// and every record that should appear is there: the fault counters sum to the
// capture's faults per process, and stalls, TLB flushes, OOM kills, status
// snapshots and swap-entry changes come out one for one.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "capture_file.h"
#include "inspector/capture/reader.h"
#include "inspector/model/protobuf_writer.h"
#include "inspector/model/record_visitor.h"

using namespace pagescope;
using namespace pagescope::model;
using pagescope::model::testing::temp_path;
using pagescope::model::testing::write_capture;

namespace {

// ---- a minimal protobuf reader -------------------------------------------

struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t value = 0;      // varint or fixed64
  std::string_view bytes;  // length-delimited
};

bool read_varint(std::string_view& in, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto b = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

// Every field of one message; false if it does not parse to its end.
bool parse(std::string_view in, std::vector<Field>& out) {
  out.clear();
  while (!in.empty()) {
    uint64_t key;
    if (!read_varint(in, key)) return false;
    Field f;
    f.number = uint32_t(key >> 3);
    f.wire = uint32_t(key & 7);
    if (f.number == 0) return false;
    switch (f.wire) {
      case 0:
        if (!read_varint(in, f.value)) return false;
        break;
      case 1:
        if (in.size() < 8) return false;
        for (int i = 0; i < 8; ++i) f.value |= uint64_t(uint8_t(in[i])) << (8 * i);
        in.remove_prefix(8);
        break;
      case 2: {
        uint64_t n;
        if (!read_varint(in, n) || n > in.size()) return false;
        f.bytes = in.substr(0, n);
        in.remove_prefix(n);
        break;
      }
      case 5:
        if (in.size() < 4) return false;
        in.remove_prefix(4);
        break;
      default:
        return false;
    }
    out.push_back(f);
  }
  return true;
}

std::vector<Field> fields(std::string_view msg) {
  std::vector<Field> out;
  EXPECT_TRUE(parse(msg, out));
  return out;
}

// ---- the trace, decoded -------------------------------------------------

struct Track {
  enum Kind { kGlobal, kProcess, kThread, kCounter } kind = kGlobal;
  uint64_t parent = 0;
  int64_t pid = 0, tid = 0;
  std::string name;
  uint64_t unit = 0;
};

struct Event {
  uint64_t ts = 0;
  uint64_t type = 0;  // 1 begin, 2 end, 3 instant, 4 counter
  uint64_t track = 0;
  std::string name, category;
  int64_t value = 0;
  std::map<std::string, int64_t> args;  // int and uint values
};

struct Decoded {
  std::map<uint64_t, Track> tracks;
  std::vector<Event> events;
  size_t packets = 0;
  std::vector<std::string> errors;  // broken rules, empty when the trace is sound

  // The process track of `pid` (its uuid), 0 if none.
  uint64_t process(int64_t pid) const {
    for (const auto& [uuid, t] : tracks) {
      if (t.kind == Track::kProcess && t.pid == pid) return uuid;
    }
    return 0;
  }
  // Counter values on the counter track `name` under `pid`'s process track.
  std::vector<const Event*> counters(int64_t pid, const std::string& name) const {
    std::vector<const Event*> out;
    const uint64_t proc = process(pid);
    for (const Event& e : events) {
      const auto it = tracks.find(e.track);
      if (e.type == 4 && it != tracks.end() && it->second.parent == proc && it->second.name == name) {
        out.push_back(&e);
      }
    }
    return out;
  }
  int64_t sum(int64_t pid, const std::string& name) const {
    int64_t s = 0;
    for (const Event* e : counters(pid, name)) s += e->value;
    return s;
  }
  size_t count(uint64_t type, const std::string& category) const {
    size_t n = 0;
    for (const Event& e : events) n += e.type == type && e.category == category;
    return n;
  }
};

Decoded decode(std::string_view file) {
  Decoded d;
  auto error = [&](std::string m) { d.errors.push_back("packet " + std::to_string(d.packets) + ": " + m); };
  std::map<uint64_t, std::string> names, categories, arg_names;
  std::map<uint64_t, uint64_t> last_ts;  // per track
  std::map<uint64_t, int> open_slices;   // per track
  std::vector<Field> top;
  if (!parse(file, top)) {
    d.errors.push_back("the file is not one protobuf message");
    return d;
  }
  for (const Field& pf : top) {
    if (pf.number != 1 || pf.wire != 2) {
      error("Trace has a field other than packet = 1");
      continue;
    }
    std::vector<Field> packet = fields(pf.bytes);
    uint64_t ts = 0, seq = 0, flags = 0;
    bool has_ts = false;
    std::string_view event_bytes, descriptor_bytes, interned_bytes;
    for (const Field& f : packet) {
      if (f.number == 8) ts = f.value, has_ts = true;
      if (f.number == 10) seq = f.value;
      if (f.number == 13) flags = f.value;
      if (f.number == 11) event_bytes = f.bytes;
      if (f.number == 60) descriptor_bytes = f.bytes;
      if (f.number == 12) interned_bytes = f.bytes;
    }
    if (seq != 1) error("trusted_packet_sequence_id is not 1");
    if (d.packets == 0 && !(flags & 1)) error("the first packet does not clear incremental state");
    if (d.packets > 0 && (flags & 1)) error("incremental state cleared again");
    for (const Field& f : fields(interned_bytes)) {
      auto* table = f.number == 1 ? &categories : f.number == 2 ? &names : f.number == 3 ? &arg_names : nullptr;
      if (!table) continue;
      uint64_t iid = 0;
      std::string name;
      for (const Field& e : fields(f.bytes)) {
        if (e.number == 1) iid = e.value;
        if (e.number == 2) name = std::string(e.bytes);
      }
      if (iid == 0 || table->count(iid)) error("interned id 0 or defined twice");
      (*table)[iid] = name;
    }
    if (!interned_bytes.empty() && !(flags & 2)) error("interned data without SEQ_NEEDS_INCREMENTAL_STATE");
    if (!descriptor_bytes.empty()) {
      Track t;
      uint64_t uuid = 0;
      for (const Field& f : fields(descriptor_bytes)) {
        if (f.number == 1) uuid = f.value;
        if (f.number == 5) t.parent = f.value;
        if (f.number == 2) t.name = std::string(f.bytes);
        if (f.number == 3) {
          t.kind = Track::kProcess;
          for (const Field& p : fields(f.bytes)) {
            if (p.number == 1) t.pid = int64_t(p.value);
            if (p.number == 6) t.name = std::string(p.bytes);
          }
        }
        if (f.number == 4) {
          t.kind = Track::kThread;
          for (const Field& p : fields(f.bytes)) {
            if (p.number == 1) t.pid = int64_t(p.value);
            if (p.number == 2) t.tid = int64_t(p.value);
          }
        }
        if (f.number == 8) {
          t.kind = Track::kCounter;
          for (const Field& p : fields(f.bytes)) {
            if (p.number == 3) t.unit = p.value;
          }
        }
      }
      if (uuid == 0) error("track without a uuid");
      if (t.parent && !d.tracks.count(t.parent)) error("track's parent not described before it");
      auto it = d.tracks.find(uuid);
      if (it != d.tracks.end() && (it->second.kind != t.kind || it->second.pid != t.pid)) {
        error("uuid " + std::to_string(uuid) + " described as another track");
      }
      d.tracks[uuid] = t;
    }
    if (!event_bytes.empty()) {
      Event e;
      e.ts = ts;
      if (!has_ts) error("track event without a timestamp");
      for (const Field& f : fields(event_bytes)) {
        if (f.number == 9) e.type = f.value;
        if (f.number == 11) e.track = f.value;
        if (f.number == 30) e.value = int64_t(f.value);
        if (f.number == 10) {
          if (!names.count(f.value)) error("name iid used before it is defined");
          e.name = names[f.value];
        }
        if (f.number == 3) {
          if (!categories.count(f.value)) error("category iid used before it is defined");
          e.category = categories[f.value];
        }
        if (f.number == 4) {
          std::string name;
          int64_t v = 0;
          for (const Field& a : fields(f.bytes)) {
            if (a.number == 1) {
              if (!arg_names.count(a.value)) error("annotation name iid used before it is defined");
              name = arg_names[a.value];
            }
            if (a.number == 3 || a.number == 4) v = int64_t(a.value);
          }
          e.args[name] = v;
        }
      }
      const auto track = d.tracks.find(e.track);
      if (track == d.tracks.end()) {
        error("event on track " + std::to_string(e.track) + ", not described before it");
      } else if ((e.type == 4) != (track->second.kind == Track::kCounter)) {
        error("counter value off a counter track, or a slice on one");
      }
      if (last_ts.count(e.track) && e.ts < last_ts[e.track]) {
        error("timestamps go back on track " + std::to_string(e.track));
      }
      last_ts[e.track] = e.ts;
      if (e.type == 1) ++open_slices[e.track];
      if (e.type == 2 && --open_slices[e.track] < 0) error("slice end without a begin");
      d.events.push_back(std::move(e));
    }
    ++d.packets;
  }
  for (const auto& [track, open] : open_slices) {
    if (open != 0) d.errors.push_back("unbalanced slices on track " + std::to_string(track));
  }
  return d;
}

// ---- what the capture holds, counted from its records ---------------------

class Expected : public RecordVisitor<Expected> {
 public:
  void on_fault(const ps_fault& f) {
    ++faults[f.hdr.pid];
    if (f.flags & PS_FAULT_MAJOR) ++majors[f.hdr.pid];
  }
  void on_reclaim(const ps_reclaim& r) {
    stalls += r.what == PS_RECLAIM_DIRECT_END || r.what == PS_RECLAIM_MEMCG_END;
  }
  void on_tlb_flush(const ps_tlb_flush& t) { ++tlb[t.hdr.pid]; }
  void on_oom_victim(const ps_oom_victim&) { ++ooms; }
  void on_swap_ents(const ps_swap_ents& s) { ++swap_ents[s.hdr.pid]; }
  void on_lost(const ps_lost& l) { lost += l.lost != 0; }
  void on_proc_file(const ps_proc_file& f, std::string_view text) {
    if (f.which == PS_PROC_STATUS && text.find("VmRSS:") != std::string_view::npos) ++rss[f.hdr.pid];
  }
  std::map<uint32_t, int64_t> faults, majors, tlb, swap_ents, rss;
  size_t stalls = 0, ooms = 0, lost = 0;
};

Expected expected_of(const std::string& capture) {
  Expected x;
  auto reader = capture::CaptureReader::open(capture);
  EXPECT_TRUE(reader.ok());
  if (!reader.ok()) return x;
  (void)reader->for_each([&](const ps_header& h) {
    x.visit(h);
    return true;
  });
  return x;
}

// Every record the capture holds that the trace should show, one for one.
void expect_everything_there(const Decoded& d, const Expected& x) {
  EXPECT_TRUE(d.errors.empty()) << d.errors.size() << " errors, first: " << d.errors.front();
  for (const auto& [pid, n] : x.faults) {
    EXPECT_EQ(d.sum(pid, "faults per 10 ms"), n) << "pid " << pid;
    EXPECT_EQ(d.sum(pid, "major faults per 10 ms"), x.majors.count(pid) ? x.majors.at(pid) : 0)
        << "pid " << pid;
  }
  for (const auto& [pid, n] : x.tlb) {
    size_t on_track = 0;
    for (const Event& e : d.events) on_track += e.category == "tlb" && e.track == d.process(pid);
    EXPECT_EQ(on_track, size_t(n)) << "pid " << pid;
  }
  for (const auto& [pid, n] : x.swap_ents) EXPECT_EQ(d.counters(pid, "swap entries").size(), size_t(n));
  for (const auto& [pid, n] : x.rss) EXPECT_EQ(d.counters(pid, "RSS").size(), size_t(n));
  EXPECT_EQ(d.count(1, "reclaim"), x.stalls);
  EXPECT_EQ(d.count(3, "oom"), x.ooms);
  EXPECT_EQ(d.count(3, "lost"), x.lost);
}

std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = pclose(p);
  status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string pagescope_binary() { return std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope"; }

// Two processes with every kind the trace shows: faults (some major) over
// several 10 ms buckets with a gap, status snapshots, swap-entry changes, a
// direct and a memcg reclaim stall, TLB flushes, an OOM kill and lost events.
RecordBuffer pressure_stream(uint64_t t0) {
  const uint64_t ms = 1'000'000;
  RecordBuffer b;
  b.target(t0, 100);
  b.fork(t0, 1, 1, 100, 100, 0, "sh");
  b.exec(t0 + 1 * ms, 100, 100, "worker", "/usr/bin/worker");
  b.fork(t0 + 1 * ms, 100, 100, 200, 200, 0, "worker");
  b.exec(t0 + 1 * ms + 1, 200, 200, "other", "/usr/bin/other");
  b.proc_file(t0 + 1 * ms + 2, 100, PS_PROC_STATUS, "Name:\tworker\nVmRSS:\t    1000 kB\nVmSwap:\t       0 kB\n");
  const uint32_t major = PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED | PS_FAULT_MAJOR;
  for (int i = 0; i < 10; ++i) b.fault(t0 + 2 * ms + i, 100, 100, 0x10000 + 4096 * i, PS_PF_USER);
  for (int i = 0; i < 5; ++i) {
    b.fault(t0 + 25 * ms + i, 100, 101, 0x20000 + 4096 * i, PS_PF_USER,
            i < 2 ? major : PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED);
  }
  for (int i = 0; i < 7; ++i) {
    b.fault(t0 + 26 * ms + i, 200, 200, 0x30000 + 4096 * i, PS_PF_USER,
            i == 3 ? major : PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED);
  }
  ps_swap_ents sw{};
  for (int i = 0; i < 3; ++i) {
    sw.hdr = RecordBuffer::header(PS_EV_SWAP_ENTS, sizeof sw, t0 + (30 + i) * ms, 100, 7);
    sw.swap_pages = 4 * (i + 1);
    b.append(&sw, sizeof sw);
  }
  ps_reclaim r{};
  r.hdr = RecordBuffer::header(PS_EV_RECLAIM, sizeof r, t0 + 40 * ms, 100, 101);
  r.what = PS_RECLAIM_DIRECT_BEGIN;
  b.append(&r, sizeof r);
  r.hdr.ts_ns = t0 + 42 * ms;
  r.what = PS_RECLAIM_DIRECT_END;
  r.duration_ns = 2 * ms;
  r.nr_reclaimed = 32;
  b.append(&r, sizeof r);
  r.hdr = RecordBuffer::header(PS_EV_RECLAIM, sizeof r, t0 + 43 * ms, 200, 200);
  r.what = PS_RECLAIM_MEMCG_END;
  r.duration_ns = 1 * ms;
  b.append(&r, sizeof r);
  r.hdr = RecordBuffer::header(PS_EV_RECLAIM, sizeof r, t0 + 43 * ms, 100, 100);
  r.what = PS_RECLAIM_KSWAPD_WAKE;  // no stall: not a slice
  r.duration_ns = 0;
  b.append(&r, sizeof r);
  ps_tlb_flush t{};
  for (int i = 0; i < 5; ++i) {
    t.hdr = RecordBuffer::header(PS_EV_TLB_FLUSH, sizeof t, t0 + (50 + i) * ms, i < 4 ? 100 : 200, 100);
    t.reason = uint32_t(i);
    t.pages = i == 0 ? -1 : i;
    b.append(&t, sizeof t);
  }
  for (int i = 0; i < 8; ++i) b.fault(t0 + 75 * ms + i, 100, 100, 0x40000 + 4096 * i, PS_PF_USER);
  b.proc_file(t0 + 80 * ms, 100, PS_PROC_STATUS, "Name:\tworker\nVmRSS:\t    2000 kB\nVmSwap:\t      64 kB\n");
  b.lost(t0 + 85 * ms, 5, 5);
  ps_oom_victim o{};
  o.hdr = RecordBuffer::header(PS_EV_OOM_VICTIM, sizeof o, t0 + 90 * ms, 100, 100);
  o.victim_pid = 200;
  o.anon_rss_kb = 4096;
  std::memcpy(o.comm, "other", 5);
  b.append(&o, sizeof o);
  // A process first seen by its own records (attached with -p): named at its exit.
  b.fault(t0 + 90 * ms, 300, 300, 0x50000, PS_PF_USER);
  b.exit(t0 + 90 * ms + 1, 300, 300, true, 1, 0, 0, "attached");
  b.exit(t0 + 91 * ms, 200, 200, true, 6, 1, -9, "other");
  b.exit(t0 + 95 * ms, 100, 100, true, 21, 2, 0, "worker");
  return b;
}

}  // namespace

TEST(ProtoBuffer, VarintsAndFieldsAsTheEncodingGuideWritesThem) {
  auto hex = [](std::string_view s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) std::snprintf(buf, sizeof buf, "%02x", c), out += buf;
    return out;
  };
  ProtoBuffer b;
  b.uint(1, 150);  // the guide's example: 08 96 01
  EXPECT_EQ(hex(b.view()), "089601");
  b.clear();
  b.uint(1, 0);
  b.uint(2, 127);
  b.uint(3, 128);
  EXPECT_EQ(hex(b.view()), "0800107f188001");
  b.clear();
  b.int64(1, -1);  // ten bytes, as protoc writes int64 -1
  EXPECT_EQ(hex(b.view()), "08ffffffffffffffffff01");
  b.clear();
  b.bytes(2, "testing");  // 12 07 74 65 73 74 69 6e 67
  EXPECT_EQ(hex(b.view()), "120774657374696e67");
  b.clear();
  b.fixed64(1, 0x0102030405060708ull);
  EXPECT_EQ(hex(b.view()), "090807060504030201");
  b.clear();
  b.uint(60, UINT64_MAX);  // a two-byte tag, a ten-byte value
  EXPECT_EQ(hex(b.view()), "e003ffffffffffffffffff01");
  std::vector<Field> f;
  ASSERT_TRUE(parse(b.view(), f));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].number, 60u);
  EXPECT_EQ(f[0].value, UINT64_MAX);
}

class PerfettoExport : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(pagescope_binary().c_str(), X_OK) != 0) {
      GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
    }
  }
  Decoded export_file(const std::string& capture, const std::string& extra = "") {
    const std::string out = temp_path("trace.pftrace");
    int status = -1;
    const std::string log = run_command(pagescope_binary() + " export " + capture +
                                            " --format perfetto -o " + out + extra + " 2>&1",
                                        status);
    EXPECT_EQ(status, 0) << log;
    const std::string bytes = slurp(out);
    std::remove(out.c_str());
    return decode(bytes);
  }
};

TEST_F(PerfettoExport, EveryRecordOfEveryKindIsThere) {
  const uint64_t t0 = 5'000'000'000;
  const std::string path = temp_path("pressure.psc");
  write_capture(path, pressure_stream(t0));
  const Expected x = expected_of(path);
  ASSERT_EQ(x.faults.at(100), 23);
  ASSERT_EQ(x.stalls, 2u);
  const Decoded d = export_file(path);
  expect_everything_there(d, x);

  // Names: the process track follows exec; counters hang under it.
  ASSERT_NE(d.process(100), 0u);
  EXPECT_EQ(d.tracks.at(d.process(100)).name, "worker");
  EXPECT_EQ(d.tracks.at(d.process(200)).name, "other");
  ASSERT_NE(d.process(300), 0u);
  EXPECT_EQ(d.tracks.at(d.process(300)).name, "attached");
  // Faults per 10 ms of pid 100: 10 in [0, 10 ms) after time zero, then a
  // zero (the gap), 5 in [20, 30), a zero, 8 in [70, 80), and a closing zero.
  const uint64_t zero = d.counters(100, "faults per 10 ms").front()->ts;
  std::vector<std::pair<uint64_t, int64_t>> faults;
  for (const Event* e : d.counters(100, "faults per 10 ms")) faults.emplace_back(e->ts - zero, e->value);
  const uint64_t ms = 1'000'000;
  EXPECT_EQ(faults, (std::vector<std::pair<uint64_t, int64_t>>{
                        {0, 10}, {10 * ms, 0}, {20 * ms, 5}, {30 * ms, 0}, {70 * ms, 8}, {80 * ms, 0}}));
  // RSS and VmSwap in bytes.
  const auto rss = d.counters(100, "RSS");
  ASSERT_EQ(rss.size(), 2u);
  EXPECT_EQ(rss[0]->value, 1000 * 1024);
  EXPECT_EQ(rss[1]->value, 2000 * 1024);
  EXPECT_EQ(d.counters(100, "swap (VmSwap)").back()->value, 64 * 1024);
  EXPECT_EQ(d.counters(100, "swap entries").back()->value, 12);
  EXPECT_FALSE(d.counters(100, "working set (100 ms)").empty());
  // The direct stall: a slice of 2 ms on thread 101's track, ending at the end record.
  const Event* begin = nullptr;
  const Event* end = nullptr;
  for (const Event& e : d.events) {
    const auto& t = d.tracks.at(e.track);
    if (t.kind == Track::kThread && t.tid == 101) (e.type == 1 ? begin : end) = &e;
  }
  ASSERT_TRUE(begin && end);
  EXPECT_EQ(begin->name, "direct reclaim");
  EXPECT_EQ(end->ts - begin->ts, 2 * ms);
  EXPECT_EQ(begin->args.at("nr_reclaimed"), 32);
  EXPECT_EQ(d.tracks.at(begin->track).pid, 100);
  // The OOM kill on the victim's track, the killer in its args.
  for (const Event& e : d.events) {
    if (e.category != "oom") continue;
    EXPECT_EQ(e.track, d.process(200));
    EXPECT_EQ(e.name, "OOM kill");
    EXPECT_EQ(e.args.at("killer_pid"), 100);
    EXPECT_EQ(e.args.at("anon_rss_kb"), 4096);
  }
  // A full flush has pages -1.
  bool full = false;
  for (const Event& e : d.events) full |= e.category == "tlb" && e.args.at("pages") == -1;
  EXPECT_TRUE(full);

  // --pid: only that process's tracks (and the global one).
  const Decoded one = export_file(path, " --pid 200");
  EXPECT_TRUE(one.errors.empty()) << one.errors.front();
  EXPECT_EQ(one.process(100), 0u);
  EXPECT_EQ(one.sum(200, "faults per 10 ms"), 7);
  EXPECT_EQ(one.sum(200, "major faults per 10 ms"), 1);
  std::remove(path.c_str());
}

TEST_F(PerfettoExport, DemoCaptureDecodesWhole) {
  const std::string demo = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";
  const Expected x = expected_of(demo);
  ASSERT_FALSE(x.faults.empty());
  const Decoded d = export_file(demo);
  expect_everything_there(d, x);
  EXPECT_GT(d.packets, 100u);
}

TEST_F(PerfettoExport, StdoutAndUnwritableOutput) {
  const std::string demo = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";
  int status = -1;
  const std::string out =
      run_command(pagescope_binary() + " export " + demo + " --format perfetto -o - 2>/dev/null", status);
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(decode(out).errors.empty());
  // Bad output: exit 2, one line, as every export format.
  const std::string err = run_command(pagescope_binary() + " export " + demo +
                                          " --format perfetto -o /nonexistent-dir/x.pftrace 2>&1 >/dev/null",
                                      status);
  EXPECT_EQ(status, 2) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(err.rfind("pagescope export: ", 0), 0u) << err;
}
