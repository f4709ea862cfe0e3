// Event sources against the real kernel (issue 12): what `record` captures
// must not depend on how the host was set up, and a source it cannot have is
// named, never silently missing.
//
// Built with MOUNT_VARIANTS tracefs, so each test runs three times: as the
// host is, in a private mount namespace without tracefs or debugfs (a machine
// as booted), and in one with tracefs mounted (tests/support/mount_ns_main.cpp).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "inspector/capture/sources.h"
#include "tests/live/live_support.h"

namespace pagescope::testing {
namespace {

using capture::Source;

// Which mount namespace this run is in, for failure messages.
std::string mount_ns() {
  const char* m = std::getenv("PAGESCOPE_TEST_MOUNT_NS");
  return m ? m : "host";
}

// A source's state by name ("on", "unavailable"...), so a failure reads.
std::string state_of(const capture::SourceSet& sources, Source s) {
  return capture::state_name(sources.state(s));
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

// One line of ps-vma-script's syscalls.txt: "PID NAME A0 A1 A2 A3 A4 A5 RET".
struct LoggedCall {
  uint32_t pid = 0;
  int kind = 0;
  uint64_t args[6] = {};
  int64_t ret = 0;
  int interval = 0;  // the checkpoint this call comes before
};

int kind_of(const std::string& name) {
  static const std::map<std::string, int> kinds{{"mmap", PS_EV_MMAP},         {"munmap", PS_EV_MUNMAP},
                                                {"mprotect", PS_EV_MPROTECT}, {"mremap", PS_EV_MREMAP},
                                                {"brk", PS_EV_BRK}};
  auto it = kinds.find(name);
  return it == kinds.end() ? 0 : it->second;
}

std::vector<LoggedCall> read_syscalls(const std::string& path) {
  std::vector<LoggedCall> out;
  std::ifstream in(path);
  int interval = 1;  // calls before "CP 1" lead up to checkpoint 1
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string first, name;
    f >> first;
    if (first == "CP") {
      f >> interval;
      ++interval;
      continue;
    }
    f >> name;
    LoggedCall c;
    c.kind = kind_of(name);
    if (c.kind == 0) continue;  // "touch" lines
    c.pid = static_cast<uint32_t>(std::stoul(first));
    for (auto& a : c.args) f >> a;
    f >> c.ret;
    c.interval = interval;
    out.push_back(c);
  }
  return out;
}

// The arguments the kernel takes as int (prot, flags, fd): the workload
// passes them through syscall(2)'s varargs as int, so only their low 32 bits
// are defined in the register the tracer reads.
bool int_arg(int kind, int i) {
  switch (kind) {
    case PS_EV_MMAP: return i == 2 || i == 3 || i == 4;
    case PS_EV_MPROTECT: return i == 2;
    case PS_EV_MREMAP: return i == 3;
    default: return false;
  }
}

int nargs(int kind) {
  switch (kind) {
    case PS_EV_MMAP: return 6;
    case PS_EV_MREMAP: return 5;
    case PS_EV_MPROTECT: return 3;
    case PS_EV_MUNMAP: return 2;
    default: return 1;
  }
}

bool same_call(const LoggedCall& c, const ps_mm_syscall& s) {
  if (static_cast<int>(s.hdr.kind) != c.kind || s.hdr.pid != c.pid || s.ret != c.ret) return false;
  for (int i = 0; i < nargs(c.kind); ++i) {
    const uint64_t mask = int_arg(c.kind, i) ? 0xffffffffull : ~0ull;
    if ((s.args[i] & mask) != (c.args[i] & mask)) return false;
  }
  return true;
}

std::string describe(const LoggedCall& c) {
  std::ostringstream o;
  o << "pid " << c.pid << " kind " << c.kind << " args";
  for (int i = 0; i < nargs(c.kind); ++i) o << " " << std::hex << "0x" << c.args[i] << std::dec;
  o << " ret " << c.ret << " (before checkpoint " << c.interval << ")";
  return o.str();
}

struct Checkpoint {
  int n = 0;
  uint32_t pid = 0;
  uint64_t ts = 0;
  bool logged = false;
};

// The check: a program that calls mmap, mprotect, mremap and munmap
// has each call in the capture, with and without tracefs. ps-vma-script logs
// every memory syscall it makes between checkpoints, with its arguments and
// result; each must be in the capture exactly once, and between two logged
// checkpoints there must be no other memory-syscall record of that process.
//
// Memory syscalls come two ways (inspector/live/tracefs.h): the syscalls:*
// events, with their ids read from tracefs (mounted privately when the host
// has not), or the sys_enter/sys_exit raw tracepoints when tracefs cannot be
// had (PAGESCOPE_NO_TRACEFS=1 forces that here). Both must give the same calls.
struct SyscallPath {
  const char* name;
  const char* env;     // prefix of the record command
  const char* detail;  // how the mm_syscalls source detail starts
};

void PrintTo(const SyscallPath& p, std::ostream* os) { *os << p.name; }

class RecordSyscallPaths : public ::testing::TestWithParam<SyscallPath> {};

// /proc/self/mountinfo lines of tracefs mounts: record must leave them as they were.
int tracefs_mounts() {
  std::ifstream in("/proc/self/mountinfo");
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(" - tracefs ") != std::string::npos;
  return n;
}

TEST_P(RecordSyscallPaths, EveryMemorySyscallOfAScriptIsInTheCapture) {
  SKIP_WITHOUT_KERNEL();
  const std::string script = binary("workloads/ps-vma-script");
  if (access(script.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << script;
  const std::string dir = temp_dir();
  const std::string cap = dir + "/run.psc";
  const int mounts_before = tracefs_mounts();
  SplitRun r = run_split(std::string(GetParam().env) + pagescope_bin() + " record -o " + cap +
                         " -- " + script + " " + dir);
  ASSERT_EQ(r.exit_code(), 0) << "[" << mount_ns() << "]\n" << r.out << r.err;
  EXPECT_EQ(tracefs_mounts(), mounts_before) << "record changed this namespace's tracefs mounts";
  // Nothing this test looks at may be missing, and record would have said so.
  for (const char* name : {"mm_syscalls", "fault_error_codes", "faults"}) {
    for (const auto& line : lines_with(r.err, "missing source")) {
      EXPECT_EQ(line.find(std::string(" ") + name + ":"), std::string::npos) << "[" << mount_ns() << "] " << line;
    }
  }

  auto reader = capture::CaptureReader::open(cap);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  const auto& sources = reader->host().sources;
  EXPECT_EQ(state_of(sources, Source::kMmSyscalls), "on")
      << "[" << mount_ns() << "] " << sources.status(Source::kMmSyscalls).detail;
  EXPECT_EQ(sources.status(Source::kMmSyscalls).detail.rfind(GetParam().detail, 0), 0u)
      << "[" << mount_ns() << "] " << sources.status(Source::kMmSyscalls).detail;
  EXPECT_EQ(state_of(sources, Source::kFaultErrorCodes), "on")
      << "[" << mount_ns() << "] " << sources.status(Source::kFaultErrorCodes).detail;

  const Capture c = read_capture(cap);
  EXPECT_TRUE(c.report.complete);
  std::vector<const ps_mm_syscall*> recorded;
  for (int kind : {PS_EV_MMAP, PS_EV_MUNMAP, PS_EV_MPROTECT, PS_EV_MREMAP, PS_EV_BRK}) {
    auto of = c.of_kind<ps_mm_syscall>(kind);
    recorded.insert(recorded.end(), of.begin(), of.end());
  }

  std::vector<Checkpoint> cps;
  std::ifstream idx(dir + "/checkpoints.txt");
  Checkpoint cp;
  int logged = 0;
  std::string label;
  while (idx >> cp.n >> cp.pid >> cp.ts >> logged >> label) {
    cp.logged = logged != 0;
    cps.push_back(cp);
  }
  ASSERT_GE(cps.size(), 11u);
  const uint32_t pid = cps.front().pid;
  std::map<int, uint64_t> ts_of;  // the script's own checkpoints (not its child's)
  for (const auto& p : cps) {
    if (p.pid == pid) ts_of[p.n] = p.ts;
  }

  const auto calls = read_syscalls(dir + "/syscalls.txt");
  std::map<int, int> logged_kinds;
  for (const auto& call : calls) ++logged_kinds[call.kind];
  // What ps-vma-script does (scripts/workloads/vma_script.cpp): 6 mmap,
  // 2 munmap, 2 mprotect, 3 mremap (grow, MREMAP_FIXED move, DONTUNMAP), 4 brk.
  EXPECT_EQ(logged_kinds[PS_EV_MMAP], 6);
  EXPECT_EQ(logged_kinds[PS_EV_MUNMAP], 2);
  EXPECT_EQ(logged_kinds[PS_EV_MPROTECT], 2);
  EXPECT_EQ(logged_kinds[PS_EV_MREMAP], 3);
  EXPECT_EQ(logged_kinds[PS_EV_BRK], 4);
  // Each call once, between the checkpoints around it (the C library's own
  // brk(0) at start-up has the same arguments and result as the script's).
  for (const auto& call : calls) {
    ASSERT_EQ(call.pid, pid) << describe(call);
    ASSERT_TRUE(ts_of.count(call.interval - 1) && ts_of.count(call.interval)) << describe(call);
    const uint64_t from = ts_of[call.interval - 1], to = ts_of[call.interval];
    const auto n = std::count_if(recorded.begin(), recorded.end(), [&](const ps_mm_syscall* s) {
      return s->hdr.ts_ns > from && s->hdr.ts_ns < to && same_call(call, *s);
    });
    EXPECT_EQ(n, 1) << "[" << mount_ns() << "] " << describe(call);
  }

  // Between consecutive logged checkpoints, the script's memory-syscall
  // records are exactly the logged calls: nothing extra either.
  int intervals = 0;
  for (int n = 1; ts_of.count(n) && ts_of.count(n - 1); ++n) {
    if (!std::any_of(cps.begin(), cps.end(), [&](const Checkpoint& p) {
          return p.pid == pid && p.n == n && p.logged;
        })) {
      continue;
    }
    ++intervals;
    const uint64_t from = ts_of[n - 1], to = ts_of[n];
    const auto in_window = std::count_if(recorded.begin(), recorded.end(), [&](const ps_mm_syscall* s) {
      return s->hdr.pid == pid && s->hdr.ts_ns > from && s->hdr.ts_ns < to;
    });
    const auto expected = std::count_if(calls.begin(), calls.end(),
                                        [&](const LoggedCall& call) { return call.interval == n; });
    EXPECT_EQ(in_window, expected) << "[" << mount_ns() << "] records between checkpoints " << n - 1
                                   << " and " << n;
  }
  EXPECT_EQ(intervals, 10) << "checkpoints 1 to 10 are logged";

  // Faults carry their error code: the 16 pages the script wrote right after
  // its first mmap are write faults with the code known.
  const auto first_mmap = std::find_if(calls.begin(), calls.end(), [](const LoggedCall& call) {
    return call.kind == PS_EV_MMAP;
  });
  ASSERT_NE(first_mmap, calls.end());
  const uint64_t anon = static_cast<uint64_t>(first_mmap->ret), anon_end = anon + 16 * 4096;
  const uint64_t t0 = ts_of[0], t1 = ts_of[1];
  long known = 0, writes = 0;
  for (const auto* f : c.of_kind<ps_fault>(PS_EV_FAULT)) {
    if (f->hdr.pid != pid || f->hdr.ts_ns < t0 || f->hdr.ts_ns > t1) continue;
    if (f->address < anon || f->address >= anon_end) continue;
    if (f->flags & PS_FAULT_ERR_KNOWN) {
      ++known;
      writes += (f->error_code & PS_PF_WRITE) != 0;
    }
  }
  EXPECT_GE(known, 1) << "[" << mount_ns() << "] no fault with a known error code";
  EXPECT_EQ(writes, known) << "the script only writes that region";
}

INSTANTIATE_TEST_SUITE_P(
    , RecordSyscallPaths,
    ::testing::Values(SyscallPath{"TracefsEvents", "", "syscalls:sys_enter_"},
                      SyscallPath{"RawSysEnter", "PAGESCOPE_NO_TRACEFS=1 ", "tp_btf/sys_enter"}),
    [](const ::testing::TestParamInfo<SyscallPath>& info) { return std::string(info.param.name); });

// A source taken away on purpose: perf_event_open refused by a seccomp filter
// (ps-deny-syscall), so the per-fault minor/major kind (perf software
// page-fault events) cannot be had. Faults still come from the exception
// tracepoints. Record names the source once with the reason, the capture's
// header says it was unavailable, and inspect prints the note.
TEST(RecordSources, ADeniedPerfEventIsNamedByRecordTheHeaderAndInspect) {
  SKIP_WITHOUT_KERNEL();
  const std::string deny = binary("tests/support/ps-deny-syscall");
  if (access(deny.c_str(), X_OK) != 0) GTEST_SKIP() << "no " << deny << " (x86-64 only)";
  const std::string dir = temp_dir();
  const std::string cap = dir + "/denied.psc";
  SplitRun r = run_split(deny + " perf_event_open -- " + pagescope_bin() + " record -o " + cap +
                         " -- " + binary("workloads/ps-touch-pages") + " 23 13 " + dir + "/report.txt");
  ASSERT_EQ(r.exit_code(), 0) << "[" << mount_ns() << "]\n" << r.out << r.err;

  // Exactly one line names the missing source, with the reason.
  const auto missing = lines_with(r.err, "missing source");
  ASSERT_EQ(missing.size(), 1u) << "[" << mount_ns() << "] stderr:\n" << r.err;
  EXPECT_NE(missing[0].find(capture::source_name(Source::kFaultKinds)), std::string::npos) << missing[0];
  EXPECT_NE(missing[0].find("Permission denied"), std::string::npos) << missing[0];
  EXPECT_EQ(lines_with(r.err, capture::source_name(Source::kFaultKinds)).size(), 1u) << r.err;

  auto reader = capture::CaptureReader::open(cap);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  const auto& sources = reader->host().sources;
  EXPECT_EQ(state_of(sources, Source::kFaultKinds), "unavailable");
  EXPECT_NE(sources.status(Source::kFaultKinds).detail.find("Permission denied"), std::string::npos)
      << sources.status(Source::kFaultKinds).detail;
  // Only that one: faults, their error codes and the syscalls are still on.
  for (auto s : {Source::kFaults, Source::kFaultErrorCodes, Source::kMmSyscalls, Source::kProcessLifecycle}) {
    EXPECT_EQ(state_of(sources, s), "on")
        << "[" << mount_ns() << "] " << capture::source_name(s) << ": " << sources.status(s).detail;
  }
  // The syscalls:* events are perf events too: memory syscalls fall back to
  // the raw sys_enter/sys_exit tracepoints, and the detail says why.
  EXPECT_EQ(sources.status(Source::kMmSyscalls).detail.rfind("tp_btf/sys_enter", 0), 0u)
      << sources.status(Source::kMmSyscalls).detail;
  const Capture c = read_capture(cap);
  EXPECT_GT(c.of_kind<ps_fault>(PS_EV_FAULT).size(), 23u) << "faults from the exception tracepoints";

  const auto note = sources.missing_note(Source::kFaultKinds);
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->rfind("no minor/major per fault: ", 0), 0u) << *note;
  SplitRun inspect = run_split(pagescope_bin() + " inspect " + cap);
  EXPECT_EQ(inspect.exit_code(), 0) << inspect.out << inspect.err;
  EXPECT_NE((inspect.out + inspect.err).find(*note), std::string::npos)
      << "inspect does not say: " << *note << "\nstdout:\n" << inspect.out << "\nstderr:\n" << inspect.err;
}

}  // namespace
}  // namespace pagescope::testing
