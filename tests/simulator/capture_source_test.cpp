// Captures as a reference source: faults become references (page = address /
// page size, write = PS_PF_WRITE), other records are skipped, --pid filters;
// access samples add the interval's accessed pages, merged with the faults by
// time (dirty = write, a page that faulted in the interval not twice).
#include <cstring>
#include <fstream>

#include "events.h"
#include "inspector/capture/writer.h"
#include "simulator/trace_file.h"
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

std::vector<uint8_t> fault(uint32_t pid, uint64_t address, bool write, bool known = true) {
  ps_fault f{};
  f.hdr.kind = PS_EV_FAULT;
  f.hdr.size = sizeof f;
  f.hdr.pid = pid;
  f.hdr.tid = pid;
  f.address = address;
  f.error_code = PS_PF_USER | (write ? PS_PF_WRITE : 0);
  f.flags = known ? PS_FAULT_ERR_KNOWN : 0;
  std::vector<uint8_t> b(sizeof f);
  std::memcpy(b.data(), &f, sizeof f);
  return b;
}

std::vector<uint8_t> exit_record(uint32_t pid) {
  ps_exit e{};
  e.hdr.kind = PS_EV_EXIT;
  e.hdr.size = sizeof e;
  e.hdr.pid = pid;
  std::vector<uint8_t> b(sizeof e);
  std::memcpy(b.data(), &e, sizeof e);
  return b;
}

std::vector<uint8_t> lost_record(uint64_t lost) {
  ps_lost l{};
  l.hdr.kind = PS_EV_LOST;
  l.hdr.size = sizeof l;
  l.lost = lost;
  l.lost_total = lost;
  std::vector<uint8_t> b(sizeof l);
  std::memcpy(b.data(), &l, sizeof l);
  return b;
}

std::vector<uint8_t> fault_at(uint32_t pid, uint64_t ts, uint64_t address, bool write) {
  auto b = fault(pid, address, write);
  reinterpret_cast<ps_header*>(b.data())->ts_ns = ts;
  return b;
}

// One ps_access_bits record over `pages` pages from `start`; `accessed` and
// `dirty` list page indexes. Every page is present.
std::vector<uint8_t> access_bits(uint32_t pid, uint64_t end_ns, uint64_t start, uint32_t pages,
                                 const std::vector<uint32_t>& accessed, const std::vector<uint32_t>& dirty,
                                 uint8_t page_shift = 12, uint16_t flags = 0) {
  const uint32_t words = (pages + 63) / 64;
  ps_access_bits a{};
  a.hdr.kind = PS_EV_ACCESS_BITS;
  a.hdr.size = uint32_t(sizeof a + 3 * 8 * words);
  a.hdr.ts_ns = end_ns;
  a.hdr.pid = a.hdr.tid = pid;
  a.start = start;
  a.pages = pages;
  a.page_shift = page_shift;
  a.source = PS_ACCESS_SRC_PTE_WALK;
  a.flags = flags;
  std::vector<uint64_t> bits(3 * words, 0);
  for (uint32_t i = 0; i < pages; ++i) bits[i / 64] |= 1ull << (i % 64);
  for (uint32_t i : accessed) bits[words + i / 64] |= 1ull << (i % 64);
  for (uint32_t i : dirty) bits[2 * words + i / 64] |= 1ull << (i % 64);
  std::vector<uint8_t> b(a.hdr.size);
  std::memcpy(b.data(), &a, sizeof a);
  std::memcpy(b.data() + sizeof a, bits.data(), bits.size() * 8);
  return b;
}

std::vector<uint8_t> access_interval(uint32_t pid, uint64_t begin_ns, uint64_t end_ns, uint32_t flags = 0) {
  ps_access_interval iv{};
  iv.hdr.kind = PS_EV_ACCESS_INTERVAL;
  iv.hdr.size = sizeof iv;
  iv.hdr.ts_ns = end_ns;
  iv.hdr.pid = iv.hdr.tid = pid;
  iv.begin_ns = begin_ns;
  iv.source = PS_ACCESS_SRC_PTE_WALK;
  iv.flags = flags;
  std::vector<uint8_t> b(sizeof iv);
  std::memcpy(b.data(), &iv, sizeof iv);
  return b;
}

std::string write_records(const std::string& name, const std::vector<std::vector<uint8_t>>& recs) {
  std::string path = std::string(PAGESCOPE_BINARY_DIR) + "/" + name + ".psc";
  capture::HostInfo host = capture::read_host_info();
  auto w = capture::CaptureWriter::create(path, host);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  for (const auto& r : recs) EXPECT_TRUE(w->append(r.data(), r.size()).ok());
  EXPECT_TRUE(w->close().ok());
  return path;
}

std::vector<uint64_t> pages_of(const Trace& t) {
  std::vector<uint64_t> out;
  for (PageId id : t.refs) out.push_back(t.page_of[id]);
  return out;
}

std::string write_capture() {
  std::string path = std::string(PAGESCOPE_BINARY_DIR) + "/sim_capture_source.psc";
  capture::HostInfo host = capture::read_host_info();
  auto w = capture::CaptureWriter::create(path, host);
  EXPECT_TRUE(w.ok()) << (w.ok() ? "" : w.error().message);
  std::vector<std::vector<uint8_t>> recs = {
      fault(10, 0x1000, true), fault(10, 0x1fff, false), fault(20, 0x1000, false),
      exit_record(20), fault(10, 0x5000, true, /*known=*/false), lost_record(5),
      fault(10, 0x200000, false)};
  for (const auto& r : recs) EXPECT_TRUE(w->append(r.data(), r.size()).ok());
  EXPECT_TRUE(w->close().ok());
  return path;
}

TEST(CaptureSource, FaultsBecomeReferences) {
  std::string path = write_capture();
  TraceFileOptions o;
  o.path = path;  // format guessed from .psc
  auto t = load_trace_file(o);
  ASSERT_TRUE(t.ok()) << t.error().message;
  ASSERT_EQ(t->size(), 5u);  // the exit record is not a reference
  std::vector<uint64_t> pages;
  for (PageId id : t->refs) pages.push_back(t->page_of[id]);
  EXPECT_EQ(pages, (std::vector<uint64_t>{1, 1, 1, 5, 0x200}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{1, 0, 0, 0, 0}));  // unknown error code: not a write
  ASSERT_EQ(t->pids.size(), 5u);
  EXPECT_EQ(t->distinct_pages(), 4u);  // page 1 of pid 10 and of pid 20 differ
  // The recorder's lost-event count reaches the user: the trace is incomplete.
  ASSERT_EQ(t->caveats.size(), 1u);
  EXPECT_NE(t->caveats[0].find("5 events were lost"), std::string::npos) << t->caveats[0];

  o.source.pid = 10;
  auto only = load_trace_file(o);
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->size(), 4u);

  o.source.pid = std::nullopt;
  o.page_size = "2M";
  auto huge = load_trace_file(o);
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->distinct_pages(), 3u);  // pid 10: 0 and 1 (0x200000); pid 20: 0
}

// One process, one interval [1000, 2000] over pages 0x100..0x107 (addresses
// 0x100000..): pages 1, 3, 5 accessed, 3 dirty, page 5 also faulted at 1500.
// Faults outside the interval (500, 2500) stay where they are.
std::vector<std::vector<uint8_t>> one_interval() {
  return {fault_at(7, 500, 0x900000, false),  fault_at(7, 1500, 0x105000, true),
          access_bits(7, 2000, 0x100000, 8, {1, 3, 5}, {3}), access_interval(7, 1000, 2000),
          fault_at(7, 2500, 0x901000, false), fault_at(8, 1200, 0x100000, false)};
}

TEST(CaptureSource, AccessedPagesAreMergedWithFaultsByTime) {
  std::string path = write_records("sim_capture_access", one_interval());
  TraceFileOptions o;
  o.path = path;
  o.source.pid = 7;
  o.source.access_order = "end";  // all sampled pages at 2000, in address order
  auto t = load_trace_file(o);
  ASSERT_TRUE(t.ok()) << t.error().message;
  // 0x105 faulted inside the interval: its accessed bit is not a second reference.
  EXPECT_EQ(pages_of(*t), (std::vector<uint64_t>{0x900, 0x105, 0x101, 0x103, 0x901}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{0, 1, 0, 1, 0}));  // dirty bit: a write

  o.source.access_order = "spread";  // 0x101, 0x103 around the fault at 1500 (times 1250, 1750)
  auto spread = load_trace_file(o);
  ASSERT_TRUE(spread.ok());
  auto p = pages_of(*spread);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p.front(), 0x900u);
  EXPECT_EQ(p.back(), 0x901u);
  EXPECT_EQ(p[2], 0x105u);  // one sampled page before the fault, one after
  EXPECT_TRUE((p[1] == 0x101 && p[3] == 0x103) || (p[1] == 0x103 && p[3] == 0x101));

  o.source.access_order = "random";  // inside the interval, order unknown
  auto rnd = load_trace_file(o);
  ASSERT_TRUE(rnd.ok());
  auto r = pages_of(*rnd);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r.front(), 0x900u);
  EXPECT_EQ(r.back(), 0x901u);
  auto again = load_trace_file(o);  // seeded: the same every time
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(pages_of(*again), r);

  o.source.access_order = "none";  // faults only
  auto none = load_trace_file(o);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(pages_of(*none), (std::vector<uint64_t>{0x900, 0x105, 0x901}));

  // Another process's fault of the same page does not hide pid 7's sample.
  o.source.pid = std::nullopt;
  o.source.access_order = "end";
  auto both = load_trace_file(o);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 6u);
  EXPECT_TRUE(both->caveats.empty());
}

// Bits are read at 2000 and cleared at 2100 (the next interval's begin); a
// fault stamped at 2050, in that gap, can still set the bit after the clear,
// so it explains the next interval's bit: one reference, not two.
TEST(CaptureSource, FaultWhileBitsWereClearedCountsForTheNextInterval) {
  std::string path = write_records("sim_capture_access_gap",
                                   {access_bits(9, 2000, 0x100000, 4, {0}, {}), access_interval(9, 1000, 2000),
                                    fault_at(9, 2050, 0x102000, false),
                                    access_bits(9, 3000, 0x100000, 4, {0, 2}, {}), access_interval(9, 2100, 3000)});
  TraceFileOptions o;
  o.path = path;
  o.source.access_order = "end";
  auto t = load_trace_file(o);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages_of(*t), (std::vector<uint64_t>{0x100, 0x102, 0x100}));
}

TEST(CaptureSource, HugeAndTruncatedAndUnclosedSamples) {
  std::string path = write_records(
      "sim_capture_access_huge",
      {// Two 2 MiB pages from 0x40000000, the second accessed: one reference at its start.
       access_bits(3, 2000, 0x40000000, 2, {1}, {}, 21, PS_ACCESS_TRUNCATED),
       access_interval(3, 1000, 2000, PS_ACCESS_TRUNCATED),
       // Bits that no interval record closes (the capture ended first).
       access_bits(3, 3000, 0x10000, 70, {0, 69}, {69})});
  TraceFileOptions o;
  o.path = path;
  o.source.access_order = "end";
  auto t = load_trace_file(o);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages_of(*t), (std::vector<uint64_t>{(0x40000000 + (1 << 21)) >> 12, 0x10, 0x10 + 69}));
  EXPECT_EQ(t->writes, (std::vector<uint8_t>{0, 0, 1}));
  ASSERT_EQ(t->caveats.size(), 2u);
  EXPECT_NE(t->caveats[0].find("1 access intervals hit the sampler's work bound"), std::string::npos)
      << t->caveats[0];
  EXPECT_NE(t->caveats[1].find("without a closing interval"), std::string::npos) << t->caveats[1];
}

TEST(CaptureSource, ShortAccessBitsRecordIsSkippedAndReported) {
  auto bad = access_bits(4, 2000, 0x100000, 128, {0, 100}, {});
  // Claim 4096 pages: the bitmaps would need more bytes than the record has.
  reinterpret_cast<ps_access_bits*>(bad.data())->pages = 4096;
  std::string path = write_records("sim_capture_access_short",
                                   {bad, access_interval(4, 1000, 2000), fault_at(4, 2500, 0x5000, false)});
  TraceFileOptions o;
  o.path = path;
  auto t = load_trace_file(o);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(pages_of(*t), (std::vector<uint64_t>{5}));
  ASSERT_EQ(t->caveats.size(), 1u);
  EXPECT_NE(t->caveats[0].find("too short"), std::string::npos) << t->caveats[0];
}

TEST(CaptureSource, UnknownAccessOrderIsAnError) {
  std::string path = write_records("sim_capture_access_order", one_interval());
  TraceFileOptions o;
  o.path = path;
  o.source.access_order = "middle";
  auto t = load_trace_file(o);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("unknown access order 'middle'"), std::string::npos) << t.error().message;
}

TEST(CaptureSource, NotACaptureIsAnError) {
  std::string path = std::string(PAGESCOPE_BINARY_DIR) + "/sim_not_a_capture.psc";
  std::ofstream(path) << "hello\n";
  TraceFileOptions o;
  o.path = path;
  auto t = load_trace_file(o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace pagescope::sim
