// `pagescope inspect FILE`: what a capture says, per process, and on request
// one process's address space (--layout), the life of its VMAs (--vmas), its
// working set from faults (--wss), what only grew (--growth), the locality of
// its faults (--locality), its faults by cause (--causes) and crashes
// (--signals), which event sources it had (--sources), and the system's
// fragmentation (--fragmentation) and kernel memory (--kernel-memory).
// A column whose source was off prints "-" (null, empty), never 0, and each
// missing source gets one note on stderr (model::SourceNotes).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/command.h"
#include "common/table.h"
#include "common/units.h"
#include "inspector/model/capture_query.h"
#include "inspector/model/capture_replay.h"
#include "inspector/model/growth.h"
#include "inspector/model/locality.h"
#include "inspector/model/process_table.h"
#include "inspector/model/resident_pages.h"
#include "inspector/model/sampled_working_set.h"
#include "inspector/model/source_notes.h"
#include "inspector/model/space_tracker.h"
#include "inspector/model/system_memory.h"
#include "inspector/model/system_wss_table.h"
#include "inspector/model/windowed_working_set.h"
#include "inspector/model/working_set.h"

namespace pagescope::app {

namespace {

using namespace pagescope::model;
using capture::Source;

// The TLB reach --locality compares with: a model figure, not a measurement
// (no hardware PMU here). 1536 is the second-level (shared) TLB of Intel's
// Skylake-family cores, Skylake to Comet Lake and Cascade Lake (Intel 64 and
// IA-32 Architectures Optimization Reference Manual, the Skylake
// microarchitecture's TLB table); Ice Lake and AMD Zen 2/3 have 2048.
constexpr uint64_t kDefaultTlbEntries = 1536;

struct InspectOptions {
  std::string file;
  uint32_t pid = 0;
  bool json = false;
  bool csv = false;
  bool layout = false;
  bool vmas = false;
  bool wss = false;
  bool timeline = false;
  bool sources = false;
  bool causes = false;
  bool signals = false;
  bool growth = false;
  bool locality = false;
  uint64_t tlb_entries = kDefaultTlbEntries;
  bool tlb_given = false;
  bool fragmentation = false;
  bool kernel_memory = false;
  size_t top = 15;
  std::string interval = "1s";
  std::string at = "end";
  std::string tau = "100ms,1s";
};

enum class Format { kTable, kCsv, kJson };

std::string num(uint64_t v) { return std::to_string(v); }

// Progress on stderr for long files, only when someone is watching: the
// query says every CaptureQuery::kProgressEvery (2^20) records.
class Progress {
 public:
  Progress() : tty_(isatty(STDERR_FILENO)) {}
  void at(uint64_t records) {
    n_ = records;
    if (tty_) std::fprintf(stderr, "\rinspect: %" PRIu64 "M records", n_ >> 20);
  }
  ~Progress() {
    if (tty_ && n_ >= (1u << 20)) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool tty_;
  uint64_t n_ = 0;
};

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "pagescope inspect: %s\n", message.c_str());
  return code;
}

std::string rel(uint64_t ts, uint64_t zero) { return ts >= zero ? format_seconds(ts - zero) : "0.000"; }

// Typed table cells (common/table.h): seconds since time zero, a duration in
// seconds, a count, text, and "-" (null in JSON) for what is not known.
Cell rel_cell(uint64_t ts, uint64_t zero) { return Cell::real(ts >= zero ? double(ts - zero) / 1e9 : 0.0, 3); }
Cell seconds_cell(uint64_t ns) { return Cell::real(double(ns) / 1e9, 3); }
Cell cnt(uint64_t v) { return Cell::count(v); }
Cell txt(std::string s) { return Cell::text(std::move(s)); }
Cell unknown() { return Cell::missing(); }

std::string source_list(const capture::SourceSet& set, capture::SourceState state) {
  std::string names;
  for (size_t i = 0; i < capture::kSourceCount; ++i) {
    const auto s = static_cast<Source>(i);
    if (set.state(s) == state) names += (names.empty() ? "" : ", ") + std::string(capture::source_name(s));
  }
  return names;
}

// One line on which sources the capture had; none for captures that do not say.
void print_sources_line(const capture::SourceSet& set) {
  if (!set.known()) return;
  const std::string unavailable = source_list(set, capture::SourceState::kUnavailable);
  const std::string not_requested = source_list(set, capture::SourceState::kNotRequested);
  if (!unavailable.empty()) {
    std::printf("SOURCES   UNAVAILABLE: %s (their columns show \"-\", not 0; why: stderr, "
                "inspect --sources)\n", unavailable.c_str());
  } else {
    std::printf("sources   all available\n");
  }
  if (!not_requested.empty()) std::printf("          not requested: %s\n", not_requested.c_str());
}

void print_header(const InspectOptions& o, const CaptureRun& run, const CaptureTotals& t,
                  uint64_t zero) {
  const auto& r = run.report;
  // Host facts come from the file: printable() keeps escape sequences in them
  // (or in a traced program's name) off the reader's terminal.
  std::printf("capture   %s (format %u.%u)\n", printable(o.file).c_str(), run.format_major, run.format_minor);
  std::printf("host      %s, kernel %s, %u CPUs, page %u B\n", printable(run.host.hostname).c_str(),
              printable(run.host.kernel_release).c_str(), run.host.cpu_count, run.host.page_size);
  if (!run.host.command_line.empty()) std::printf("command   %s\n", printable(run.host.command_line).c_str());
  const uint64_t end = std::max(t.last_ts_ns, zero);
  std::printf("duration  %s s, %" PRIu64 " records\n", format_seconds(end - zero).c_str(), t.records);
  if (t.lost_events) {
    std::printf("LOST      %" PRIu64 " EVENTS: the kernel dropped records (ring buffer full); counts "
                "below are lower bounds and address spaces are marked uncertain until the next maps "
                "snapshot\n", t.lost_events);
  } else {
    std::printf("lost      0 events\n");
  }
  if (r.complete && r.chunks_corrupt == 0 && r.bytes_unreadable == 0) {
    std::printf("file      complete (%" PRIu64 " chunks)\n", r.chunks_ok);
  } else {
    std::printf("FILE      %s: %" PRIu64 " chunks read, %" PRIu64 " corrupt skipped, %" PRIu64
                " bytes unreadable\n",
                r.complete ? "recovered" : "INCOMPLETE (recorder did not close it)", r.chunks_ok,
                r.chunks_corrupt, r.bytes_unreadable);
    for (const auto& p : r.problems) std::printf("          %s\n", p.c_str());
  }
  if (t.other_records) {
    std::printf("other     %" PRIu64 " records of system-wide kinds (reclaim, swap, TLB...) are not "
                "part of this per-process summary\n", t.other_records);
  }
  print_sources_line(run.host.sources);
  std::printf("\n");
}

void print_header_json(const InspectOptions& o, const CaptureRun& run, const CaptureTotals& t,
                       uint64_t zero) {
  const auto& r = run.report;
  std::printf("{\"file\": %s, \"format\": \"%u.%u\", \"host\": %s, \"kernel\": %s, \"cpus\": %u, "
              "\"page_size\": %u,\n \"duration_s\": %s, \"records\": %" PRIu64
              ", \"lost_events\": %" PRIu64 ",\n \"complete\": %s, \"chunks_ok\": %" PRIu64
              ", \"chunks_corrupt\": %" PRIu64 ", \"bytes_unreadable\": %" PRIu64 ", \"problems\": [",
              json_escape(o.file).c_str(), run.format_major, run.format_minor,
              json_escape(run.host.hostname).c_str(), json_escape(run.host.kernel_release).c_str(),
              run.host.cpu_count, run.host.page_size,
              format_seconds(std::max(t.last_ts_ns, zero) - zero).c_str(), t.records, t.lost_events,
              r.complete ? "true" : "false", r.chunks_ok, r.chunks_corrupt, r.bytes_unreadable);
  for (size_t i = 0; i < r.problems.size(); ++i) {
    std::printf("%s%s", i ? ", " : "", json_escape(r.problems[i]).c_str());
  }
  std::printf("],\n");
  // Why columns are null: one note per source that could not be recorded
  // (absent for captures that do not say).
  if (run.host.sources.known()) {
    std::printf(" \"unavailable_sources\": [");
    const auto notes = run.host.sources.unavailable_notes();
    for (size_t i = 0; i < notes.size(); ++i) {
      std::printf("%s%s", i ? ", " : "", json_escape(notes[i]).c_str());
    }
    std::printf("],\n");
  }
}

void emit(const Table& table, Format f, const char* json_key, bool last = true) {
  switch (f) {
    case Format::kTable: table.print_aligned(stdout); break;
    case Format::kCsv: table.print_csv(stdout); break;
    case Format::kJson:
      std::printf(" %s: ", json_escape(json_key).c_str());
      table.print_json(stdout);
      std::printf("%s\n", last ? "}" : ",");
      break;
  }
}

// One row per smaps sample: accessed-bit WSS next to the fault lower bound of
// the same interval, and where the referenced bytes were (top region kinds).
Table sampled_wss_table(const SmapsSampler& smaps, const FaultSampler& faults, uint64_t zero,
                            uint64_t page_size) {
  Table t({"T", "INTERVAL", "SAMPLED_BYTES", "SOURCE<", "FAULTS_BYTES", "RSS_BYTES", "TOP_KINDS<"});
  for (const WssSample& s : smaps.samples()) {
    if (s.interval_ns == 0) {
      t.add_row({rel_cell(s.t_ns, zero), txt("start"), unknown(), txt("smaps-referenced"), unknown(), cnt(s.rss),
                 txt("(first sample: only clears)")});
      continue;
    }
    const std::vector<WssPoint> lb = working_set(faults, s.interval_ns, s.t_ns - s.interval_ns, s.t_ns);
    const uint64_t fault_pages = lb.empty() ? 0 : lb.front().pages;
    std::vector<std::pair<uint64_t, int>> kinds;
    for (int k = 0; k < kVmaKindCount; ++k) {
      if (s.referenced_by_kind[size_t(k)]) kinds.emplace_back(s.referenced_by_kind[size_t(k)], k);
    }
    std::sort(kinds.rbegin(), kinds.rend());
    std::string top;
    for (size_t i = 0; i < kinds.size() && i < 3; ++i) {
      top += (i ? " " : "") + std::string(vma_kind_name(VmaKind(kinds[i].second))) + "=" +
             format_bytes(kinds[i].first);
    }
    t.add_row({rel_cell(s.t_ns, zero), seconds_cell(s.interval_ns), cnt(s.referenced),
               txt("smaps-referenced"), cnt(fault_pages * page_size), cnt(s.rss),
               top.empty() ? unknown() : txt(top)});
  }
  return t;
}

// The columns of fault counts shared by the per-process, per-region and
// per-VMA tables, marked by the source each needs.
void mark_fault_columns(Table& t, SourceNotes& notes) {
  for (const char* c : {"FAULTS", "USER", "KERNEL", "PAGES", "FIRST_TOUCH"}) notes.mark(t, c, {Source::kFaults});
  for (const char* c : {"READ", "WRITE", "EXEC", "PROT", "NOTPRES", "COW"}) {
    notes.mark(t, c, {Source::kFaultErrorCodes});
  }
  notes.mark(t, "MAJOR", {Source::kFaultKinds});
}

Table process_table(const ProcessTable& pt, uint32_t pid, uint64_t zero, SourceNotes& notes) {
  Table t({"PID", "PPID", "COMM<", "START", "END", "THR", "FAULTS", "USER", "KERNEL", "READ",
               "WRITE", "EXEC", "PROT", "NOTPRES", "MAJOR", "MMAP", "MUNMAP", "MPROTECT", "MREMAP",
               "BRK", "MADVISE", "SHM", "SYSFAIL", "EXIT_MINFLT", "EXIT_MAJFLT", "STATE<", "EXE<"});
  for (const ProcessInfo& p : pt.processes()) {
    if (pid && p.pid != pid) continue;
    const auto& c = p.syscalls.calls;
    auto at = [&](int kind) { return c[kind - PS_EV_MMAP]; };
    std::string state = p.exited ? "exited(" + std::to_string(p.exit_code) + ")" : "running";
    if (p.target) state += ",target";
    // Neither its fork nor its exec recorded: it ran before the capture began.
    if (!p.forked_in_capture && p.execs == 0) state += ",pre-existing";
    t.add_row({cnt(p.pid), p.ppid ? cnt(p.ppid) : unknown(), txt(p.comm.empty() ? "?" : p.comm),
               rel_cell(p.first_ts_ns, zero), rel_cell(p.last_ts_ns, zero), cnt(p.threads_seen),
               cnt(p.faults.total), cnt(p.faults.user), cnt(p.faults.kernel), cnt(p.faults.read),
               cnt(p.faults.write), cnt(p.faults.exec), cnt(p.faults.protection),
               cnt(p.faults.not_present), cnt(p.faults.major), cnt(at(PS_EV_MMAP)),
               cnt(at(PS_EV_MUNMAP)), cnt(at(PS_EV_MPROTECT)), cnt(at(PS_EV_MREMAP)),
               cnt(at(PS_EV_BRK)), cnt(at(PS_EV_MADVISE)), cnt(at(PS_EV_SHMAT) + at(PS_EV_SHMDT)),
               cnt(p.syscalls.total_failures()),
               p.threads_exited ? cnt(p.exit_min_flt) : unknown(),
               p.threads_exited ? cnt(p.exit_maj_flt) : unknown(), txt(state), txt(p.exe)});
  }
  mark_fault_columns(t, notes);
  for (const char* c : {"MMAP", "MUNMAP", "MPROTECT", "MREMAP", "BRK", "MADVISE", "SHM", "SYSFAIL"}) {
    notes.mark(t, c, {Source::kMmSyscalls});
  }
  notes.mark(t, "EXIT_MINFLT", {Source::kProcessLifecycle});
  notes.mark(t, "EXIT_MAJFLT", {Source::kProcessLifecycle});
  return t;
}

Table region_table(const ProcessSpace& ps, SourceNotes& notes) {
  Table t({"REGION<", "FAULTS", "USER", "KERNEL", "READ", "WRITE", "EXEC", "PROT", "MAJOR"});
  for (int k = 0; k <= kVmaKindCount; ++k) {
    const FaultCounts& f = ps.faults_by_kind[k];
    if (f.total == 0) continue;
    t.add_row({txt(k == kVmaKindCount ? "(no vma known)" : vma_kind_name(VmaKind(k))), cnt(f.total),
               cnt(f.user), cnt(f.kernel), cnt(f.read), cnt(f.write), cnt(f.exec),
               cnt(f.protection), cnt(f.major)});
  }
  mark_fault_columns(t, notes);
  return t;
}

// Pages present at the latest access-bit sample, "-" without samples.
Cell resident_cell(const ResidentPages& resident, uint64_t start, uint64_t end) {
  auto pages = resident.present_in(start, end);
  return pages ? cnt(*pages) : unknown();
}

Table layout_table(const std::vector<VmaUsage>& layout, const ResidentPages& resident,
                       uint64_t zero, SourceNotes& notes) {
  Table t({"START<", "END<", "SIZE", "PERMS<", "KIND<", "FAULTS", "PAGES", "RESIDENT",
               "FIRST_TOUCH", "OFFSET", "PATH<", "NOTE<"});
  for (const VmaUsage& u : layout) {
    const Vma& v = u.vma;
    t.add_row({Cell::hex(v.start), Cell::hex(v.end), Cell::bytes(v.size()), txt(perms_string(v)),
               txt(vma_kind_name(v.kind)), cnt(u.faults), cnt(u.pages_touched),
               resident_cell(resident, v.start, v.end),
               u.first_touch_ns ? rel_cell(u.first_touch_ns, zero) : unknown(),
               v.file ? Cell::hex(v.offset) : unknown(),
               txt(v.path.empty() && v.file ? "(fd: path unknown until next snapshot)" : v.path),
               txt(v.uncertain ? "uncertain" : "")});
  }
  mark_fault_columns(t, notes);
  notes.mark(t, "RESIDENT", {Source::kAccessBits});
  return t;
}

Table vmas_table(const SpaceTracker& tr, const ResidentPages& resident, uint32_t pid,
                     uint64_t zero, SourceNotes& notes) {
  Table t({"ID", "ORIGIN<", "CREATED", "ENDED", "START<", "END<", "PERMS<", "KIND<", "FAULTS",
               "READ", "WRITE", "EXEC", "MAJOR", "COW", "PAGES", "RESIDENT", "FIRST_TOUCH",
               "CHANGES", "OFFSET", "PATH<", "HISTORY<"});
  // Resident pages of a mapping: over the pieces it still has at the end.
  const ProcessSpace* ps = tr.find(pid);
  auto resident_of = [&](const MappingStats& m) -> Cell {
    if (!resident.sampled()) return unknown();
    if (!ps) return cnt(0);
    uint64_t pages = 0;
    for (const auto& [start, v] : ps->space.pieces()) {
      if (v.mapping == m.id) pages += resident.present_in(v.start, v.end).value_or(0);
    }
    return cnt(pages);
  };
  for (const MappingStats& m : tr.mappings()) {
    if (m.id == 0 || m.pid != pid) continue;
    std::string history;
    for (const MappingChange& c : m.changes) {
      if (c.op == VmaOp::kCreated) continue;
      if (!history.empty()) history += "; ";
      history += std::string(vma_op_name(c.op)) + "@" + rel(c.ts_ns, zero);
      if (c.op == VmaOp::kProtected || c.op == VmaOp::kMoved || c.op == VmaOp::kResized ||
          c.op == VmaOp::kUnmapped) {
        history += " " + format_hex(c.start) + "-" + format_hex(c.end);
      }
    }
    t.add_row({cnt(m.id), txt(m.origin), rel_cell(m.created_ns, zero),
               m.ended_ns ? rel_cell(m.ended_ns, zero) : unknown(), Cell::hex(m.first.start),
               Cell::hex(m.first.end), txt(perms_string(m.first)), txt(vma_kind_name(m.first.kind)),
               cnt(m.faults.total), cnt(m.faults.read), cnt(m.faults.write), cnt(m.faults.exec),
               cnt(m.faults.major), cnt(m.cow_faults), cnt(m.pages_touched), resident_of(m),
               m.first_touch_ns ? rel_cell(m.first_touch_ns, zero) : unknown(), cnt(m.changes.size()),
               m.first.file ? Cell::hex(m.first.offset) : unknown(),
               m.first.path.empty() ? unknown() : txt(m.first.path), txt(history)});
  }
  mark_fault_columns(t, notes);
  notes.mark(t, "RESIDENT", {Source::kAccessBits});
  // Changes after the first snapshot come from the memory syscalls.
  notes.mark(t, "CHANGES", {Source::kMmSyscalls});
  return t;
}

// Faults by why they happened (model/fault_cause.h): one row per process,
// or with --pid one per mapping of it. Each class needs the sources its
// decision reads; without them the faults fall in UNKNOWN and the classes
// print "-".
Table causes_table(const SpaceTracker& tr, const ProcessTable& pt, uint32_t pid, SourceNotes& notes) {
  std::vector<std::string> head = pid ? std::vector<std::string>{"ID", "KIND<", "START<", "END<", "PATH<"}
                                      : std::vector<std::string>{"PID", "COMM<"};
  head.push_back("FAULTS");
  for (int c = 0; c < kFaultCauseCount; ++c) {
    std::string name = fault_cause_name(FaultCause(c));
    for (char& ch : name) ch = ch == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(ch)));
    head.push_back(name);
  }
  Table t(head);
  auto add = [&](std::vector<Cell> row, const FaultsByCause& by) {
    uint64_t total = 0;
    for (uint64_t n : by.count) total += n;
    row.push_back(cnt(total));
    for (uint64_t n : by.count) row.push_back(cnt(n));
    t.add_row(std::move(row));
  };
  if (pid) {
    for (const MappingStats& m : tr.mappings()) {
      if (m.id == 0 || m.pid != pid || m.faults.total == 0) continue;
      add({cnt(m.id), txt(vma_kind_name(m.first.kind)), Cell::hex(m.first.start), Cell::hex(m.first.end),
           m.first.path.empty() ? unknown() : txt(m.first.path)},
          m.causes);
    }
  } else {
    for (const ProcessInfo& p : pt.processes()) {
      const ProcessSpace* ps = tr.find(p.pid);
      if (!ps) continue;
      add({cnt(p.pid), txt(p.comm.empty() ? "?" : p.comm)}, ps->causes);
    }
  }
  notes.mark(t, "FAULTS", {Source::kFaults});
  // A copy or a write-protect fault shows in the error code alone; a first
  // touch needs the error code (read or write) and the count (minor).
  for (const char* c : {"COW", "PROTECTION"}) notes.mark(t, c, {Source::kFaults, Source::kFaultErrorCodes});
  for (const char* c : {"DEMAND_ZERO", "ZERO_PAGE"}) {
    notes.mark(t, c, {Source::kFaults, Source::kFaultErrorCodes, Source::kFaultKinds});
  }
  for (const char* c : {"ANON_REFAULT", "SWAP_IN", "FILE_CACHE", "FILE_DISK"}) {
    notes.mark(t, c, {Source::kFaults, Source::kFaultKinds});
  }
  return t;
}

// SIGSEGV and SIGBUS, one row each, with where the refused access landed
// (model/signal_site.h): every process, or --pid P.
Table signals_table(const SpaceTracker& tr, const ProcessTable& pt, uint32_t pid, uint64_t zero,
                    SourceNotes& notes) {
  Table t({"TIME", "PID", "TID", "COMM<", "SIGNAL<", "CODE", "ADDRESS<", "SITE<", "VMA<", "IP<", "SENDER"});
  for (const ProcessInfo& p : pt.processes()) {
    if (pid && p.pid != pid) continue;
    const ProcessSpace* ps = tr.find(p.pid);
    if (!ps) continue;
    for (const SignalEvent& e : ps->signals) {
      t.add_row({rel_cell(e.ts_ns, zero), cnt(p.pid), cnt(e.tid), txt(p.comm.empty() ? "?" : p.comm),
                 txt(e.signo == 7 ? "SIGBUS" : e.signo == 11 ? "SIGSEGV" : std::to_string(e.signo)),
                 Cell::integer(e.code), e.code > 0 ? Cell::hex(e.addr) : unknown(),
                 txt(signal_site_name(e.site)), e.vma.empty() ? unknown() : txt(e.vma),
                 e.ip ? Cell::hex(e.ip) : unknown(), cnt(e.sender_pid)});
    }
  }
  for (const char* c : {"TIME", "PID", "TID", "SIGNAL", "CODE", "ADDRESS", "SITE", "VMA", "IP", "SENDER"}) {
    notes.mark(t, c, {Source::kSignals});
  }
  return t;
}

// --interval and --tau below this are a typo (1ns for 1s), not a question:
// events are stamped to the nanosecond but no view means anything per microsecond.
constexpr uint64_t kMinInterval = 1'000'000;

// One process's W(t, tau) for every tau: a row per window from its first
// record to its last (windows with no reference are rows of 0).
Table process_wss_table(const WindowedWorkingSet& w, const ProcessInfo& proc,
                            uint64_t zero, uint64_t page_size, SourceNotes& notes) {
  Table t({"TAU", "T", "PAGES", "BYTES", "FAULT_PAGES", "BIT_PAGES", "SOURCE<"});
  for (size_t ti = 0; ti < w.tau_count(); ++ti) {
    const auto& windows = w.windows(proc.pid, ti);
    const size_t first = w.window_of(ti, std::max(proc.first_ts_ns, w.origin() + 1));
    const size_t last = w.window_of(ti, proc.last_ts_ns);
    std::vector<size_t> present;
    for (const WssWindow& x : windows) present.push_back(x.index);
    size_t i = 0;
    for_each_window(first, last, present, [&](size_t k) {
      while (i < windows.size() && windows[i].index < k) ++i;
      WssWindow none;
      const WssWindow& x = i < windows.size() && windows[i].index == k ? windows[i] : none;
      const uint64_t end = k == last ? std::min(w.window_end(ti, k), std::max(proc.last_ts_ns, zero))
                                     : w.window_end(ti, k);
      t.add_row({seconds_cell(w.tau(ti)), rel_cell(end, zero), cnt(x.pages), cnt(x.pages * page_size),
                 cnt(x.fault_pages), cnt(x.bit_pages), txt(wss_source_name(x))});
    });
  }
  mark_wss_columns(t, notes);
  return t;
}

// Per mapping (the lineages of --vmas): windows where it had references.
Table mapping_wss_table(const WindowedWorkingSet& w, const SpaceTracker& tr,
                            uint32_t pid, uint64_t last_ts, uint64_t zero, SourceNotes& notes) {
  Table t({"TAU", "T", "ID", "START<", "KIND<", "PATH<", "PAGES", "FAULT_PAGES", "BIT_PAGES",
               "SOURCE<"});
  for (size_t ti = 0; ti < w.tau_count(); ++ti) {
    std::vector<std::pair<uint64_t, const WssWindow*>> rows;
    for (const auto& [key, win] : w.mapping_windows(ti)) rows.emplace_back(key, &win);
    // By window, then mapping.
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      const uint64_t ka = a.first & 0xffffffffu, kb = b.first & 0xffffffffu;
      return ka != kb ? ka < kb : a.first < b.first;
    });
    const auto& proc_windows = w.windows(pid, ti);
    for (const auto& [key, win] : rows) {
      const uint32_t id = uint32_t(key >> 32);
      const size_t k = size_t(key & 0xffffffffu);
      if (id >= tr.mappings().size() || win->pages == 0) continue;
      const MappingStats& m = tr.mappings()[id];
      auto pw = std::lower_bound(proc_windows.begin(), proc_windows.end(), k,
                                 [](const WssWindow& x, size_t key) { return x.index < key; });
      const char* source = pw != proc_windows.end() && pw->index == k ? wss_source_name(*pw) : "faults";
      const uint64_t end = std::min(w.window_end(ti, k), std::max(last_ts, zero));
      t.add_row({seconds_cell(w.tau(ti)), rel_cell(end, zero), cnt(id), Cell::hex(m.first.start),
                 txt(vma_kind_name(m.first.kind)), m.first.path.empty() ? unknown() : txt(m.first.path),
                 cnt(win->pages), cnt(win->fault_pages), cnt(win->bit_pages), txt(source)});
    }
  }
  mark_wss_columns(t, notes);
  return t;
}

// The process a row of `pid` that was seen at `t_ns` belongs to (pids are reused).
const ProcessInfo* process_at(const ProcessTable& pt, uint32_t pid, uint64_t t_ns) {
  const ProcessInfo* best = nullptr;
  for (const ProcessInfo& p : pt.processes()) {
    if (p.pid == pid && (!best || p.first_ts_ns <= t_ns)) best = &p;
  }
  return best;
}

Cell rate_cell(std::optional<double> r) { return r ? Cell::real(*r, 1) : unknown(); }

// --growth: what only grew, biggest growth first. With a pid one row per
// mapping lineage (ID as in --vmas), else one per process (its private
// anonymous memory).
Table growth_table(const GrowthTracker& g, const SpaceTracker& tr, const ProcessTable& pt, uint64_t zero,
                   SourceNotes& notes) {
  std::vector<std::string> cols = {"RANK"};
  if (g.pid()) {
    for (const char* c : {"ID", "KIND<", "START<", "PATH<"}) cols.push_back(c);
  } else {
    for (const char* c : {"PID", "COMM<"}) cols.push_back(c);
  }
  for (const char* c : {"FROM", "TO", "GREW_UNTIL", "SAMPLES", "TOUCHED_FROM", "TOUCHED_TO", "GROWTH", "TOUCHED_PER_S",
                        "RESIDENT_FROM", "RESIDENT_TO", "RESIDENT_PER_S"}) {
    cols.push_back(c);
  }
  Table t(cols);
  uint64_t rank = 0;
  for (const GrowthSeries& s : g.growing()) {
    std::vector<Cell> row = {cnt(++rank)};
    if (g.pid()) {
      const MappingStats* m = s.mapping < tr.mappings().size() ? &tr.mappings()[s.mapping] : nullptr;
      row.push_back(cnt(s.mapping));
      row.push_back(m ? txt(vma_kind_name(m->first.kind)) : unknown());
      row.push_back(m ? Cell::hex(m->first.start) : unknown());
      row.push_back(m && !m->first.path.empty() ? txt(m->first.path) : unknown());
    } else {
      const ProcessInfo* p = process_at(pt, s.pid, s.first_ns);
      row.push_back(cnt(s.pid));
      row.push_back(txt(p && !p->comm.empty() ? p->comm : "?"));
    }
    row.push_back(rel_cell(s.first_ns, zero));
    row.push_back(rel_cell(s.last_ns, zero));
    row.push_back(rel_cell(s.grew_until_ns, zero));
    row.push_back(cnt(s.samples));
    row.push_back(cnt(s.touched_first));
    row.push_back(cnt(s.touched_last));
    row.push_back(cnt(s.touched_growth()));
    row.push_back(Cell::real(s.touched_per_s(), 1));
    row.push_back(s.resident_first ? cnt(*s.resident_first) : unknown());
    row.push_back(s.resident_last ? cnt(*s.resident_last) : unknown());
    row.push_back(rate_cell(s.resident_per_s()));
    t.add_row(std::move(row));
  }
  for (const char* c : {"GREW_UNTIL", "TOUCHED_FROM", "TOUCHED_TO", "GROWTH", "TOUCHED_PER_S"}) {
    notes.mark(t, c, {Source::kFaults});
  }
  for (const char* c : {"RESIDENT_FROM", "RESIDENT_TO", "RESIDENT_PER_S"}) notes.mark(t, c, {Source::kAccessBits});
  return t;
}

Cell fraction_cell(std::optional<double> f) { return f ? Cell::real(*f, 3) : unknown(); }

// --locality: one row per process.
Table locality_table(const std::vector<LocalityStats>& rows, const ProcessTable& pt, uint64_t tlb_entries,
                     SourceNotes& notes) {
  Table t({"PID", "COMM<", "FAULTS", "PAGES", "REUSES", "SEQ", "SEQ_FRAC", "REUSE_P50", "REUSE_P90",
           "REUSE_IN_TLB", "INTERVALS", "MAX_PAGES", "OVER_TLB"});
  for (const LocalityStats& s : rows) {
    const ProcessInfo* p = process_at(pt, s.pid, s.first_ns);
    const uint64_t reuses = s.distances.references - s.distances.cold;
    auto pct = [&](double f) -> Cell {
      auto d = s.distance_percentile(f);
      return d ? cnt(*d) : unknown();
    };
    t.add_row({cnt(s.pid), txt(p && !p->comm.empty() ? p->comm : "?"), cnt(s.faults), cnt(s.distinct_pages()),
               cnt(reuses), cnt(s.sequential), fraction_cell(s.sequential_fraction()), pct(0.5), pct(0.9),
               reuses ? Cell::real(double(s.reuses_within(tlb_entries)) / double(reuses), 3) : unknown(),
               cnt(s.intervals.size()), cnt(s.max_interval_pages()), cnt(s.intervals_over(tlb_entries))});
  }
  for (const char* c : {"FAULTS", "PAGES", "REUSES", "SEQ", "SEQ_FRAC", "REUSE_P50", "REUSE_P90", "REUSE_IN_TLB",
                        "MAX_PAGES", "OVER_TLB"}) {
    notes.mark(t, c, {Source::kFaults});
  }
  return t;
}

// One process's reuse-distance histogram in power-of-two buckets [2^k, 2^(k+1)),
// then the cold (first) faults. PCT of all faults; CUM_PCT of the reuses.
Table reuse_histogram_table(const LocalityStats& s, SourceNotes& notes) {
  Table t({"DISTANCE<", "FROM", "TO", "FAULTS", "PCT", "CUM_PCT"});
  const auto& h = s.distances.hits_at;
  const uint64_t reuses = s.distances.references - s.distances.cold;
  const double all = s.distances.references ? double(s.distances.references) : 1.0;
  uint64_t cum = 0;
  for (uint64_t lo = 1; lo < h.size(); lo *= 2) {
    const uint64_t hi = std::min<uint64_t>(2 * lo - 1, h.size() - 1);
    uint64_t n = 0;
    for (uint64_t d = lo; d <= hi; ++d) n += h[d];
    cum += n;
    t.add_row({txt(lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(2 * lo - 1)), cnt(lo),
               cnt(2 * lo - 1), cnt(n), Cell::real(100.0 * double(n) / all, 1),
               reuses ? Cell::real(100.0 * double(cum) / double(reuses), 1) : unknown()});
  }
  t.add_row({txt("cold"), unknown(), unknown(), cnt(s.distances.cold), Cell::real(100.0 * double(s.distances.cold) / all, 1),
             unknown()});
  notes.mark(t, "FAULTS", {Source::kFaults});
  return t;
}

// One process's distinct faulted pages per interval against the TLB reach.
Table interval_pages_table(const LocalityStats& s, uint64_t zero,
                           uint64_t tlb_entries, SourceNotes& notes) {
  Table t({"T", "PAGES", "PCT_TLB", "OVER_TLB<"});
  for (const IntervalPages& i : s.intervals) {
    t.add_row({rel_cell(i.start_ns, zero), cnt(i.pages),
               Cell::real(100.0 * double(i.pages) / double(tlb_entries), 1), txt(i.pages > tlb_entries ? "yes" : "no")});
  }
  notes.mark(t, "PAGES", {Source::kFaults});
  return t;
}

int run_inspect(const InspectOptions& o) {
  const Format format = o.json ? Format::kJson : o.csv ? Format::kCsv : Format::kTable;
  const bool detail = o.layout || o.vmas || o.wss;
  if (o.timeline && detail) return fail("--timeline cannot be combined with --layout, --vmas or --wss", kExitUsage);
  // --growth and --locality are views of their own, cut on --interval.
  if (o.growth || o.locality) {
    const std::string which = o.growth ? "--growth" : "--locality";
    if (o.growth && o.locality) return fail("--growth and --locality are separate views: give one", kExitUsage);
    if (o.timeline) {
      return fail(which + " cannot be combined with --timeline (it samples on its own --interval)", kExitUsage);
    }
    if (detail) return fail(which + " cannot be combined with --layout, --vmas or --wss", kExitUsage);
    if (o.sources) return fail(which + " cannot be combined with --sources", kExitUsage);
  }
  if (o.tlb_given && !o.locality) return fail("--tlb-entries is an option of --locality", kExitUsage);
  // 0 is no TLB, and -1 reaches here as 2^64 - 1: neither is a question.
  constexpr uint64_t kMaxTlbEntries = uint64_t{1} << 32;
  if (o.locality && (o.tlb_entries == 0 || o.tlb_entries > kMaxTlbEntries)) {
    return fail("--tlb-entries " + std::to_string(o.tlb_entries) +
                    ": give the number of TLB entries, 1 to 2^32 (default 1536)", kExitUsage);
  }
  QuerySpec spec;
  spec.pid = o.pid;
  spec.layout = o.layout;
  if (o.timeline || o.growth || o.locality) {
    auto iv = parse_duration_ns(o.interval);
    if (!iv) return fail("--interval: " + iv.error().message, kExitUsage);
    if (iv.value() == 0) return fail("--interval: give a duration such as 1s or 250ms", kExitUsage);
    if (iv.value() < kMinInterval)
      return fail("--interval " + o.interval + ": shorter than the shortest row, 1ms", kExitUsage);
    if (o.timeline) {
      spec.timeline_interval_ns = iv.value();
      spec.address_space = false;  // the rows count records; no layout is printed
    }
    if (o.growth) spec.growth_interval_ns = iv.value();
    if (o.locality) spec.locality_interval_ns = iv.value();
  }
  if ((o.layout || o.vmas) && o.pid == 0) return fail("--layout and --vmas need --pid P", kExitUsage);
  if (o.layout && o.at != "end") {
    auto at = parse_duration_ns(o.at);
    if (!at) return fail("--at: " + at.error().message, kExitUsage);
    spec.layout_at_ns = at.value();
  }
  if (o.wss) {
    auto t = parse_duration_list(o.tau);
    if (!t) return fail("--tau: " + t.error().message, kExitUsage);
    spec.wss_taus = t.value();
    for (uint64_t tau : spec.wss_taus) {
      if (tau == 0) return fail("--tau: a window must be longer than 0", kExitUsage);
      if (tau < kMinInterval)
        return fail("--tau " + o.tau + ": shorter than the shortest window, 1ms", kExitUsage);
    }
    if (spec.wss_taus.size() > WindowedWorkingSet::kMaxTaus) {
      return fail("--tau: at most " + std::to_string(WindowedWorkingSet::kMaxTaus) + " windows", kExitUsage);
    }
  }

  const bool kernel = o.fragmentation || o.kernel_memory;
  if (kernel && (o.timeline || detail || o.sources || o.pid || o.growth || o.locality || o.causes || o.signals)) {
    return fail("--fragmentation and --kernel-memory are system-wide: they combine with each other only "
                "(not with --pid, --timeline, --layout, --vmas, --wss, --growth, --locality, --causes, --signals "
                "or --sources)", kExitUsage);
  }
  spec.kernel_memory = kernel;
  if (o.causes && (o.timeline || detail || o.growth || o.locality)) {
    return fail("--causes cannot be combined with --timeline, --layout, --vmas, --wss, --growth or --locality",
                kExitUsage);
  }
  if (o.signals && (o.timeline || detail || o.growth || o.locality || o.causes)) {
    return fail("--signals cannot be combined with --timeline, --layout, --vmas, --wss, --growth, --locality or --causes",
                kExitUsage);
  }
  // Every process's address space, or the pid's (which a pid follows anyway).
  spec.every_space = (o.causes || o.signals) && o.pid == 0;
  if (o.sources && (o.timeline || detail || o.causes || o.signals)) {
    return fail("--sources cannot be combined with --timeline, --layout, --vmas, --wss, --causes or --signals",
                kExitUsage);
  }

  if (o.sources) {
    // The header alone says it: no pass over the records.
    auto info = read_capture_info(o.file);
    if (!info) return fail(info.error().message, kExitUsage);
    SourceNotes notes(info->host.sources);
    if (format == Format::kJson) {
      std::printf("{\"file\": %s, \"format\": \"%u.%u\",\n", json_escape(o.file).c_str(),
                  info->format_major, info->format_minor);
    } else if (format == Format::kTable) {
      std::printf("event sources of %s (format %u.%u)%s\n", o.file.c_str(), info->format_major,
                  info->format_minor,
                  notes.unknown() ? ": the capture does not say (written before format 1.3)" : "");
    }
    emit(notes.table(), format, "sources");
    return kExitOk;
  }

  Progress progress;
  QueryHooks hooks;
  hooks.progress = [&](uint64_t records) { progress.at(records); };
  auto q = CaptureQuery::run(o.file, std::move(spec), hooks);
  if (!q) return fail(q.error().message, kExitUsage);
  const CaptureRun& run = q->capture();
  const CaptureTotals& totals = q->totals();
  const uint64_t t0 = q->time_zero();
  // Which columns are measurements; the notes go to stderr once the output is written.
  SourceNotes notes(run.host.sources);
  // A capture with corrupt chunks is shown as far as it reads, then each
  // problem goes to stderr as one line naming the file and offset, and the
  // exit code is 2 (issue 17.7). A tail cut short by a killed recorder is
  // recovery working as designed, not corruption.
  auto done = [&] {
    std::fflush(stdout);
    notes.print(stderr, "inspect");
    if (run.report.chunks_corrupt > 0) {
      for (const auto& p : run.report.problems) std::fprintf(stderr, "inspect: %s: %s\n", o.file.c_str(), p.c_str());
      return kExitUsage;
    }
    return kExitOk;
  };

  const ProcessInfo* proc = o.pid ? q->processes().find(o.pid) : nullptr;
  if (o.pid && !proc) {
    return fail("no process with pid " + std::to_string(o.pid) + " in " + o.file, kExitUsage);
  }

  if (format == Format::kJson) print_header_json(o, run, totals, t0);
  else if (format == Format::kTable) print_header(o, run, totals, t0);

  if (o.growth) {
    if (format == Format::kTable) {
      std::printf("growth %s, sampled every %s (interval ends, exit/exec, end of capture).\n"
                  "Listed: TOUCHED never fell more than 1%% below its peak (nor RESIDENT, where known) and grew "
                  "overall;\nbiggest GROWTH first. TOUCHED = distinct pages faulted and still mapped: a LOWER "
                  "BOUND (faults see\nfirst touches only). RESIDENT = pages present at the latest access-bit "
                  "sample (record --access-interval).\n",
                  o.pid ? ("of pid " + std::to_string(o.pid) + " per mapping (ID as in --vmas)").c_str()
                        : "per process (private anonymous memory: heap, anon, bss, stacks)",
                  o.interval.c_str());
    }
    emit(growth_table(*q->growth(), q->tracker(), q->processes(), t0, notes), format, "growth");
    return done();
  }
  if (o.locality) {
    const auto& rows = q->locality();
    if (format == Format::kTable) {
      std::printf("locality of page faults%s, distinct pages per %s interval.\n"
                  "REUSE_* = exact LRU stack distance of a refault (distinct pages faulted since that page's "
                  "last fault);\nSEQ = faults at the previous fault's page +-1 (same process). TLB reach: "
                  "%" PRIu64 " entries x 4 KiB = %.3g MiB\n(a model figure, --tlb-entries; not measured: no PMU). "
                  "From faults alone: PAGES per interval is a LOWER BOUND.\n",
                  o.pid ? (" of pid " + std::to_string(o.pid)).c_str() : " per process", o.interval.c_str(),
                  o.tlb_entries, double(o.tlb_entries) * 4.0 / 1024.0);
    }
    emit(locality_table(rows, q->processes(), o.tlb_entries, notes), format, "locality", !o.pid || rows.empty());
    if (o.pid && !rows.empty()) {
      if (format == Format::kTable) std::printf("\nreuse distances of pid %u (FAULTS per distance bucket)\n", o.pid);
      emit(reuse_histogram_table(rows.back(), notes), format, "reuse_distances", false);
      if (format == Format::kTable) std::printf("\ndistinct pages faulted per %s interval\n", o.interval.c_str());
      emit(interval_pages_table(rows.back(), t0, o.tlb_entries, notes), format, "intervals");
    }
    return done();
  }

  if (o.timeline) {
    if (format == Format::kTable) {
      std::printf("timeline%s, %s per row (swap-outs: %s; PSI is system-wide)\n",
                  o.pid ? (" of pid " + std::to_string(o.pid)).c_str() : "", o.interval.c_str(),
                  o.pid ? "growth of its swap-entry count" : "reclaim's anon writes");
    }
    emit(q->timeline()->table(notes), format, "timeline");
    return done();
  }

  if (o.signals) {
    if (format == Format::kTable) {
      std::printf("SIGSEGV and SIGBUS%s, with where each refused access landed (README \"Crashes\")\n",
                  o.pid ? (" of pid " + std::to_string(o.pid)).c_str() : "");
    }
    emit(signals_table(q->tracker(), q->processes(), o.pid, t0, notes), format, "signals");
    return done();
  }

  if (o.causes) {
    if (format == Format::kTable) {
      std::printf("faults by cause%s (attributed to the VMA at fault time; README \"Faults by cause\")\n",
                  o.pid ? (" in each mapping of pid " + std::to_string(o.pid)).c_str() : " per process");
    }
    emit(causes_table(q->tracker(), q->processes(), o.pid, notes), format, "causes");
    return done();
  }

  if (kernel) {
    const KernelMemory& km = *q->kernel_memory();
    std::vector<std::string> missing;
    auto show = [&](KernelTables kt, bool last_view) {
      for (size_t i = 0; i < kt.tables.size(); ++i) {
        const KernelTable& t = kt.tables[i];
        if (format == Format::kTable) std::printf("\n%s\n", t.title.c_str());
        emit(t.table, format, t.key.c_str(), last_view && i + 1 == kt.tables.size());
        if (format == Format::kTable) {
          for (const auto& line : t.summary) std::printf("%s\n", line.c_str());
        }
      }
      missing.insert(missing.end(), kt.missing.begin(), kt.missing.end());
    };
    if (o.fragmentation) show(fragmentation_tables(km, notes), !o.kernel_memory);
    if (o.kernel_memory) show(kernel_memory_tables(km, notes, run.host.page_size, o.top), true);
    std::fflush(stdout);
    for (const auto& m : missing) std::fprintf(stderr, "pagescope inspect: note: %s\n", m.c_str());
    return done();
  }

  if (!detail) {
    Table procs = process_table(q->processes(), o.pid, t0, notes);
    if (o.pid && format == Format::kTable) {
      procs.print_aligned(stdout);
      const ProcessSpace* ps = q->tracker().find(o.pid);
      if (ps) {
        std::printf("\nfaults by region (attributed to the VMA at fault time):\n");
        region_table(*ps, notes).print_aligned(stdout);
        notes.shown(Source::kFaultErrorCodes);
        std::printf("\ncopy-on-write faults (write to private writable memory after fork): %s"
                    "\nmaps snapshots: %u, compared with the model: %u, mismatches: %u%s%s\n",
                    notes.measured(Source::kFaultErrorCodes) ? num(ps->cow_faults).c_str() : "-",
                    ps->snapshots, ps->snapshots_compared,
                    ps->snapshot_mismatches, ps->last_mismatch.empty() ? "" : " (last: ",
                    ps->last_mismatch.empty() ? "" : (ps->last_mismatch + ")").c_str());
      }
      return done();
    }
    emit(procs, format, "processes");
    return done();
  }

  if (o.layout) {
    const SpaceTracker& src = q->layout_tracker();
    const ProcessSpace* at_ps = src.find(o.pid);
    if (format == Format::kTable) {
      const std::string when =
          q->spec().layout_at_ns ? format_seconds(*q->spec().layout_at_ns) + " s"
          : proc->exited         ? "exit (" + rel(proc->last_ts_ns, t0) + " s)"
                                 : "the end of the capture (" + rel(totals.last_ts_ns, t0) + " s)";
      std::printf("layout of pid %u (%s) at %s%s\n", o.pid, printable(proc->comm).c_str(), when.c_str(),
                  !at_ps ? ": process not seen yet"
                  : at_ps->exited ? ": process had exited (last known layout is empty)"
                  : !at_ps->space.seeded() ? ": no maps snapshot yet, layout from syscalls only (uncertain)"
                  : at_ps->space.uncertain() ? ": some events were not seen since the last snapshot (uncertain)"
                  : "");
    }
    emit(layout_table(src.layout(o.pid), q->layout_resident(), t0, notes), format, "layout", !(o.vmas || o.wss));
  }
  if (o.vmas) {
    if (format == Format::kTable) {
      if (o.layout) std::printf("\n");
      std::printf("VMAs of pid %u over the capture (one row per mapping, followed through splits "
                  "and moves)\n", o.pid);
    }
    emit(vmas_table(q->tracker(), q->resident(), o.pid, t0, notes), format, "vmas", !o.wss);
  }
  if (o.wss) {
    const WindowedWorkingSet& wss = *q->wss();
    const SmapsSampler& smaps = q->smaps();
    const uint64_t page_size = run.host.page_size ? run.host.page_size : 4096;
    const uint64_t longest = wss.longest_access_interval();
    const uint64_t shortest = q->spec().wss_taus.front();  // as given: the first
    const bool coarse = longest > 0 && longest > shortest;
    if (format == Format::kTable) {
      if (o.layout || o.vmas) std::printf("\n");
      std::printf("working set %s: W(t, tau) = distinct pages referenced in (t - tau, t].\n"
                  "SOURCE: faults = from faults alone, a LOWER BOUND (pages used while present do "
                  "not fault);\n        faults+access-bits = faults and the PTE accessed bits of "
                  "record --access-interval (page-exact;\n        an interval's accessed pages "
                  "count in the window holding its end).\n",
                  o.pid ? ("of pid " + std::to_string(o.pid)).c_str()
                        : "of the whole system (sum over processes; shared pages count once per process)");
      if (coarse) {
        std::printf("note: access intervals are up to %s s long, longer than tau %s s: those "
                    "windows hold a whole interval's pages\n",
                    format_seconds(longest).c_str(), format_seconds(shortest).c_str());
      }
    }
    if (!o.pid) {
      if (format == Format::kTable && q->memory().meminfo().empty()) {
        std::printf("(no /proc/meminfo samples in the capture: MEM_TOTAL unknown)\n");
      }
      emit(system_wss_table(wss, q->memory(), totals.last_ts_ns, t0, page_size, notes), format, "wss_system");
      return done();
    }
    emit(process_wss_table(wss, *proc, t0, page_size, notes), format, "wss", false);
    if (format == Format::kTable) {
      std::printf("\nworking set of pid %u per mapping (ID as in --vmas; windows with references)\n",
                  o.pid);
    }
    emit(mapping_wss_table(wss, q->tracker(), o.pid, proc->last_ts_ns, t0, notes), format, "wss_vmas",
         smaps.samples().empty());
    if (!smaps.samples().empty()) {
      if (format == Format::kTable) {
        std::printf("\nworking set of pid %u per --wss-interval sample, two sources side by side:\n"
                    "  SAMPLED  smaps-referenced: accessed bits as smaps Referenced over INTERVAL, ended at T\n"
                    "  FAULTS   faults (lower bound): distinct pages faulted in the same interval\n",
                    o.pid);
        if (smaps.bad_samples()) {
          std::printf("%" PRIu64 " smaps samples did not parse: %s\n", smaps.bad_samples(),
                      smaps.last_error().c_str());
        }
      }
      Table sampled = sampled_wss_table(smaps, q->fault_sampler(), t0, page_size);
      notes.mark(sampled, "FAULTS_BYTES", {Source::kFaults});
      emit(sampled, format, "wss_sampled");
    }
  }
  return done();
}

}  // namespace

void add_inspect_command(CLI::App& app, CommandRun& run) {
  auto opts = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Summarise a capture per process; --layout/--vmas/--wss look inside one process");
  cmd->add_option("file", opts->file, "capture file written by `pagescope record`")->required();
  cmd->add_option("--pid", opts->pid, "only this process (details: fault regions, COW, snapshots)");
  auto* json = cmd->add_flag("--json", opts->json, "JSON output");
  cmd->add_flag("--csv", opts->csv, "CSV output")->excludes(json);
  cmd->add_flag("--layout", opts->layout, "pmap-like table of the address space (with --pid)");
  cmd->add_option("--at", opts->at, "time of --layout, from the start of the capture (2.5s, 800ms; default: end)");
  cmd->add_flag("--vmas", opts->vmas, "every VMA's life: creation, changes, end, faults (with --pid)");
  cmd->add_flag("--wss", opts->wss, "working set over time from faults (a lower bound) and accessed bits (--access-interval, --wss-interval): of --pid P per process and mapping, else the system total vs RAM and the memcg limit");
  cmd->add_flag("--timeline", opts->timeline,
                "per-interval rows: faults, swap-outs, reclaim, stalls, TLB flushes, PSI");
  cmd->add_option("--interval", opts->interval,
                  "row length of --timeline, sample interval of --growth and --locality (default 1s)");
  cmd->add_option("--tau", opts->tau, "working-set windows, comma-separated (default 100ms,1s)");
  cmd->add_flag("--causes", opts->causes,
                "faults by cause (demand-zero, zero-page, swap-in, file-cache, file-disk, cow, ...): per process, "
                "or per mapping with --pid");
  cmd->add_flag("--growth", opts->growth,
                "what only grew, ranked: per mapping of --pid P, else per process (anonymous memory); "
                "samples every --interval");
  cmd->add_flag("--locality", opts->locality,
                "reuse distances, sequential faults and distinct pages per --interval vs the TLB reach, "
                "per process (or of --pid P)");
  auto* tlb = cmd->add_option("--tlb-entries", opts->tlb_entries,
                              "TLB entries of --locality's reach, 4 KiB each (default 1536: 6 MiB; a model figure)");
  cmd->add_flag("--signals", opts->signals,
                "SIGSEGV and SIGBUS of the traced processes: address, and what it hit (null page, stack guard, "
                "PROT_NONE, read-only, past a file's end, ...)");
  cmd->add_flag("--fragmentation", opts->fragmentation,
                "per zone and order: free blocks, unusable-free and fragmentation indices (start, end, "
                "worst); per order: migrate-type fallbacks, compaction and direct-compaction stalls");
  cmd->add_flag("--kernel-memory", opts->kernel_memory,
                "slab caches by growth, page allocations by order, page tables (meminfo and per process)");
  cmd->add_option("--top", opts->top, "rows of the top-N tables of --kernel-memory (default 15)");
  cmd->add_flag("--sources", opts->sources,
                "which event sources the capture had (on, unavailable and why, not requested), and exit");
  cmd->callback([opts, tlb, &run] {
    opts->tlb_given = tlb->count() > 0;
    run = [opts] { return run_inspect(*opts); };
  });
}

}  // namespace pagescope::app
