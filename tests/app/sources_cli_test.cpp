// Never silent (issue 12): a capture that says some event sources were off
// (here the state a fresh machine without tracefs left: no memory syscalls,
// no reclaim writes; access sampling not requested) is read by `inspect`,
// `export`, `replay` and `mrc`. Their columns of a missing source print "-"
// (JSON null, empty CSV cells), never 0, and each missing source gets one
// note naming the reason on stderr. Captures that do not say keep their output.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/model/capture_file.h"

using namespace pagescope;
using capture::Source;
using capture::SourceState;
using model::RecordBuffer;
using model::testing::temp_path;
using model::testing::test_host;
using model::testing::write_capture;

namespace {

const char* kNoSyscalls = "syscalls:sys_enter_mmap: tracefs is not mounted at /sys/kernel/tracing";
const char* kNoWrites = "vmscan:mm_vmscan_write_folio: tracefs is not mounted at /sys/kernel/tracing";

std::string bin() { return std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope"; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CliRun {
  int status = -1;
  std::string out, err;
};

// Runs `pagescope ARGS` with stdout and stderr kept apart.
CliRun run_cli(const std::string& args) {
  const std::string out = temp_path("cli.out"), err = temp_path("cli.err");
  const int rc = std::system((bin() + " " + args + " >" + out + " 2>" + err).c_str());
  CliRun r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) cells.push_back(cell);
  if (!line.empty() && line.back() == sep) cells.push_back("");
  return cells;
}

// The whitespace-separated cells of the first line whose first cell is `first`.
std::vector<std::string> row_of(const std::string& out, const std::string& first) {
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::vector<std::string> row;
    std::string cell;
    while (in >> cell) row.push_back(cell);
    if (!row.empty() && row[0] == first) return row;
  }
  return {};
}

std::vector<std::string> cells_of(const std::string& line, char sep) {
  if (sep != ' ') return split(line, sep);
  std::istringstream in(line);
  std::vector<std::string> cells;
  std::string cell;
  while (in >> cell) cells.push_back(cell);
  return cells;
}

// The cell of `column` in the first row starting with `first` under the
// header starting with `header_first`, from an aligned table (every cell up
// to `column` must be one word) or a CSV table (sep ',').
std::string cell(const std::string& out, const std::string& header_first, const std::string& first,
                 const std::string& column, char sep = ' ') {
  std::istringstream lines(out);
  std::string line;
  std::vector<std::string> header, row;
  while (std::getline(lines, line)) {
    auto cells = cells_of(line, sep);
    if (cells.empty()) continue;
    if (header.empty() && cells[0] == header_first) {
      header = cells;
    } else if (!header.empty() && cells[0] == first) {
      row = cells;
      break;
    }
  }
  auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end() || size_t(at - header.begin()) >= row.size()) return "<no " + column + ">";
  return row[size_t(at - header.begin())];
}

size_t count_of(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

// pid 300 faults 23 times (writes, user mode) over two seconds and exits.
RecordBuffer story() {
  const uint64_t s = 1'000'000'000;
  RecordBuffer b;
  b.target(1000, 300);
  b.proc_file(1100, 300, PS_PROC_MAPS,
              "555500000000-555500001000 r-xp 00000000 08:01 77 /usr/bin/demo\n"
              "7f0000000000-7f0000010000 rw-p 00000000 00:00 0 \n");
  for (int i = 0; i < 23; ++i) {
    b.fault(2000 + uint64_t(i) * (s / 12), 300, 300, 0x7f0000000000 + 4096 * uint64_t(i % 16),
            PS_PF_USER | PS_PF_WRITE);
  }
  b.exit(2 * s + 5000, 300, 300, true, 23, 0);
  return b;
}

capture::HostInfo host_without(std::initializer_list<std::pair<Source, const char*>> unavailable) {
  capture::HostInfo host = test_host();
  for (size_t i = 0; i < capture::kSourceCount; ++i) host.sources.set(Source(i), SourceState::kOn, "");
  host.sources.set(Source::kAccessBits, SourceState::kNotRequested, "--access-interval");
  host.sources.set(Source::kPageContents, SourceState::kNotRequested, "--sample-contents");
  for (const auto& [s, why] : unavailable) host.sources.set(s, SourceState::kUnavailable, why);
  return host;
}

class SourcesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(bin().c_str(), X_OK) != 0) GTEST_SKIP() << "no " << bin();
    write_capture(path_, story(), {},
                  host_without({{Source::kMmSyscalls, kNoSyscalls}, {Source::kReclaimWrites, kNoWrites}}));
  }
  void TearDown() override { std::remove(path_.c_str()); }
  const std::string path_ = temp_path("sources.psc");
};

const std::string kSyscallNote = std::string("note: no memory-syscall records (mmap, munmap, mprotect, mremap, brk, "
                                             "madvise): ") + kNoSyscalls + "\n";
const std::string kWritesNote =
    std::string("note: no reclaim writes (swap-outs and file writeback): ") + kNoWrites + "\n";

}  // namespace

TEST_F(SourcesCli, InspectSummaryShowsDashForMissingSourcesAndNotesWhy) {
  CliRun r = run_cli("inspect " + path_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(cell(r.out, "PID", "300", "FAULTS"), "23") << r.out;
  EXPECT_EQ(cell(r.out, "PID", "300", "WRITE"), "23") << r.out;
  for (const char* c : {"MMAP", "MUNMAP", "MPROTECT", "BRK", "SYSFAIL"}) {
    EXPECT_EQ(cell(r.out, "PID", "300", c), "-") << c << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("SOURCES   UNAVAILABLE: mm_syscalls, reclaim_writes"), std::string::npos) << r.out;
  // One note per unavailable source, with its reason; the summary shows no
  // access-bit column, so the not-requested sampler gets no note.
  EXPECT_EQ(r.err, "pagescope inspect: " + kSyscallNote + "pagescope inspect: " + kWritesNote);

  CliRun j = run_cli("inspect --json " + path_);
  ASSERT_EQ(j.status, 0) << j.err;
  EXPECT_NE(j.out.find("\"FAULTS\": 23"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"MMAP\": null"), std::string::npos) << j.out;
  EXPECT_EQ(j.out.find("\"MMAP\": 0"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"unavailable_sources\": [\"no memory-syscall records"), std::string::npos) << j.out;
  EXPECT_EQ(count_of(j.err, "note: "), 2u) << j.err;

  CliRun c = run_cli("inspect --csv " + path_);
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(cell(c.out, "PID", "300", "MMAP", ','), "") << c.out;
  EXPECT_EQ(cell(c.out, "PID", "300", "FAULTS", ','), "23") << c.out;
}

TEST_F(SourcesCli, InspectTimelineLeavesSwapOutsUnknown) {
  CliRun r = run_cli("inspect --timeline " + path_);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(cell(r.out, "TIME", "0.000", "MINFLT"), "12") << r.out;
  EXPECT_EQ(cell(r.out, "TIME", "0.000", "SWAPOUT"), "-") << r.out;
  EXPECT_EQ(cell(r.out, "TIME", "1.000", "FILEWB"), "-") << r.out;
  EXPECT_EQ(cell(r.out, "TIME", "1.000", "TLB_REMOTE"), "0") << r.out;  // recorded: a real 0
  EXPECT_NE(r.err.find(kWritesNote), std::string::npos) << r.err;

  CliRun c = run_cli("inspect --timeline --csv " + path_);
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(cell(c.out, "TIME", "0.000", "SWAPOUT", ','), "") << c.out;
  EXPECT_EQ(cell(c.out, "TIME", "0.000", "MINFLT", ','), "12") << c.out;
  CliRun j = run_cli("inspect --timeline --json " + path_);
  EXPECT_NE(j.out.find("\"SWAPOUT\": null, \"FILEWB\": null"), std::string::npos) << j.out;
}

TEST_F(SourcesCli, InspectWssNotesTheAccessSamplerThatWasNotRequested) {
  CliRun r = run_cli("inspect " + path_ + " --pid 300 --wss --tau 1s");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(cell(r.out, "TAU", "1.000", "BIT_PAGES"), "-") << r.out;
  EXPECT_EQ(cell(r.out, "TAU", "1.000", "FAULT_PAGES"), "12") << r.out;
  EXPECT_NE(r.err.find("pagescope inspect: note: no accessed-bit samples: not requested (--access-interval)\n"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("page-content"), std::string::npos) << r.err;  // not shown, not noted
}

// --growth shows RESIDENT, whose sampler was not requested: "-" and its note;
// --locality shows only fault columns: no note for the sampler.
TEST_F(SourcesCli, InspectGrowthAndLocalityMarkTheirSources) {
  CliRun r = run_cli("inspect " + path_ + " --growth --interval 500ms");
  ASSERT_EQ(r.status, 0) << r.err;
  // 23 faults on 16 pages, one every 1/12 s: 6, 12, 16, 16 pages at 0.5 .. 2 s.
  EXPECT_EQ(cell(r.out, "RANK", "1", "PID"), "300") << r.out;
  EXPECT_EQ(cell(r.out, "RANK", "1", "TOUCHED_FROM"), "6") << r.out;
  EXPECT_EQ(cell(r.out, "RANK", "1", "TOUCHED_TO"), "16") << r.out;
  EXPECT_EQ(cell(r.out, "RANK", "1", "RESIDENT_FROM"), "-") << r.out;
  EXPECT_NE(r.err.find("pagescope inspect: note: no accessed-bit samples: not requested (--access-interval)\n"),
            std::string::npos) << r.err;
  CliRun c = run_cli("inspect " + path_ + " --growth --interval 500ms --csv");
  EXPECT_EQ(cell(c.out, "RANK", "1", "RESIDENT_PER_S", ','), "") << c.out;

  CliRun l = run_cli("inspect " + path_ + " --locality");
  ASSERT_EQ(l.status, 0) << l.err;
  EXPECT_EQ(cell(l.out, "PID", "300", "FAULTS"), "23") << l.out;
  EXPECT_EQ(cell(l.out, "PID", "300", "PAGES"), "16") << l.out;
  EXPECT_EQ(cell(l.out, "PID", "300", "REUSES"), "7") << l.out;
  EXPECT_EQ(l.err.find("accessed-bit"), std::string::npos) << l.err;
}

TEST_F(SourcesCli, InspectSourcesListsEachSourceWithStateAndReason) {
  CliRun r = run_cli("inspect --sources " + path_);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto writes = row_of(r.out, "reclaim_writes");
  ASSERT_GE(writes.size(), 3u) << r.out;
  EXPECT_EQ(writes[1], "unavailable");
  EXPECT_NE(r.out.find(kNoWrites), std::string::npos) << r.out;
  EXPECT_EQ(row_of(r.out, "faults").at(1), "on") << r.out;
  EXPECT_EQ(row_of(r.out, "access_bits"), (std::vector<std::string>{"access_bits", "not", "requested", "--access-interval"}))
      << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;

  CliRun j = run_cli("inspect --sources --json " + path_);
  ASSERT_EQ(j.status, 0) << j.err;
  EXPECT_NE(j.out.find("{\"SOURCE\": \"mm_syscalls\", \"STATE\": \"unavailable\", \"DETAIL\": \"" +
                       std::string(kNoSyscalls) + "\"}"),
            std::string::npos) << j.out;
  CliRun c = run_cli("inspect --sources --csv " + path_);
  EXPECT_NE(c.out.find("\nmm_syscalls,unavailable," + std::string(kNoSyscalls) + "\n"), std::string::npos) << c.out;
  EXPECT_EQ(run_cli("inspect --sources --timeline " + path_).status, 2);
}

TEST_F(SourcesCli, CaptureThatDoesNotSayKeepsItsOutput) {
  const std::string old = temp_path("old.psc");
  write_capture(old, story());
  CliRun r = run_cli("inspect " + old);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(cell(r.out, "PID", "300", "MMAP"), "0") << r.out;
  EXPECT_EQ(r.out.find("SOURCES"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sources "), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
  CliRun j = run_cli("inspect --json " + old);
  EXPECT_NE(j.out.find("\"MMAP\": 0"), std::string::npos) << j.out;
  EXPECT_EQ(j.out.find("unavailable_sources"), std::string::npos) << j.out;
  CliRun t = run_cli("inspect --timeline " + old);
  EXPECT_EQ(cell(t.out, "TIME", "0.000", "SWAPOUT"), "0") << t.out;
  EXPECT_TRUE(t.err.empty()) << t.err;
  CliRun s = run_cli("inspect --sources " + old);
  EXPECT_NE(s.out.find("the capture does not say"), std::string::npos) << s.out;
  EXPECT_EQ(row_of(s.out, "reclaim_writes").at(1), "unknown") << s.out;
  std::remove(old.c_str());
}

TEST_F(SourcesCli, ExportNotesAndCarriesTheSourceTable) {
  const std::string json = temp_path("sources.json");
  CliRun r = run_cli("export " + path_ + " --format chrome-json -o " + json);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("pagescope export: " + kSyscallNote), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pagescope export: " + kWritesNote), std::string::npos) << r.err;
  const std::string trace = slurp(json);
  EXPECT_NE(trace.find("\"otherData\": {"), std::string::npos) << trace.substr(trace.size() > 2000 ? trace.size() - 2000 : 0);
  EXPECT_NE(trace.find("{\"source\": \"reclaim_writes\", \"state\": \"unavailable\", \"detail\": \"" +
                       std::string(kNoWrites) + "\"}"),
            std::string::npos);
  // The missing sources are on the timeline too: a global instant at time 0 each.
  EXPECT_EQ(count_of(trace, "\"cat\": \"missing source\""), 2u);
  EXPECT_EQ(count_of(trace, "\"cat\": \"fault\""), 23u);
  std::remove(json.c_str());

  const std::string dir = temp_path("sources-csv");
  CliRun c = run_cli("export " + path_ + " --format csv -o " + dir);
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(count_of(c.err, "note: "), 2u) << c.err;
  const std::string sources = slurp(dir + "/sources.csv");
  EXPECT_EQ(sources.rfind("source,state,detail\nfaults,on,\n", 0), 0u) << sources;
  EXPECT_NE(sources.find("\nreclaim_writes,unavailable," + std::string(kNoWrites) + "\n"), std::string::npos)
      << sources;
  EXPECT_EQ(count_of(sources, "\n"), 1 + capture::kSourceCount) << sources;
  std::system(("rm -rf " + dir).c_str());
}

TEST_F(SourcesCli, ReplayAndMrcNoteOnlyWhatAReplayDependsOn) {
  // Reclaim writes do not change a replay; fault error codes (which faults
  // were writes) and the accessed bits it would interleave do.
  const std::string cap = temp_path("replay-sources.psc");
  write_capture(cap, story(), {},
                host_without({{Source::kFaultErrorCodes, "exceptions:page_fault_user: no BTF for it"},
                              {Source::kReclaimWrites, kNoWrites}}));
  CliRun r = run_cli("replay " + cap + " --frames 4");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("pagescope replay: warning: no fault error codes (read/write/exec): "
                       "exceptions:page_fault_user: no BTF for it\n"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no accessed-bit samples: not requested (--access-interval)"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("reclaim"), std::string::npos) << r.err;
  // Faults only (--access-order none): the accessed bits are not wanted.
  CliRun none = run_cli("replay " + cap + " --frames 4 --access-order none");
  EXPECT_EQ(none.err.find("accessed-bit"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("no fault error codes"), std::string::npos) << none.err;

  CliRun m = run_cli("mrc " + cap);
  ASSERT_EQ(m.status, 0) << m.err;
  EXPECT_NE(m.err.find("pagescope mrc: warning: no fault error codes"), std::string::npos) << m.err;
  std::remove(cap.c_str());

  // The summary capture: no memory syscalls. A replay of faults does not use them either.
  CliRun s = run_cli("replay " + path_ + " --frames 4 --access-order none");
  ASSERT_EQ(s.status, 0) << s.err;
  EXPECT_EQ(s.err.find("warning"), std::string::npos) << s.err;
}
