// Captures as a reference source: faults become references (page = address /
// page size, write = PS_PF_WRITE), other records are skipped, --pid filters.
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
