#include "inspector/model/process_table.h"

#include <algorithm>
#include <string_view>

#include "common/event_names.h"
#include "inspector/model/record_view.h"

namespace pagescope::model {

const char* mm_syscall_name(uint16_t kind) {
  // Only the memory syscalls have a name here; the names themselves are the
  // one list in common/event_names.h.
  if (kind < PS_EV_MMAP || kind > PS_EV_SHMDT) return "?";
  return event_kind_name(kind);
}

uint64_t SyscallCounts::total_calls() const {
  uint64_t n = 0;
  for (uint64_t c : calls) n += c;
  return n;
}

uint64_t SyscallCounts::total_failures() const {
  uint64_t n = 0;
  for (uint64_t c : failures) n += c;
  return n;
}

const ProcessInfo* ProcessTable::find(uint32_t pid) const {
  auto it = current_.find(pid);
  return it == current_.end() ? nullptr : &processes_[it->second];
}

ProcessInfo& ProcessTable::start_process(uint32_t pid, uint64_t ts) {
  current_[pid] = processes_.size();
  last_pid_ = pid;
  last_index_ = processes_.size();
  ProcessInfo& p = processes_.emplace_back();
  tids_.emplace_back();
  p.pid = pid;
  p.first_ts_ns = p.last_ts_ns = ts;
  return p;
}

ProcessInfo& ProcessTable::process_for(uint32_t pid, uint64_t ts) {
  if (pid == last_pid_ && last_index_ < processes_.size() && !processes_[last_index_].exited) {
    ProcessInfo& p = processes_[last_index_];
    p.last_ts_ns = std::max(p.last_ts_ns, ts);
    return p;
  }
  auto it = current_.find(pid);
  // A record from a pid whose process has exited: the pid was reused by a
  // process whose fork we did not see.
  if (it == current_.end() || processes_[it->second].exited) return start_process(pid, ts);
  ProcessInfo& p = processes_[it->second];
  last_pid_ = pid;
  last_index_ = it->second;
  p.last_ts_ns = std::max(p.last_ts_ns, ts);
  return p;
}

void ProcessTable::note_thread(ProcessInfo& p, size_t index, uint32_t tid) {
  if (tid == 0) return;
  for (const auto& [i, t] : recent_tids_) {
    if (i == index && t == tid) return;
  }
  recent_tids_[recent_next_++ % 4] = {index, tid};
  if (tids_[index].insert(tid).second) ++p.threads_seen;
}

void ProcessTable::apply_status_text(ProcessInfo& p, std::string_view text) {
  auto field = [&](std::string_view name) -> std::string_view {
    size_t at = 0;
    while (at < text.size()) {
      size_t eol = text.find('\n', at);
      if (eol == std::string_view::npos) eol = text.size();
      std::string_view line = text.substr(at, eol - at);
      if (line.size() > name.size() && line.substr(0, name.size()) == name &&
          line[name.size()] == ':') {
        std::string_view v = line.substr(name.size() + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        return v;
      }
      at = eol + 1;
    }
    return {};
  };
  if (auto name = field("Name"); !name.empty()) p.comm = std::string(name);
  if (auto ppid = field("PPid"); !ppid.empty() && p.ppid == 0) {
    uint32_t v = 0;
    for (char c : ppid) {
      if (c < '0' || c > '9') break;
      v = v * 10 + uint32_t(c - '0');
    }
    p.ppid = v;
  }
}

void ProcessTable::apply(const ps_header& h) {
  ++totals_.records;
  if (h.kind < PS_EV_KIND_MAX) ++totals_.by_kind[h.kind];
  if (h.ts_ns != 0) {
    if (totals_.first_ts_ns == 0 || h.ts_ns < totals_.first_ts_ns) totals_.first_ts_ns = h.ts_ns;
    totals_.last_ts_ns = std::max<uint64_t>(totals_.last_ts_ns, h.ts_ns);
  }

  visit(h);
}

inline void ProcessTable::on_fault(const ps_fault& f) {
  const ps_header& h = f.hdr;
  ProcessInfo& p = process_for(h.pid, h.ts_ns);
  note_thread(p, last_index_, h.tid);
  p.faults.add(f);
}

inline void ProcessTable::on_mm_syscall(const ps_mm_syscall& s) {
  const ps_header& h = s.hdr;
  ProcessInfo& p = process_for(h.pid, h.ts_ns);
  note_thread(p, last_index_, h.tid);
  const int i = h.kind - PS_EV_MMAP;
  ++p.syscalls.calls[i];
  // brk reports failure by returning the old break, not an errno.
  if (syscall_failed(s.ret)) ++p.syscalls.failures[i];
}

inline void ProcessTable::on_fork(const ps_fork& f) {
  const ps_header& h = f.hdr;
  ProcessInfo& parent = process_for(h.pid, h.ts_ns);
  note_thread(parent, last_index_, h.tid);
  if (f.flags & PS_FORK_THREAD) {
    note_thread(parent, last_index_, f.child_tid);
    return;
  }
  const std::string parent_comm = parent.comm;
  ProcessInfo& child = start_process(f.child_pid, h.ts_ns);
  child.ppid = h.pid;
  child.forked_in_capture = true;
  auto comm = fixed_string(f.comm);
  child.comm = comm.empty() ? parent_comm : std::string(comm);
  note_thread(child, last_index_, f.child_tid ? f.child_tid : f.child_pid);
}

inline void ProcessTable::on_exec(const ps_exec& e) {
  const ps_header& h = e.hdr;
  ProcessInfo& p = process_for(h.pid, h.ts_ns);
  note_thread(p, last_index_, h.tid);
  ++p.execs;
  p.comm = std::string(fixed_string(e.comm));
  p.exe = std::string(fixed_string(e.filename));
}

inline void ProcessTable::on_exit(const ps_exit& e) {
  const ps_header& h = e.hdr;
  ProcessInfo& p = process_for(h.pid, h.ts_ns);
  note_thread(p, last_index_, h.tid);
  ++p.threads_exited;
  p.exit_min_flt += e.min_flt;
  p.exit_maj_flt += e.maj_flt;
  if (auto comm = fixed_string(e.comm); !comm.empty()) p.comm = std::string(comm);
  if (e.flags & PS_EXIT_GROUP_DEAD) {
    p.exited = true;
    p.exit_code = e.exit_code;
  }
}

inline void ProcessTable::on_proc_file(const ps_proc_file& f, std::string_view text) {
  if (f.hdr.pid == 0) return;  // pid 0: system-wide files
  ProcessInfo& p = process_for(f.hdr.pid, f.hdr.ts_ns);
  if (f.which == PS_PROC_STATUS) apply_status_text(p, text);
}

inline void ProcessTable::on_lost(const ps_lost& l) {
  lost_sum_ += l.lost;
  lost_total_max_ = std::max<uint64_t>(lost_total_max_, l.lost_total);
  totals_.lost_events = std::max(lost_sum_, lost_total_max_);
}

inline void ProcessTable::on_target(const ps_target& t) {
  ProcessInfo& p = process_for(t.hdr.pid, t.hdr.ts_ns);
  p.target = true;
}

}  // namespace pagescope::model
