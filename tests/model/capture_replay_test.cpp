// The model reads capture files through CaptureReader exactly as it reads
// in-memory streams; `pagescope inspect` reports on them.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "capture_file.h"
#include "tests/support/json.h"
#include "inspector/model/capture_replay.h"
#include "inspector/model/process_table.h"
#include "inspector/model/space_tracker.h"

using namespace pagescope;
using namespace pagescope::model;
using pagescope::model::testing::temp_path;
using pagescope::model::testing::write_capture;

namespace {

RecordBuffer sample_stream() {
  RecordBuffer b;
  b.target(1000, 300);
  b.proc_file(1100, 300, PS_PROC_MAPS,
              "555500000000-555500001000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
              "7f0000000000-7f0000010000 rw-p 00000000 00:00 0 \n");
  for (int i = 0; i < 23; ++i) b.fault(2000 + i, 300, 300, 0x7f0000000000 + 4096 * (i % 16), PS_PF_USER | PS_PF_WRITE);
  b.syscall(PS_EV_MMAP, 3000, 300, 300, {0, 8192, 3, 0x22, ~0ull, 0}, 0x7f1000000000);
  b.fork(4000, 300, 300, 301, 301, 0, "demo");
  for (int i = 0; i < 5; ++i) b.fault(5000 + i, 301, 301, 0x7f0000000000 + 4096 * i, PS_PF_USER | PS_PF_WRITE | PS_PF_PROT);
  b.exit(6000, 301, 301, true, 5, 0);
  b.lost(6500, 3, 3);
  b.exit(7000, 300, 300, true, 23, 0);
  return b;
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

// The whitespace-separated cells of the table row whose first cell is `first`.
std::vector<std::string> row_of(const std::string& out, const std::string& first) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::vector<std::string> row;
    std::string cell;
    while (cells >> cell) row.push_back(cell);
    if (!row.empty() && row[0] == first) return row;
  }
  return {};
}

std::string slurp_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t count_of(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

std::string pagescope_binary() { return std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope"; }

}  // namespace

TEST(CaptureReplay, FileGivesTheSameModelAsTheStream) {
  const RecordBuffer stream = sample_stream();
  const std::string path = temp_path("replay.psc");
  write_capture(path, stream);

  ProcessTable direct;
  stream.for_each([&](const ps_header& h) { direct.apply(h); });
  ProcessTable from_file;
  SpaceTracker tracker;
  auto run = replay_capture(path, [&](const ps_header& h) {
    from_file.apply(h);
    tracker.apply(h);
  });
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_TRUE(run->report.complete);
  EXPECT_EQ(run->host.hostname, "testhost");
  EXPECT_EQ(from_file.totals().records, stream.size());
  ASSERT_EQ(from_file.processes().size(), direct.processes().size());
  for (size_t i = 0; i < direct.processes().size(); ++i) {
    EXPECT_EQ(from_file.processes()[i].pid, direct.processes()[i].pid);
    EXPECT_EQ(from_file.processes()[i].faults.total, direct.processes()[i].faults.total);
    EXPECT_EQ(from_file.processes()[i].exit_min_flt, direct.processes()[i].exit_min_flt);
  }
  EXPECT_EQ(from_file.find(300)->faults.total, 23u);
  EXPECT_EQ(from_file.totals().lost_events, 3u);
  ASSERT_NE(tracker.find(301), nullptr);
  EXPECT_EQ(tracker.find(301)->cow_faults, 5u);
  std::remove(path.c_str());
}

TEST(CaptureReplay, NotACaptureIsAnErrorNamingTheFile) {
  const std::string path = temp_path("garbage.psc");
  std::ofstream(path) << "this is not a capture file, just some text long enough for a header";
  auto run = replay_capture(path, [](const ps_header&) {});
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.error().message.find(path), std::string::npos) << run.error().message;
  auto missing = replay_capture(path + ".missing", [](const ps_header&) {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(".missing"), std::string::npos);
  std::remove(path.c_str());
}

TEST(InspectCommand, SummaryTableJsonAndBadFile) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("inspect.psc");
  write_capture(path, sample_stream());
  int status = -1;
  std::string out = run_command(pagescope_binary() + " inspect " + path, status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("LOST      3 EVENTS"), std::string::npos) << out;
  EXPECT_NE(out.find("testhost"), std::string::npos) << out;
  // One row per process: pid 300 with 23 faults, its child 301 with 5.
  const auto header = row_of(out, "PID");
  const auto parent = row_of(out, "300");
  const auto child = row_of(out, "301");
  ASSERT_GT(header.size(), 7u) << out;
  const size_t faults = std::find(header.begin(), header.end(), "FAULTS") - header.begin();
  const size_t prot = std::find(header.begin(), header.end(), "PROT") - header.begin();
  ASSERT_GT(parent.size(), prot) << out;  // the last cell (EXE) may be empty
  ASSERT_GT(child.size(), prot) << out;
  EXPECT_EQ(parent[faults], "23");
  EXPECT_EQ(child[faults], "5");
  EXPECT_EQ(child[prot], "5");
  EXPECT_EQ(child[1], "300");  // PPID

  out = run_command(pagescope_binary() + " inspect --json " + path, status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("\"lost_events\": 3"), std::string::npos) << out;
  EXPECT_NE(out.find("\"FAULTS\": 23"), std::string::npos) << out;

  out = run_command(pagescope_binary() + " inspect --csv " + path, status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("PID,PPID,COMM"), std::string::npos) << out;

  out = run_command(pagescope_binary() + " inspect " + path + ".nope 2>&1", status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find(path + ".nope"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  std::remove(path.c_str());
}

namespace {

// A process whose layout changes over time: a heap, then an mmap at 2 s that
// is unmapped at 4 s; faults in both.
RecordBuffer timeline_stream(uint64_t t0) {
  const uint64_t s = 1'000'000'000;
  RecordBuffer b;
  b.target(t0, 400);
  b.proc_file(t0 + 1, 400, PS_PROC_MAPS,
              "555500000000-555500002000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
              "555500010000-555500020000 rw-p 00000000 00:00 0 [heap]\n");
  for (int i = 0; i < 4; ++i) b.fault(t0 + s / 2 + i, 400, 400, 0x555500010000 + i * 4096, PS_PF_USER | PS_PF_WRITE);
  b.syscall(PS_EV_MMAP, t0 + 2 * s, 400, 400, {0, 8 * 4096, 3, 0x22, ~0ull, 0}, 0x7f2000000000);
  for (int i = 0; i < 8; ++i) b.fault(t0 + 3 * s + 1000000 + i, 400, 400, 0x7f2000000000 + i * 4096, PS_PF_USER | PS_PF_WRITE);
  b.syscall(PS_EV_MUNMAP, t0 + 4 * s, 400, 400, {0x7f2000000000, 8 * 4096}, 0);
  b.exit(t0 + 5 * s, 400, 400, true, 12, 0);
  return b;
}

}  // namespace

TEST(InspectCommand, LayoutAtATimeVmasAndWorkingSet) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("layout.psc");
  write_capture(path, timeline_stream(1'000'000));
  int status = -1;
  // At 3.5 s the mmap exists and has its 8 faults; at 1 s it does not.
  std::string out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --layout --at 3.5s", status);
  EXPECT_EQ(status, 0) << out;
  auto row = row_of(out, "7f2000000000");
  ASSERT_GE(row.size(), 7u) << out;
  EXPECT_EQ(row[1], "7f2000008000");
  EXPECT_EQ(row[4], "anon");
  EXPECT_EQ(row[5], "8");  // faults
  EXPECT_EQ(row[6], "8");  // distinct pages
  out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --layout --at 1s", status);
  EXPECT_EQ(status, 0);
  EXPECT_TRUE(row_of(out, "7f2000000000").empty()) << out;
  EXPECT_EQ(row_of(out, "555500010000").at(5), "4") << out;

  out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --vmas", status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("mmap"), std::string::npos) << out;
  EXPECT_NE(out.find("ended@"), std::string::npos) << out;

  out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --wss --tau 1s --csv", status);
  EXPECT_EQ(status, 0) << out;
  // Windows of 1 s: 4 pages in (0,1], 8 pages in (3,4].
  EXPECT_NE(out.find("1.000,1.000,4,16384"), std::string::npos) << out;
  EXPECT_NE(out.find("1.000,4.000,8,32768"), std::string::npos) << out;

  out = run_command(pagescope_binary() + " inspect " + path + " --layout 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --layout --at soon 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("soon"), std::string::npos) << out;
  std::remove(path.c_str());
}

TEST(ExportCommand, ChromeJsonAndCsv) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("export.psc");
  write_capture(path, timeline_stream(1'000'000));
  int status = -1;
  const std::string json = temp_path("export.json");
  std::string out = run_command(pagescope_binary() + " export " + path + " --format chrome-json -o " + json + " 2>&1", status);
  ASSERT_EQ(status, 0) << out;
  const std::string trace = slurp_file(json);
  EXPECT_EQ(trace.rfind("{\"displayTimeUnit\"", 0), 0u);
  EXPECT_EQ(count_of(trace, "\"cat\": \"fault\""), 12u);
  EXPECT_EQ(count_of(trace, "\"cat\": \"syscall\""), 2u);
  EXPECT_NE(trace.find("\"name\": \"vma created\""), std::string::npos);
  EXPECT_NE(trace.find("\"region\": \"heap\""), std::string::npos);
  EXPECT_NE(trace.find("\"ph\": \"C\""), std::string::npos);
  // After the snapshot: its two VMAs (8 KiB + 64 KiB), not the empty layout before it.
  const size_t first_mapped = trace.find("\"name\": \"mapped bytes\"");
  ASSERT_NE(first_mapped, std::string::npos);
  EXPECT_EQ(trace.find("\"name\": \"mapped bytes\", \"args\": {\"bytes\": 73728}"), first_mapped) << trace;
  // And after the mmap at 2 s, its 32 KiB too.
  EXPECT_NE(trace.find("\"name\": \"mapped bytes\", \"args\": {\"bytes\": 106496}"), std::string::npos) << trace;
  EXPECT_NE(trace.find("]}"), std::string::npos);

  const std::string dir = temp_path("export-csv");
  out = run_command(pagescope_binary() + " export " + path + " --format csv -o " + dir + " 2>&1", status);
  ASSERT_EQ(status, 0) << out;
  const std::string faults = slurp_file(dir + "/faults.csv");
  EXPECT_EQ(count_of(faults, "\n"), 13u);  // header + 12
  EXPECT_EQ(count_of(faults, ",anon,"), 8u);
  EXPECT_EQ(count_of(slurp_file(dir + "/syscalls.csv"), "\n"), 3u);
  EXPECT_NE(slurp_file(dir + "/vma_changes.csv").find(",ended,"), std::string::npos);

  out = run_command(pagescope_binary() + " export " + path + " --format xml -o x 2>&1", status);
  EXPECT_EQ(status, 2);
  EXPECT_NE(out.find("chrome-json"), std::string::npos) << out;
  std::remove(path.c_str());
  std::remove(json.c_str());
  std::system(("rm -rf " + dir).c_str());
}

namespace {

// CSV lines of `out` whose cells start with `prefix` cells.
std::vector<std::vector<std::string>> csv_rows(const std::string& out, const std::string& prefix) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::vector<std::string> cells;
    std::istringstream cs(line);
    for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// Two processes; pid 500 has an access-bit sample in (0, 1s], pid 501 only
// faults; meminfo and memcg samples; a file mapping at file offset 0x3000.
RecordBuffer sampled_stream(uint64_t t0) {
  const uint64_t s = 1'000'000'000;
  RecordBuffer b;
  b.target(t0, 500);
  b.proc_file(t0 + 1, 500, PS_PROC_MAPS,
              "00100000-00110000 rw-p 00000000 00:00 0 \n"
              "00200000-00208000 r--p 00003000 08:01 42 /data/f\n");
  b.proc_file(t0 + 1, 0, PS_PROC_MEMINFO, "MemTotal:  1000 kB\nMemAvailable: 500 kB\n");
  b.proc_file(t0 + 1, 0, PS_PROC_MEMCG, "usage 4096\nlimit 204800\n");
  b.fault(t0 + s / 5, 500, 500, 0x100000, PS_PF_USER | PS_PF_WRITE);
  b.fault(t0 + s / 5 + 1, 500, 500, 0x101000, PS_PF_USER | PS_PF_WRITE);
  b.fault(t0 + s / 5 + 2, 500, 500, 0x202000, PS_PF_USER);  // file offset 0x3000 + 0x2000
  for (int i = 0; i < 3; ++i) b.fault(t0 + s / 2 + i, 501, 501, 0x500000 + i * 4096, PS_PF_USER);
  b.access_bits(t0 + s, 500, 0x100000, 16, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  b.access_bits(t0 + s, 500, 0x200000, 8, {2}, {}, 12, {0, 2});
  b.access_interval(t0 + s, 500, t0);
  b.fault(t0 + 3 * s / 2, 500, 500, 0x10c000, PS_PF_USER | PS_PF_WRITE);
  b.fault(t0 + 5 * s / 2, 500, 500, 0x10c000, PS_PF_USER | PS_PF_WRITE);
  return b;
}

}  // namespace

// export counts from the same time zero as inspect: the earliest record,
// not the first one written (the per-CPU buffers drain out of order), when
// the header has no start.
TEST(ExportCommand, TimeZeroIsTheEarliestRecordNotTheFirstWritten) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  RecordBuffer b;
  b.fault(3'000'000, 300, 300, 0x7f0000001000, PS_PF_USER | PS_PF_WRITE);  // written first
  b.fault(1'000'000, 300, 300, 0x7f0000002000, PS_PF_USER | PS_PF_WRITE);  // 2 ms earlier
  auto host = pagescope::model::testing::test_host();
  host.start_ns = 0;
  const std::string path = temp_path("export-zero.psc");
  write_capture(path, b, {}, host);
  const std::string json = temp_path("export-zero.json");
  int status = -1;
  const std::string out =
      run_command(pagescope_binary() + " export " + path + " --format chrome-json -o " + json + " 2>&1", status);
  ASSERT_EQ(status, 0) << out;
  const std::string trace = slurp_file(json);
  // Counting from the first written (3 ms), both faults would be at 0.
  EXPECT_NE(trace.find("{\"ts\": 0.000, \"pid\": 300, \"tid\": 300, \"ph\": \"i\""), std::string::npos) << trace;
  EXPECT_NE(trace.find("{\"ts\": 2000.000, \"pid\": 300, \"tid\": 300, \"ph\": \"i\""), std::string::npos) << trace;
  std::remove(path.c_str());
  std::remove(json.c_str());
}

// inspect --causes: per process, and per mapping with --pid, in CSV and
// JSON as every view; a bad combination is a usage error.
TEST(InspectCommand, CausesPerProcessAndPerMapping) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  RecordBuffer b;
  b.proc_file(1, 7, PS_PROC_MAPS,
              "7f0000000000-7f0000010000 rw-p 00000000 00:00 0 \n"
              "7f1000000000-7f1000010000 r--p 00000000 08:01 99 /data/file\n");
  uint64_t ts = 10;
  for (int i = 0; i < 3; ++i) b.fault(ts++, 7, 7, 0x7f0000000000 + i * 4096, PS_PF_USER);  // zero page
  for (int i = 0; i < 2; ++i) b.fault(ts++, 7, 7, 0x7f0000000000 + i * 4096, PS_PF_USER | PS_PF_WRITE | PS_PF_PROT);
  b.fault(ts++, 7, 7, 0x7f1000000000, PS_PF_USER, PS_FAULT_ERR_KNOWN | PS_FAULT_ACCOUNTED | PS_FAULT_MAJOR);
  const std::string path = temp_path("causes.psc");
  write_capture(path, b);
  int status = -1;
  std::string out = run_command(pagescope_binary() + " inspect " + path + " --causes --csv", status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("PID,COMM,FAULTS,DEMAND_ZERO,ZERO_PAGE,ANON_REFAULT,SWAP_IN,FILE_CACHE,FILE_DISK,COW,PROTECTION,UNKNOWN"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find(",6,0,3,0,0,0,1,2,0,0"), std::string::npos) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --causes --pid 7", status);
  ASSERT_EQ(status, 0) << out;
  const auto file_row = row_of(out, "2");
  ASSERT_FALSE(file_row.empty()) << out;
  EXPECT_EQ(file_row.back(), "0");  // UNKNOWN
  EXPECT_NE(out.find("/data/file"), std::string::npos) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --causes --json", status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("\"causes\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"ZERO_PAGE\": 3"), std::string::npos) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --causes --timeline 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("--causes cannot be combined"), std::string::npos) << out;
  std::remove(path.c_str());
}

// inspect --signals: a refused access with its site, and a signal sent by
// another process (si_code SI_TKILL = -6: a negative code, no address).
TEST(InspectCommand, SignalsListRefusedAccessesAndSentOnes) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  RecordBuffer b;
  b.proc_file(1, 7, PS_PROC_MAPS, "7f0000000000-7f0000010000 r--p 00000000 00:00 0 \n");
  ps_signal s{};
  s.hdr = RecordBuffer::header(PS_EV_SIGNAL, sizeof s, 10, 7, 7);
  s.signo = 11;
  s.code = 2;  // SEGV_ACCERR
  s.addr = 0x7f0000000040;
  s.sender_pid = 7;
  b.append(&s, sizeof s);
  s.hdr.ts_ns = 20;
  s.code = -6;
  s.addr = 0;
  s.sender_pid = 99;
  b.append(&s, sizeof s);
  const std::string path = temp_path("signals.psc");
  write_capture(path, b);
  int status = -1;
  const std::string out = run_command(pagescope_binary() + " inspect " + path + " --signals --csv", status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find(",SIGSEGV,2,0x7f0000000040,not allowed,"), std::string::npos) << out;
  EXPECT_NE(out.find(",SIGSEGV,-6,,sent,"), std::string::npos) << out;
  std::remove(path.c_str());
}

TEST(InspectCommand, WorkingSetSourcesSystemTotalResidentAndFileOffsets) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("sampled.psc");
  write_capture(path, sampled_stream(1'000'000));
  int status = -1;
  std::string out = run_command(pagescope_binary() + " inspect " + path + " --pid 500 --wss --tau 1s --csv", status);
  ASSERT_EQ(status, 0) << out;
  // (0, 1s]: anon 0..9 and file page 2 from the bits, 3 of them also faulted.
  // (The per-mapping rows that follow start alike but have 10 cells.)
  auto seven = [](std::vector<std::vector<std::string>> rows) {
    rows.erase(std::remove_if(rows.begin(), rows.end(), [](const auto& r) { return r.size() != 7; }),
               rows.end());
    return rows;
  };
  auto w1 = seven(csv_rows(out, "1.000,1.000,"));
  ASSERT_EQ(w1.size(), 1u) << out;
  EXPECT_EQ(w1[0], (std::vector<std::string>{"1.000", "1.000", "11", "45056", "3", "11", "faults+access-bits"}));
  auto w2 = seven(csv_rows(out, "1.000,2.000,"));
  ASSERT_EQ(w2.size(), 1u) << out;
  EXPECT_EQ(w2[0], (std::vector<std::string>{"1.000", "2.000", "1", "4096", "1", "0", "faults"}));
  // Per mapping: TAU,T,ID,START,KIND,PATH,PAGES,FAULT_PAGES,BIT_PAGES,SOURCE.
  bool anon = false, file = false;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(",0x100000,anon,") != std::string::npos && line.rfind("1.000,1.000,", 0) == 0) {
      anon = true;
      EXPECT_NE(line.find(",10,2,10,faults+access-bits"), std::string::npos) << line;
    }
    if (line.find(",0x200000,") != std::string::npos && line.find(",/data/f,") != std::string::npos && line.rfind("1.000,1.000,", 0) == 0) {
      file = true;
      EXPECT_NE(line.find(",1,1,1,faults+access-bits"), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(anon && file) << out;

  // The system: both processes, against MemTotal (1000 kB) and the memcg limit (200 kB).
  out = run_command(pagescope_binary() + " inspect " + path + " --wss --tau 1s --csv", status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("TAU,T,PROCS,PAGES,BYTES,FAULT_PAGES,BIT_PAGES,SOURCE,MEM_TOTAL,PCT_RAM,"
                     "MEMCG_USAGE,MEMCG_LIMIT,PCT_LIMIT"), std::string::npos) << out;
  auto sys = csv_rows(out, "1.000,1.000,");
  ASSERT_EQ(sys.size(), 1u) << out;
  EXPECT_EQ(sys[0], (std::vector<std::string>{"1.000", "1.000", "2", "14", "57344", "6", "11",
                                              "mixed(1/2 sampled)", "1024000", "5.6", "4096",
                                              "204800", "28.0"}));
  out = run_command(pagescope_binary() + " inspect " + path + " --wss --tau 1s --json", status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("\"wss_system\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"MEMCG_LIMIT\": 204800"), std::string::npos) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --wss --tau 1s", status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("LOWER BOUND"), std::string::npos) << out;

  // Resident pages from the present bits, and the file offset of the mapping.
  out = run_command(pagescope_binary() + " inspect " + path + " --pid 500 --vmas --csv", status);
  ASSERT_EQ(status, 0) << out;
  // ID,ORIGIN,CREATED,ENDED,START,END,PERMS,KIND,FAULTS,READ,WRITE,EXEC,MAJOR,COW,PAGES,RESIDENT,FIRST_TOUCH,CHANGES,OFFSET,PATH
  bool seen_anon = false, seen_file = false;
  for (const auto& r : csv_rows(out, "")) {
    if (r.size() < 20) continue;
    if (r[4] == "0x100000") {
      seen_anon = true;
      EXPECT_EQ(r[15], "16");
      EXPECT_EQ(r[18], "");  // no file offset: empty in CSV, null in JSON
    }
    if (r[4] == "0x200000") {
      seen_file = true;
      EXPECT_EQ(r[8], "1");
      EXPECT_EQ(r[15], "2");
      EXPECT_EQ(r[18], "0x3000");  // addresses and offsets say they are hex (docs/json.md)
      EXPECT_EQ(r[19], "/data/f");
    }
  }
  EXPECT_TRUE(seen_anon && seen_file) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --pid 501 --vmas --csv", status);
  ASSERT_EQ(status, 0) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --pid 500 --layout --csv", status);
  ASSERT_EQ(status, 0) << out;
  auto layout = csv_rows(out, "0x200000,");
  ASSERT_EQ(layout.size(), 1u) << out;
  // START,END,SIZE,PERMS,KIND,FAULTS,PAGES,RESIDENT,FIRST_TOUCH,OFFSET,PATH
  EXPECT_EQ(layout[0][7], "2");
  EXPECT_EQ(layout[0][9], "0x3000");

  // chrome-json: the working set W(t, 100 ms) as a counter track per process:
  // the fault at 0.2 s closes (0.1, 0.2], the two 1 and 2 ns later open
  // (0.2, 0.3]; 11 pages of accessed bits at 1 s.
  const std::string json = temp_path("sampled.json");
  out = run_command(pagescope_binary() + " export " + path + " --format chrome-json -o " + json + " 2>&1", status);
  ASSERT_EQ(status, 0) << out;
  const std::string trace = slurp_file(json);
  EXPECT_NE(trace.find("\"ts\": 200000.000, \"pid\": 500, \"tid\": 500, \"ph\": \"C\", \"name\": "
                       "\"working set (100 ms)\", \"args\": {\"pages\": 1}}"), std::string::npos) << trace;
  EXPECT_NE(trace.find("\"ts\": 300000.000, \"pid\": 500, \"tid\": 500, \"ph\": \"C\", \"name\": "
                       "\"working set (100 ms)\", \"args\": {\"pages\": 2}}"), std::string::npos) << trace;
  EXPECT_NE(trace.find("\"ts\": 1000000.000, \"pid\": 500, \"tid\": 500, \"ph\": \"C\", \"name\": "
                       "\"working set (100 ms)\", \"args\": {\"pages\": 11}}"), std::string::npos) << trace;
  EXPECT_NE(trace.find("\"name\": \"resident pages (present bits)\""), std::string::npos);
  std::remove(json.c_str());
  std::remove(path.c_str());
}

// `inspect --timeline` cuts rows from time zero: the header's start, or the
// earliest record when it is older, or the earliest record when the header
// has none. Whichever way zero is found, the rows are those of zero = the
// earliest record here.
TEST(InspectCommand, TimelineRowsDoNotDependOnWhereZeroWasFound) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  std::string previous;
  for (uint64_t start : {uint64_t{0}, uint64_t{1000}, uint64_t{5'000'000}}) {
    auto host = pagescope::model::testing::test_host();
    host.start_ns = start;
    const std::string path = temp_path("timeline-" + std::to_string(start) + ".psc");
    write_capture(path, sample_stream(), {}, host);
    int status = -1;
    const std::string out =
        run_command(pagescope_binary() + " inspect " + path + " --timeline --interval 1ms --csv", status);
    EXPECT_EQ(status, 0) << out;
    EXPECT_NE(out.find('\n'), std::string::npos) << out;
    if (!previous.empty()) {
      EXPECT_EQ(out, previous) << "header start " << start;
    }
    previous = out;
    std::remove(path.c_str());
  }
}

// The layout at a process's end, or at --at, comes from a copy of the model
// taken where the two part: the same as replaying only the records before.
TEST(InspectCommand, LayoutAtEndAndAtCutOffMatchAReplayOfThePrefix) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("layout-fork.psc");
  write_capture(path, sample_stream());
  int status = -1;
  const std::string end = run_command(pagescope_binary() + " inspect " + path + " --pid 300 --layout --csv", status);
  ASSERT_EQ(status, 0) << end;
  EXPECT_NE(end.find("0x7f1000000000"), std::string::npos) << end;  // mapped before the exit, not emptied by it
  const std::string at = run_command(pagescope_binary() + " inspect " + path + " --pid 300 --layout --at 1us --csv", status);
  ASSERT_EQ(status, 0) << at;
  EXPECT_EQ(at.find("0x7f1000000000"), std::string::npos) << at;  // the mmap at 2 us is after the cut-off
  EXPECT_NE(at.find("0x7f0000000000"), std::string::npos) << at;
  std::remove(path.c_str());
}

// An exception thrown by the model's callback stops the decoding thread and
// reaches the caller; the file can be replayed again at once.
TEST(CaptureReplay, ExceptionFromTheCallbackStopsTheDecoder) {
  const std::string path = temp_path("throw.psc");
  RecordBuffer b;
  for (int i = 0; i < 200000; ++i) b.fault(1000 + i, 7, 7, 0x1000 * uint64_t(i), PS_PF_USER);
  write_capture(path, b);
  size_t seen = 0;
  EXPECT_THROW((void)replay_capture(path,
                                    [&](const ps_header&) {
                                      if (++seen == 1000) throw std::runtime_error("stop");
                                    }),
               std::runtime_error);
  EXPECT_EQ(seen, 1000u);
  seen = 0;
  auto run = replay_capture(path, [&](const ps_header&) { ++seen; });
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(seen, 200000u);
  std::remove(path.c_str());
}

namespace {

// pid 400: mapping A (0x7f1000000000) gets 100 new pages a second for 4 s;
// C (0x7f3000000000) 100 a second for 2 s, then half of it is unmapped.
// Every fault of A is the page after the one before (a sequential scan).
RecordBuffer growth_stream(uint64_t t0) {
  const uint64_t s = 1'000'000'000, page = 4096;
  const uint64_t a = 0x7f1000000000, c = 0x7f3000000000;
  RecordBuffer b;
  b.target(t0, 400);
  b.proc_file(t0 + 1, 400, PS_PROC_MAPS,
              "555500000000-555500002000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
              "555500010000-555500020000 rw-p 00000000 00:00 0 [heap]\n");
  b.syscall(PS_EV_MMAP, t0 + 2, 400, 400, {0, 1024 * page, 3, 0x22, ~0ull, 0}, int64_t(a));
  b.syscall(PS_EV_MMAP, t0 + 3, 400, 400, {0, 1024 * page, 3, 0x22, ~0ull, 0}, int64_t(c));
  for (uint64_t k = 0; k < 4; ++k) {
    for (uint64_t i = 0; i < 100; ++i) b.fault(t0 + k * s + 1000 + i, 400, 400, a + (100 * k + i) * page, PS_PF_USER | PS_PF_WRITE);
    if (k < 2) {
      for (uint64_t i = 0; i < 100; ++i) b.fault(t0 + k * s + 2000 + i, 400, 400, c + (100 * k + i) * page, PS_PF_USER | PS_PF_WRITE);
    }
    if (k == 2) b.syscall(PS_EV_MUNMAP, t0 + 2 * s + s / 2, 400, 400, {c + 100 * page, 924 * page}, 0);
  }
  b.syscall(PS_EV_MADVISE, t0 + 4 * s, 400, 400, {a, page, 4}, 0);
  return b;
}

}  // namespace

TEST(InspectCommand, GrowthRanksTheSteadyMappingAndSkipsTheOneThatShrank) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("growth.psc");
  write_capture(path, growth_stream(1'000'000));
  int status = -1;
  std::string out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --growth", status);
  EXPECT_EQ(status, 0) << out;
  // RANK ID KIND START PATH FROM TO GREW_UNTIL SAMPLES TOUCHED_FROM TOUCHED_TO GROWTH TOUCHED_PER_S RESIDENT_*
  auto row = row_of(out, "1");
  ASSERT_EQ(row.size(), 16u) << out;
  EXPECT_EQ(row[2], "anon");
  EXPECT_EQ(row[3], "7f1000000000");
  EXPECT_EQ(row[5], "1.000");
  EXPECT_EQ(row[6], "4.000");
  EXPECT_EQ(row[7], "4.000");  // still growing at the last sample
  EXPECT_EQ(row[9], "100");
  EXPECT_EQ(row[10], "400");
  EXPECT_EQ(row[11], "300");
  EXPECT_EQ(row[12], "100.0");
  EXPECT_EQ(row[13], "-");  // no access bits: resident unknown, not 0
  EXPECT_TRUE(row_of(out, "2").empty()) << out;  // C shrank; nothing else grew
  EXPECT_EQ(out.find("7f3000000000"), std::string::npos) << out;

  // Per process: A + C = 200, 400, 400, 500 pages at 1..4 s.
  out = run_command(pagescope_binary() + " inspect " + path + " --growth --csv", status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("RANK,PID,COMM,FROM,TO,GREW_UNTIL,SAMPLES,TOUCHED_FROM,TOUCHED_TO,GROWTH,TOUCHED_PER_S"),
            std::string::npos) << out;
  EXPECT_NE(out.find("\n1,400,?,1.000,4.000,4.000,4,200,500,300,100.0,,,"), std::string::npos) << out;

  // Sampled every 2 s: 1.000 is no longer a sample (2, 4 s: 200 -> 400).
  out = run_command(pagescope_binary() + " inspect " + path + " --pid 400 --growth --interval 2s", status);
  EXPECT_EQ(status, 0) << out;
  row = row_of(out, "1");
  ASSERT_EQ(row.size(), 16u) << out;
  EXPECT_EQ(row[5], "2.000");
  EXPECT_EQ(row[12], "100.0");

  out = run_command(pagescope_binary() + " inspect " + path + " --growth --timeline 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_EQ(count_of(out, "\n"), 1u) << out;
  EXPECT_NE(out.find("--timeline"), std::string::npos) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --growth --pid 400 --vmas 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  std::remove(path.c_str());
}

TEST(InspectCommand, LocalityTableHistogramJsonAndBadTlb) {
  if (access(pagescope_binary().c_str(), X_OK) != 0) {
    GTEST_SKIP() << "no " << pagescope_binary() << " (build the pagescope target)";
  }
  const std::string path = temp_path("locality.psc");
  write_capture(path, growth_stream(1'000'000));
  int status = -1;
  // 600 faults on 600 pages: A's 400 in one upward scan per second, C's 200.
  std::string out = run_command(pagescope_binary() + " inspect " + path + " --locality --tlb-entries 150", status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("150 entries x 4 KiB"), std::string::npos) << out;
  // PID COMM FAULTS PAGES REUSES SEQ SEQ_FRAC REUSE_P50 REUSE_P90 REUSE_IN_TLB INTERVALS MAX_PAGES OVER_TLB
  auto row = row_of(out, "400");
  ASSERT_EQ(row.size(), 13u) << out;
  EXPECT_EQ(row[2], "600");
  EXPECT_EQ(row[3], "600");
  EXPECT_EQ(row[4], "0");
  // Sequential but for the jumps between A and C: A(0..99) C(0..99) A(100..199)
  // C(100..199) A(200..299 300..399): 4 jumps in 599 pairs.
  EXPECT_EQ(row[5], "595");
  EXPECT_EQ(row[6], "0.993");
  EXPECT_EQ(row[7], "-");  // no reuse: no distance
  EXPECT_EQ(row[10], "4");
  EXPECT_EQ(row[11], "200");
  EXPECT_EQ(row[12], "2");  // seconds 0 and 1 (200 pages) exceed 150 entries

  out = run_command(pagescope_binary() + " inspect " + path + " --locality --pid 400 --json", status);
  EXPECT_EQ(status, 0) << out;
  pagescope::testing::Json root;
  ASSERT_NO_THROW(root = pagescope::testing::JsonParser::parse(out)) << out;
  ASSERT_NE(root.find("locality"), nullptr) << out;
  ASSERT_NE(root.find("reuse_distances"), nullptr) << out;
  const auto* intervals = root.find("intervals");
  ASSERT_NE(intervals, nullptr) << out;
  EXPECT_EQ(intervals->items.size(), 4u) << out;
  // The histogram's last row is the cold faults: all 600.
  const auto& hist = root.find("reuse_distances")->items;
  ASSERT_FALSE(hist.empty());
  ASSERT_NE(hist.back().find("FAULTS"), nullptr) << out;
  EXPECT_EQ(hist.back().find("FAULTS")->text, "600") << out;

  out = run_command(pagescope_binary() + " inspect " + path + " --locality --tlb-entries 0 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_EQ(count_of(out, "\n"), 1u) << out;
  EXPECT_NE(out.find("--tlb-entries"), std::string::npos) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --locality --tlb-entries -1 2>&1", status);
  EXPECT_EQ(status, 2) << out;  // CLI11 takes -1 as 2^64 - 1
  EXPECT_EQ(count_of(out, "\n"), 1u) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --tlb-entries 64 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  out = run_command(pagescope_binary() + " inspect " + path + " --locality --growth 2>&1", status);
  EXPECT_EQ(status, 2) << out;
  std::remove(path.c_str());
}
