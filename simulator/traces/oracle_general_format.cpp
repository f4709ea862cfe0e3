// libCacheSim's oracleGeneral binary trace: packed little-endian 24-byte
// records { u32 clock_time; u64 obj_id; u32 obj_size; i64 next_access_vtime }
// with next_access_vtime = 1-based virtual time (request number) of the
// object's next request, -1 = never (libCacheSim
// traceReader/customizedReader/oracle/oracleGeneralBin.h; the 1-based vtime is
// what the published cloudPhysics sample holds). Each record is one reference
// to obj_id, taken as the page number (object-level, as libCacheSim counts it;
// obj_size is not split into pages); there are no writes in this format.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include <cstdio>
#include <cerrno>
#include <cstring>
#include <vector>

#include "simulator/traces/formats.h"
#include "simulator/traces/line_reader.h"

namespace pagescope::sim::traces {

namespace {

constexpr size_t kRecordSize = 24;

uint64_t load_le(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le(unsigned char* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i, v >>= 8) p[i] = static_cast<unsigned char>(v);
}

class OracleGeneralSource final : public ReferenceSource {
 public:
  OracleGeneralSource(std::string path, FILE* f, uint64_t total)
      : path_(std::move(path)), f_(f), total_(total) {}
  ~OracleGeneralSource() override { std::fclose(f_); }
  KeyUnit unit() const override { return KeyUnit::kPageNumber; }
  uint64_t bytes_read() const override { return read_.load(std::memory_order_relaxed); }
  uint64_t bytes_total() const override { return total_; }
  Status for_each(const Sink& sink) override {
    std::vector<unsigned char> buf(kRecordSize * 4096);
    uint64_t record = 0;
    if (total_ > 0) std::rewind(f_);  // a pipe (stdin) is read once, front to back
    uint64_t read = 0;
    for (;;) {
      size_t n = std::fread(buf.data(), 1, buf.size(), f_);
      read_.store(read += n, std::memory_order_relaxed);
      if (n % kRecordSize != 0 && (n < buf.size() || std::feof(f_)))
        return Error{path_ + ": truncated record " + std::to_string(record + n / kRecordSize) +
                     " (file size is not a multiple of 24 bytes)"};
      for (size_t off = 0; off + kRecordSize <= n; off += kRecordSize, ++record) {
        RawReference r;
        r.key = load_le(&buf[off + 4], 8);
        sink(r);
      }
      if (n < buf.size()) break;
    }
    if (std::ferror(f_)) return Error{path_ + ": read error"};
    return {};
  }

 private:
  std::string path_;
  FILE* f_;
  uint64_t total_;  // file size; 0 for a pipe
  std::atomic<uint64_t> read_{0};
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_oracle_general(const std::string& path,
                                                             const SourceOptions&) {
  auto fd = open_regular_file(path);  // never blocks on a FIFO; "-" is stdin
  if (!fd) return fd.error();
  struct stat st {};
  const uint64_t total = fstat(*fd, &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
  FILE* f = fdopen(*fd, "rb");
  if (!f) {
    ::close(*fd);
    return Error{path + ": cannot open: " + std::strerror(errno)};
  }
  return std::unique_ptr<ReferenceSource>(new OracleGeneralSource(input_name(path), f, total));
}

// clock_time is the reference index, obj_size the page size, next_access_vtime
// computed exactly, 1-based like libCacheSim's (so its Belady reads it directly).
Status write_oracle_general(const Trace& trace, const std::string& path) {
  std::vector<int64_t> next(trace.size(), -1);
  std::vector<int64_t> seen(trace.distinct_pages(), -1);
  for (size_t i = trace.size(); i-- > 0;) {
    next[i] = seen[trace.refs[i]];
    seen[trace.refs[i]] = static_cast<int64_t>(i) + 1;  // 1-based vtime
  }
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Error{path + ": cannot create: " + std::strerror(errno)};
  unsigned char rec[kRecordSize];
  uint32_t size = trace.page_size > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(trace.page_size);
  for (size_t i = 0; i < trace.size(); ++i) {
    store_le(rec, static_cast<uint32_t>(i), 4);
    store_le(rec + 4, trace.page_of[trace.refs[i]], 8);
    store_le(rec + 12, size, 4);
    store_le(rec + 16, static_cast<uint64_t>(next[i]), 8);
    if (std::fwrite(rec, 1, kRecordSize, f) != kRecordSize) {
      std::fclose(f);
      return Error{path + ": write failed"};
    }
  }
  if (std::fclose(f) != 0) return Error{path + ": write failed"};
  return {};
}

}  // namespace pagescope::sim::traces
