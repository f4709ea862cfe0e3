// CSV export: one file per event kind in an output directory, one row per
// record, raw values (nanoseconds since capture start, hex addresses) so a
// spreadsheet or pandas can take it from there. sources.csv says which event
// sources the capture had; a field whose source was off is empty, not 0.
// compaction.csv and order_counts.csv (format 1.5) hold the fragmentation
// records as they are; inspect --fragmentation --csv has the derived tables.
#include <sys/stat.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "inspector/model/exporter.h"
#include "inspector/model/process_table.h"
#include "inspector/model/record_view.h"
#include "inspector/model/record_visitor.h"
#include "common/table.h"

namespace pagescope::model {

namespace {

class CsvExporter : public Exporter, public RecordVisitor<CsvExporter> {
 public:
  ~CsvExporter() override { close_all(); }

  Status open(const std::string& output, uint64_t zero_ns, const SourceNotes& sources) override {
    zero_ = zero_ns;
    kinds_known_ = sources.measured(capture::Source::kFaultKinds);
    if (mkdir(output.c_str(), 0755) != 0 && errno != EEXIST) {
      return Error{output + ": cannot create directory (" + std::string(std::strerror(errno)) + ")"};
    }
    struct File {
      std::FILE** f;
      const char* name;
      const char* header;
    };
    const File files[] = {
        {&faults_, "faults.csv", "t_ns,pid,tid,address,ip,access,mode,protection,major,region,vma_start,file,file_offset"},
        {&syscalls_, "syscalls.csv", "t_ns,pid,tid,syscall,arg0,arg1,arg2,arg3,arg4,arg5,ret,failed,duration_ns"},
        {&processes_, "processes.csv", "t_ns,pid,tid,event,child_pid,child_tid,comm,filename,exit_code,min_flt,maj_flt"},
        {&vmas_, "vma_changes.csv", "t_ns,pid,mapping,op,start,end,perms,mapped_bytes"},
        {&lost_, "lost.csv", "t_ns,lost,lost_total"},
        {&sources_, "sources.csv", "source,state,detail"},
        {&compaction_, "compaction.csv",
         "t_ns,pid,tid,what,order,status,flags,gfp_flags,duration_ns,migrate_scanned,free_scanned,nid,zone_idx"},
        {&orders_, "order_counts.csv", "t_ns,order,page_allocs,extfrag_by_alloc,extfrag_by_fallback"},
    };
    for (const File& f : files) {
      const std::string path = output + "/" + f.name;
      *f.f = std::fopen(path.c_str(), "w");
      if (!*f.f) return Error{path + ": cannot create (" + std::string(std::strerror(errno)) + ")"};
      std::fprintf(*f.f, "%s\n", f.header);
    }
    // One row per source, "unknown" for captures that do not say.
    for (size_t i = 0; i < capture::kSourceCount; ++i) {
      const auto s = static_cast<capture::Source>(i);
      const auto& st = sources.sources().status(s);
      std::fprintf(sources_, "%s,%s,%s\n", capture::source_name(s), capture::state_name(st.state),
                   csv_escape(st.detail).c_str());
    }
    return {};
  }

  void record(const ps_header& h, const FaultContext& fc) override {
    t_ = h.ts_ns >= zero_ ? h.ts_ns - zero_ : 0;
    fc_ = &fc;
    visit(h);
  }

  void on_fault(const ps_fault& f) {
    const ps_header& h = f.hdr;
    const FaultContext& fc = *fc_;
    std::fprintf(faults_, "%" PRIu64 ",%u,%u,0x%" PRIx64 ",0x%" PRIx64 ",%s,%s,%d,%s,%s,", t_,
                 h.pid, h.tid, uint64_t(f.address), uint64_t(f.ip), fault_access_name(f),
                 fault_is_kernel_mode(f) ? "kernel" : "user",
                 (f.flags & PS_FAULT_ERR_KNOWN) ? int(f.error_code & PS_PF_PROT) : -1,
                 !kinds_known_ ? "" : (f.flags & PS_FAULT_MAJOR) ? "1" : "0",
                 fc.vma ? vma_kind_name(fc.vma->kind) : "unknown");
    if (fc.vma) {
      std::fprintf(faults_, "0x%" PRIx64 ",%s,", uint64_t(fc.vma->start),
                   csv_escape(fc.vma->path).c_str());
      if (fc.vma->file) {
        std::fprintf(faults_, "%" PRIu64 "\n", uint64_t(fc.vma->offset + (f.address - fc.vma->start)));
      } else {
        std::fputs("\n", faults_);
      }
    } else {
      std::fputs(",,\n", faults_);
    }
  }

  void on_mm_syscall(const ps_mm_syscall& s) {
    const ps_header& h = s.hdr;
    std::fprintf(syscalls_, "%" PRIu64 ",%u,%u,%s", t_, h.pid, h.tid, mm_syscall_name(h.kind));
    for (uint64_t a : s.args) std::fprintf(syscalls_, ",0x%" PRIx64, a);
    if (syscall_failed(s.ret)) std::fprintf(syscalls_, ",%" PRId64 ",1", int64_t(s.ret));
    else std::fprintf(syscalls_, ",0x%" PRIx64 ",0", uint64_t(s.ret));
    std::fprintf(syscalls_, ",%" PRIu64 "\n", uint64_t(s.duration_ns));
  }

  void on_fork(const ps_fork& f) {
    std::fprintf(processes_, "%" PRIu64 ",%u,%u,%s,%u,%u,%s,,,,\n", t_, f.hdr.pid, f.hdr.tid,
                 (f.flags & PS_FORK_THREAD) ? "thread" : "fork", f.child_pid, f.child_tid,
                 csv_escape(fixed_string(f.comm)).c_str());
  }

  void on_exec(const ps_exec& e) {
    std::fprintf(processes_, "%" PRIu64 ",%u,%u,exec,,,%s,%s,,,\n", t_, e.hdr.pid, e.hdr.tid,
                 csv_escape(fixed_string(e.comm)).c_str(),
                 csv_escape(fixed_string(e.filename)).c_str());
  }

  void on_exit(const ps_exit& e) {
    std::fprintf(processes_, "%" PRIu64 ",%u,%u,%s,,,%s,,%d,%" PRIu64 ",%" PRIu64 "\n", t_, e.hdr.pid,
                 e.hdr.tid, (e.flags & PS_EXIT_GROUP_DEAD) ? "exit" : "thread_exit",
                 csv_escape(fixed_string(e.comm)).c_str(), e.exit_code, uint64_t(e.min_flt),
                 uint64_t(e.maj_flt));
  }

  void on_lost(const ps_lost& l) {
    std::fprintf(lost_, "%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", t_, uint64_t(l.lost),
                 uint64_t(l.lost_total));
  }

  // Format 1.5: compaction passes and attempts, one row per record.
  void on_compaction(const ps_compaction& c) {
    static const char* const what[] = {"?", "begin", "end", "try"};
    std::fprintf(compaction_,
                 "%" PRIu64 ",%u,%u,%s,%d,%d,0x%x,0x%" PRIx64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u\n", t_,
                 c.hdr.pid, c.hdr.tid, what[c.what < 4 ? c.what : 0], int(c.order), int(c.status),
                 unsigned(c.flags), uint64_t(c.gfp_flags), uint64_t(c.duration_ns), uint64_t(c.migrate_scanned),
                 uint64_t(c.free_scanned), unsigned(c.nid), unsigned(c.zone_idx));
  }

  // The in-kernel per-order totals as read at each sample: one row per order,
  // a counter that was not counted (its tracepoint missing) left empty.
  void on_order_counts(const ps_order_counts& c) {
    const bool allocs = c.flags & PS_ORDER_ALLOCS, extfrag = c.flags & PS_ORDER_EXTFRAG;
    for (int o = 0; o < PS_ORDER_SLOTS && o < int(c.slots); ++o) {
      std::fprintf(orders_, "%" PRIu64 ",%d,%s,%s,%s\n", t_, o,
                   allocs ? std::to_string(c.page_allocs[o]).c_str() : "",
                   extfrag ? std::to_string(c.extfrag_by_alloc[o]).c_str() : "",
                   extfrag ? std::to_string(c.extfrag_by_fallback[o]).c_str() : "");
    }
  }

  void vma_change(uint32_t pid, uint32_t mapping, const MappingChange& c,
                  uint64_t mapped_bytes) override {
    std::fprintf(vmas_, "%" PRIu64 ",%u,%u,%s,0x%" PRIx64 ",0x%" PRIx64 ",%s,%" PRIu64 "\n",
                 c.ts_ns >= zero_ ? c.ts_ns - zero_ : 0, pid, mapping, vma_op_name(c.op),
                 uint64_t(c.start), uint64_t(c.end), perms(c.perms).c_str(), mapped_bytes);
  }

  Status finish() override {
    bool failed = false;
    for (std::FILE** f : {&faults_, &syscalls_, &processes_, &vmas_, &lost_, &sources_, &compaction_, &orders_}) {
      if (*f && (std::ferror(*f) || std::fclose(*f) != 0)) failed = true;
      *f = nullptr;
    }
    if (failed) return Error{"writing the CSV files failed"};
    return {};
  }

 private:
  static std::string perms(uint8_t p) {
    std::string s = "---";
    if (p & kPermRead) s[0] = 'r';
    if (p & kPermWrite) s[1] = 'w';
    if (p & kPermExec) s[2] = 'x';
    return s;
  }

  void close_all() {
    for (std::FILE** f : {&faults_, &syscalls_, &processes_, &vmas_, &lost_, &sources_, &compaction_, &orders_}) {
      if (*f) std::fclose(*f);
      *f = nullptr;
    }
  }

  uint64_t zero_ = 0;
  uint64_t t_ = 0;                      // the record being visited, from time zero
  const FaultContext* fc_ = nullptr;    // and its fault context
  std::FILE* faults_ = nullptr;
  std::FILE* syscalls_ = nullptr;
  std::FILE* processes_ = nullptr;
  std::FILE* vmas_ = nullptr;
  std::FILE* lost_ = nullptr;
  std::FILE* sources_ = nullptr;
  std::FILE* compaction_ = nullptr;
  std::FILE* orders_ = nullptr;
  bool kinds_known_ = true;  // minor/major recorded: the major column is 0 or 1, else empty
};

}  // namespace

std::unique_ptr<Exporter> make_csv_exporter() { return std::make_unique<CsvExporter>(); }

}  // namespace pagescope::model
