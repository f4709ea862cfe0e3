#include "inspector/live/proc_reader.h"

#include <dirent.h>
#include <sched.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "events.h"

namespace pagescope::live {


bool read_text_file(const std::string& path, std::string& out) {
  out.clear();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

std::vector<uint8_t> proc_text_record(uint32_t pid, uint32_t which, uint64_t ts_ns,
                                      const std::string& text) {
  std::vector<uint8_t> rec(sizeof(ps_proc_file) + text.size());
  ps_proc_file h{};
  h.hdr.kind = PS_EV_PROC_FILE;
  h.hdr.size = static_cast<uint32_t>(rec.size());
  h.hdr.ts_ns = ts_ns;
  h.hdr.pid = pid;
  h.hdr.tid = pid;
  h.hdr.cpu = static_cast<uint16_t>(sched_getcpu() < 0 ? 0 : sched_getcpu());
  h.which = which;
  h.length = static_cast<uint32_t>(text.size());
  std::memcpy(rec.data(), &h, sizeof(h));
  std::memcpy(rec.data() + sizeof(h), text.data(), text.size());
  return rec;
}

std::vector<uint8_t> proc_file_record(uint32_t pid, uint32_t which, const std::string& path) {
  uint64_t ts = monotonic_ns();
  std::string text;
  if (!read_text_file(path, text)) return {};
  return proc_text_record(pid, which, ts, text);
}

std::string memcg_text(const std::string& dir) {
  std::string usage, limit, stat;
  // v2 names first, then v1.
  if (!read_text_file(dir + "/memory.current", usage)) read_text_file(dir + "/memory.usage_in_bytes", usage);
  if (!read_text_file(dir + "/memory.max", limit)) read_text_file(dir + "/memory.limit_in_bytes", limit);
  if (!read_text_file(dir + "/memory.stat", stat)) return {};
  auto first_line = [](std::string s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
  };
  return "usage " + first_line(usage) + "\nlimit " + first_line(limit) + "\n" + stat;
}

std::vector<uint32_t> all_pids() {
  std::vector<uint32_t> pids;
  DIR* d = opendir("/proc");
  if (!d) return pids;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    unsigned long v = strtoul(e->d_name, &end, 10);
    if (end && *end == '\0' && v > 0) pids.push_back(static_cast<uint32_t>(v));
  }
  closedir(d);
  return pids;
}

}  // namespace pagescope::live
