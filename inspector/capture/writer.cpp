#include "inspector/capture/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "events.h"
#include "inspector/capture/chunk.h"
#include "inspector/capture/crc32c.h"
#include "inspector/capture/file_header.h"
#include "inspector/capture/file_io.h"
#include "inspector/capture/format.h"

namespace pagescope::capture {

struct CaptureWriter::Impl {
  Impl(OutputFile f, const WriterOptions& o)
      : file(std::move(f)),
        path(file.path()),
        fd(file.fd()),
        chunk_bytes(std::clamp<size_t>(o.chunk_bytes, 4096, 64u << 20)),
        encoder(o.codec, o.level, o.columnar) {
    pending.resize(chunk_bytes + (64 << 10));
  }

  OutputFile file;
  std::string path;  // the final name, for messages
  int fd;
  size_t chunk_bytes;
  ChunkEncoder encoder;
  std::vector<uint8_t> pending;  // records of the open chunk, back to back
  size_t pending_used = 0;
  uint32_t pending_count = 0;
  uint64_t min_ts = 0, max_ts = 0;
  std::vector<format::FooterEntry> index;
  std::vector<uint8_t> frame;
  WriterStats stats;
  bool closed = false;
  std::string failure;  // the first write error; sticky

  Status fail(const std::string& what) {
    failure = path + ": " + what + ": " + std::strerror(errno);
    return Error{failure};
  }

  Status write_bytes(const void* data, size_t len, const char* what) {
    if (!write_all(fd, data, len)) return fail(what);
    stats.file_bytes += len;
    return {};
  }

  Status seal() {
    if (pending_count == 0) return {};
    uint32_t seq = static_cast<uint32_t>(index.size());
    Status st = encoder.encode({pending.data(), pending_used}, pending_count, min_ts, max_ts, seq, frame);
    if (!st) return Error{failure = path + ": " + st.message()};
    format::FooterEntry entry{stats.file_bytes, min_ts, max_ts, pending_count, 0};
    if (auto w = write_bytes(frame.data(), frame.size(), "cannot write a chunk"); !w) return w;
    index.push_back(entry);
    ++stats.chunks;
    pending_used = 0;
    pending_count = 0;
    return {};
  }

  Status write_footer() {
    std::vector<uint8_t> footer(format::footer_bytes(index.size()));
    format::FooterHead head{format::kFooterMagic, static_cast<uint32_t>(index.size())};
    std::memcpy(footer.data(), &head, sizeof head);
    if (!index.empty())
      std::memcpy(footer.data() + sizeof head, index.data(), index.size() * sizeof(format::FooterEntry));
    size_t crc_at = sizeof head + index.size() * sizeof(format::FooterEntry);
    uint32_t crc = crc32c(footer.data(), crc_at);
    std::memcpy(footer.data() + crc_at, &crc, sizeof crc);

    format::Trailer t{};
    t.footer_offset = stats.file_bytes;
    t.footer_len = footer.size();
    t.records = stats.records;
    t.crc = crc32c(&t, offsetof(format::Trailer, crc));
    t.magic = format::kTrailerMagic;
    const auto* tp = reinterpret_cast<const uint8_t*>(&t);
    footer.insert(footer.end(), tp, tp + sizeof t);
    return write_bytes(footer.data(), footer.size(), "cannot write the footer");
  }
};

Result<CaptureWriter> CaptureWriter::create(const std::string& path, const HostInfo& host,
                                            const WriterOptions& options) {
  if (options.codec > Codec::kLz4) return Error{"unknown capture codec"};
  auto file = OutputFile::create(path);
  if (!file) return file.error();
  return create(std::move(*file), host, options);
}

Result<CaptureWriter> CaptureWriter::create(OutputFile file, const HostInfo& host,
                                            const WriterOptions& options) {
  if (options.codec > Codec::kLz4) return Error{"unknown capture codec"};
  auto* impl = new Impl(std::move(file), options);
  CaptureWriter writer(impl);
  std::vector<uint8_t> header = encode_file_header(host);
  if (auto st = impl->write_bytes(header.data(), header.size(), "cannot write the header"); !st) {
    writer.discard();
    return Error{st.message()};
  }
  return writer;
}

CaptureWriter::CaptureWriter(Impl* impl) : impl_(impl) {}
CaptureWriter::CaptureWriter(CaptureWriter&& other) noexcept : impl_(std::exchange(other.impl_, nullptr)) {}
CaptureWriter& CaptureWriter::operator=(CaptureWriter&& other) noexcept {
  if (this != &other) {
    if (impl_) {
      close();
      delete impl_;
    }
    impl_ = std::exchange(other.impl_, nullptr);
  }
  return *this;
}
CaptureWriter::~CaptureWriter() {
  if (impl_) {
    close();
    delete impl_;
  }
}

Status CaptureWriter::append(const void* record, size_t size) {
  Impl& w = *impl_;
  if (w.closed) return Error{w.path + ": append after close"};
  if (!w.failure.empty()) return Error{w.failure};
  if (size < sizeof(ps_header) || size > format::kMaxRecordBytes)
    return Error{"record of " + std::to_string(size) + " bytes is outside [24, 16 MiB]"};
  ps_header h;
  std::memcpy(&h, record, sizeof h);
  if (h.size != size)
    return Error{"record header says " + std::to_string(h.size) + " bytes but " + std::to_string(size) +
                 " were given"};
  if (w.pending_used + size > w.pending.size()) w.pending.resize(w.pending_used + size);  // a huge record
  std::memcpy(w.pending.data() + w.pending_used, record, size);
  w.pending_used += size;
  if (w.pending_count++ == 0) {
    w.min_ts = w.max_ts = h.ts_ns;
  } else {
    w.min_ts = std::min<uint64_t>(w.min_ts, h.ts_ns);
    w.max_ts = std::max<uint64_t>(w.max_ts, h.ts_ns);
  }
  ++w.stats.records_by_kind[std::min<uint16_t>(h.kind, 255)];  // 255: kinds beyond the table
  ++w.stats.records;
  w.stats.raw_bytes += size;
  if (w.pending_used >= w.chunk_bytes) return w.seal();
  return {};
}

Status CaptureWriter::flush() {
  Impl& w = *impl_;
  if (w.closed) return Error{w.path + ": flush after close"};
  if (!w.failure.empty()) return Error{w.failure};
  return w.seal();
}

Status CaptureWriter::close() {
  Impl& w = *impl_;
  if (w.closed) return w.failure.empty() ? Status{} : Status{Error{w.failure}};
  Status st;
  if (w.failure.empty()) st = w.seal();
  if (st && w.failure.empty()) st = w.write_footer();
  // fsync, close, rename: also after a write error, whose prefix is readable.
  Status renamed = w.file.commit();
  if (!renamed && w.failure.empty()) w.failure = renamed.message();
  w.closed = true;
  if (!w.failure.empty()) return Error{w.failure};
  return st;
}

void CaptureWriter::discard() {
  Impl& w = *impl_;
  if (w.closed) return;
  w.file.discard();
  w.closed = true;
}

const WriterStats& CaptureWriter::stats() const { return impl_->stats; }

}  // namespace pagescope::capture
