// Chrome trace-event JSON (the format Perfetto and chrome://tracing open):
// faults as instant events, memory syscalls as complete events with their
// duration, fork/exec/exit and VMA changes as instant events, and counter
// tracks per process: faults per 10 ms, mapped bytes, the working set W(t,
// 100 ms) (faults ∪ accessed bits), resident pages at each access-bit sample
// (present bits) and swap entries. The capture's source table goes into
// "otherData" (the trace's metadata), and each source the capture lacked is a
// global instant at time zero, so the gap shows on the timeline too.
// Format: https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

#include "inspector/model/exporter.h"
#include "inspector/model/process_table.h"
#include "inspector/model/record_view.h"
#include "inspector/model/record_visitor.h"
#include "common/table.h"
#include "inspector/model/windowed_working_set.h"

namespace pagescope::model {

namespace {

constexpr uint64_t kCounterBucketNs = kExportFaultBucketNs;
constexpr uint64_t kWssTauNs = kExportWssTauNs;

class ChromeTraceExporter : public Exporter, public RecordVisitor<ChromeTraceExporter> {
 public:
  ~ChromeTraceExporter() override {
    if (out_) std::fclose(out_);
  }

  Status open(const std::string& output, uint64_t zero_ns, const SourceNotes& sources) override {
    out_ = output == "-" ? stdout : std::fopen(output.c_str(), "w");
    if (!out_) return Error{output + ": cannot create (" + std::string(std::strerror(errno)) + ")"};
    zero_ = zero_ns;
    sources_ = sources.sources();
    kinds_known_ = sources.measured(capture::Source::kFaultKinds);
    wss_ = std::make_unique<WindowedWorkingSet>(std::vector<uint64_t>{kWssTauNs}, zero_ns);
    std::fputs("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n", out_);
    for (const std::string& note : sources_.unavailable_notes()) {
      begin(zero_ns, 0, 0);
      std::fprintf(out_, "\"ph\": \"i\", \"s\": \"g\", \"cat\": \"missing source\", \"name\": %s}",
                   json_escape(note).c_str());
    }
    return {};
  }

  void record(const ps_header& h, const FaultContext& fc) override {
    wss_->apply(h);
    fc_ = &fc;
    visit(h);
  }

  void on_fault(const ps_fault& f) {
    const ps_header& h = f.hdr;
    const FaultContext& fc = *fc_;
    count_fault(h.pid, h.ts_ns);
    begin(h.ts_ns, h.pid, h.tid);
    // Without an error code, protection is unknown; without fault kinds, so is major.
    const bool major = kinds_known_ && (f.flags & PS_FAULT_MAJOR);
    std::fprintf(out_,
                 "\"ph\": \"i\", \"s\": \"t\", \"cat\": \"fault\", \"name\": \"fault %s%s\", "
                 "\"args\": {\"address\": \"0x%" PRIx64 "\", \"ip\": \"0x%" PRIx64
                 "\", \"mode\": \"%s\", \"protection\": %s, \"major\": %s, \"region\": \"%s\"",
                 fault_access_name(f), major ? " major" : "",
                 uint64_t(f.address), uint64_t(f.ip),
                 fault_is_kernel_mode(f) ? "kernel" : "user",
                 !(f.flags & PS_FAULT_ERR_KNOWN)  ? "null"
                 : (f.error_code & PS_PF_PROT) ? "true"
                                                 : "false",
                 !kinds_known_ ? "null" : major ? "true" : "false",
                 fc.vma ? vma_kind_name(fc.vma->kind) : "unknown");
    if (fc.vma && fc.vma->file && !fc.vma->path.empty()) {
      std::fprintf(out_, ", \"file\": %s, \"file_offset\": %" PRIu64,
                   json_escape(fc.vma->path).c_str(),
                   uint64_t(fc.vma->offset + (f.address - fc.vma->start)));
    }
    std::fputs("}}", out_);
  }

  void on_mm_syscall(const ps_mm_syscall& s) {
    const ps_header& h = s.hdr;
    const uint64_t start = h.ts_ns > s.duration_ns ? h.ts_ns - s.duration_ns : h.ts_ns;
    begin(start, h.pid, h.tid);
    std::fprintf(out_, "\"ph\": \"X\", \"dur\": %.3f, \"cat\": \"syscall\", \"name\": \"%s\", "
                 "\"args\": {\"args\": [",
                 double(s.duration_ns) / 1e3, mm_syscall_name(h.kind));
    for (int i = 0; i < 6; ++i) {
      std::fprintf(out_, "%s\"0x%" PRIx64 "\"", i ? ", " : "", uint64_t(s.args[i]));
    }
    if (syscall_failed(s.ret)) {
      std::fprintf(out_, "], \"ret\": %" PRId64 ", \"failed\": true}}", int64_t(s.ret));
    } else {
      std::fprintf(out_, "], \"ret\": \"0x%" PRIx64 "\"}}", uint64_t(s.ret));
    }
  }

  void on_fork(const ps_fork& f) {
    name_process(f.child_pid, std::string(fixed_string(f.comm)));
    begin(f.hdr.ts_ns, f.hdr.pid, f.hdr.tid);
    std::fprintf(out_, "\"ph\": \"i\", \"s\": \"p\", \"cat\": \"process\", \"name\": \"%s\", "
                 "\"args\": {\"child_pid\": %u, \"child_tid\": %u}}",
                 (f.flags & PS_FORK_THREAD) ? "clone thread" : "fork", f.child_pid, f.child_tid);
  }

  void on_exec(const ps_exec& e) {
    name_process(e.hdr.pid, std::string(fixed_string(e.comm)));
    begin(e.hdr.ts_ns, e.hdr.pid, e.hdr.tid);
    std::fprintf(out_, "\"ph\": \"i\", \"s\": \"p\", \"cat\": \"process\", \"name\": \"exec\", "
                 "\"args\": {\"filename\": %s}}",
                 json_escape(fixed_string(e.filename)).c_str());
  }

  void on_exit(const ps_exit& e) {
    const ps_header& h = e.hdr;
    if (processes_.count(h.pid) == 0) name_process(h.pid, std::string(fixed_string(e.comm)));
    begin(h.ts_ns, h.pid, h.tid);
    std::fprintf(out_, "\"ph\": \"i\", \"s\": \"%s\", \"cat\": \"process\", \"name\": \"%s\", "
                 "\"args\": {\"exit_code\": %d, \"min_flt\": %" PRIu64 ", \"maj_flt\": %" PRIu64 "}}",
                 (e.flags & PS_EXIT_GROUP_DEAD) ? "p" : "t",
                 (e.flags & PS_EXIT_GROUP_DEAD) ? "exit" : "thread exit", e.exit_code,
                 uint64_t(e.min_flt), uint64_t(e.maj_flt));
  }

  void on_access_interval(const ps_access_interval& iv) {
    begin(iv.hdr.ts_ns, iv.hdr.pid, iv.hdr.pid);
    std::fprintf(out_, "\"ph\": \"C\", \"name\": \"resident pages (present bits)\", "
                 "\"args\": {\"pages\": %" PRIu64 "}}", uint64_t(iv.pages_present));
  }

  void on_swap_ents(const ps_swap_ents& sw) {
    begin(sw.hdr.ts_ns, sw.hdr.pid, sw.hdr.pid);
    std::fprintf(out_, "\"ph\": \"C\", \"name\": \"swap entries\", \"args\": {\"pages\": %" PRId64
                 "}}", int64_t(sw.swap_pages));
  }

  void on_lost(const ps_lost& l) {
    if (l.lost == 0) return;
    begin(l.hdr.ts_ns, 0, 0);
    std::fprintf(out_, "\"ph\": \"i\", \"s\": \"g\", \"cat\": \"lost\", \"name\": \"LOST %" PRIu64
                 " events\", \"args\": {\"lost_total\": %" PRIu64 "}}",
                 uint64_t(l.lost), uint64_t(l.lost_total));
  }

  void vma_change(uint32_t pid, uint32_t mapping, const MappingChange& c,
                  uint64_t mapped_bytes) override {
    begin(c.ts_ns, pid, pid);
    std::fprintf(out_, "\"ph\": \"i\", \"s\": \"p\", \"cat\": \"vma\", \"name\": \"vma %s\", "
                 "\"args\": {\"mapping\": %u, \"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64
                 "\", \"perms\": %u}}",
                 vma_op_name(c.op), mapping, uint64_t(c.start), uint64_t(c.end), unsigned(c.perms));
    begin(c.ts_ns, pid, pid);
    std::fprintf(out_, "\"ph\": \"C\", \"name\": \"mapped bytes\", \"args\": {\"bytes\": %" PRIu64 "}}",
                 mapped_bytes);
  }

  Status finish() override {
    for (auto& [pid, c] : counters_) flush_counter(pid, c);
    // W(t, 100 ms) at each window's end; windows without a reference are 0.
    for (uint32_t pid : wss_->pids()) {
      size_t next = 0;
      for (const WssWindow& w : wss_->windows(pid)) {
        if (next != 0 && w.index > next) wss_counter(pid, next, 0);
        wss_counter(pid, w.index, w.pages);
        next = w.index + 1;
      }
      if (next != 0) wss_counter(pid, next, 0);
    }
    for (auto& [pid, name] : processes_) {
      std::fprintf(out_, ",\n{\"ph\": \"M\", \"name\": \"process_name\", \"pid\": %u, \"args\": "
                   "{\"name\": %s}}", pid, json_escape(name + " (" + std::to_string(pid) + ")").c_str());
    }
    // Metadata: the source table (unknown states for captures that do not say).
    std::fputs("\n],\n\"otherData\": {\"pagescope_sources\": [", out_);
    for (size_t i = 0; i < capture::kSourceCount; ++i) {
      const auto s = static_cast<capture::Source>(i);
      const auto& st = sources_.status(s);
      std::fprintf(out_, "%s\n  {\"source\": \"%s\", \"state\": \"%s\", \"detail\": %s}", i ? "," : "",
                   capture::source_name(s), capture::state_name(st.state), json_escape(st.detail).c_str());
    }
    std::fputs("]}}\n", out_);
    const bool failed = std::ferror(out_) != 0;
    if (out_ != stdout && std::fclose(out_) != 0) {
      out_ = nullptr;
      return Error{"writing the trace failed"};
    }
    out_ = nullptr;
    if (failed) return Error{"writing the trace failed"};
    return {};
  }

 private:
  struct FaultCounter {
    uint64_t bucket = UINT64_MAX;
    uint64_t count = 0;
  };

  void begin(uint64_t ts, uint32_t pid, uint32_t tid) {
    std::fprintf(out_, "%s{\"ts\": %.3f, \"pid\": %u, \"tid\": %u, ", first_ ? "" : ",\n",
                 ts >= zero_ ? double(ts - zero_) / 1e3 : 0.0, pid, tid);
    first_ = false;
  }

  void name_process(uint32_t pid, std::string name) {
    if (!name.empty()) processes_[pid] = std::move(name);
  }

  void count_fault(uint32_t pid, uint64_t ts) {
    FaultCounter& c = counters_[pid];
    const uint64_t bucket = ts / kCounterBucketNs;
    if (c.bucket != bucket) {
      flush_counter(pid, c);
      // A drop to zero shows as zero, not as a line held at the last value.
      if (c.bucket != UINT64_MAX && bucket > c.bucket + 1) {
        c.bucket += 1;
        c.count = 0;
        flush_counter(pid, c);
      }
      c.bucket = bucket;
      c.count = 0;
    }
    ++c.count;
  }

  void wss_counter(uint32_t pid, size_t k, uint64_t pages) {
    begin(wss_->window_end(0, k), pid, pid);
    std::fprintf(out_, "\"ph\": \"C\", \"name\": \"working set (100 ms)\", \"args\": {\"pages\": %"
                 PRIu64 "}}", pages);
  }

  void flush_counter(uint32_t pid, const FaultCounter& c) {
    if (c.bucket == UINT64_MAX) return;
    begin(c.bucket * kCounterBucketNs, pid, pid);
    std::fprintf(out_, "\"ph\": \"C\", \"name\": \"faults per 10 ms\", \"args\": {\"faults\": %" PRIu64
                 "}}", c.count);
  }

  std::FILE* out_ = nullptr;
  const FaultContext* fc_ = nullptr;  // of the record being visited
  uint64_t zero_ = 0;
  bool first_ = true;
  std::unordered_map<uint32_t, FaultCounter> counters_;
  std::unordered_map<uint32_t, std::string> processes_;
  std::unique_ptr<WindowedWorkingSet> wss_;
  capture::SourceSet sources_;
  bool kinds_known_ = true;
};

}  // namespace

std::unique_ptr<Exporter> make_chrome_trace_exporter() { return std::make_unique<ChromeTraceExporter>(); }

}  // namespace pagescope::model
