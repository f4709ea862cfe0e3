#include "inspector/capture/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "inspector/capture/chunk.h"
#include "inspector/capture/crc32c.h"
#include "inspector/capture/file_header.h"
#include "inspector/capture/file_io.h"
#include "inspector/capture/format.h"

namespace pagescope::capture {
namespace {

constexpr size_t kFrameBytes = sizeof(format::ChunkFrame);
constexpr uint8_t kChunkMagicBytes[4] = {'P', 'S', 'C', 'K'};
constexpr uint8_t kFooterMagicBytes[4] = {'P', 'S', 'I', 'X'};

std::string at_offset(uint64_t ordinal, uint64_t offset) {
  return "chunk " + std::to_string(ordinal) + " at offset " + std::to_string(offset);
}

}  // namespace

struct CaptureReader::Impl {
  std::string path;
  int fd = -1;
  uint64_t file_size = 0;
  FileHeaderInfo header;
  uint64_t data_end = 0;  // the footer's offset, or the file size without one
  std::string footer_problem;
  ReadReport report;
  std::vector<ChunkInfo> chunks;
  ChunkDecoder decoder;
  RecordBuffer records;
  std::vector<uint8_t> payload;
  std::vector<uint8_t> scan_buffer;

  ~Impl() {
    if (fd >= 0) ::close(fd);
  }

  void reset_report() {
    bool complete = report.complete;
    report = ReadReport{};
    report.complete = complete;
    if (!footer_problem.empty()) report.problems.push_back(footer_problem);
  }

  // Offset of the next chunk magic in [from, end), or end.
  uint64_t find_magic(uint64_t from, uint64_t end) {
    constexpr size_t kBlock = 1 << 16;
    scan_buffer.resize(kBlock);
    while (from < end) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(kBlock, end - from));
      if (want < sizeof kChunkMagicBytes) return end;
      if (!read_exact(fd, scan_buffer.data(), want, from)) return end;
      const uint8_t* b = scan_buffer.data();
      const uint8_t* hit = std::search(b, b + want, kChunkMagicBytes, kChunkMagicBytes + 4);
      if (hit != b + want) return from + static_cast<uint64_t>(hit - b);
      from += want - 3;  // a magic may straddle two blocks
    }
    return end;
  }

  enum class Damage { kNone, kCorrupt, kTruncated, kFooterCut };

  // Reads and checks the frame at `pos`; on success (kNone) `frame` and
  // `payload` hold it. kTruncated: the bytes look like the start of a frame
  // the file ends in the middle of; kFooterCut: likewise for the footer.
  Damage read_frame(uint64_t pos, uint64_t end, format::ChunkFrame& frame, std::string& why) {
    const uint64_t room = end - pos;
    // A footer here means close() was cut short; it is a truncated tail too.
    uint8_t head[4] = {};
    size_t n = static_cast<size_t>(std::min<uint64_t>(room, 4));
    if (read_exact(fd, head, n, pos) && std::memcmp(head, kFooterMagicBytes, n) == 0 &&
        std::memcmp(head, kChunkMagicBytes, n) != 0) {
      why = "incomplete (the file was cut short while closing)";
      return Damage::kFooterCut;
    }
    if (room < kFrameBytes) {
      why = "truncated frame header (" + std::to_string(room) + " of " + std::to_string(kFrameBytes) + " bytes)";
      return std::memcmp(head, kChunkMagicBytes, n) == 0 ? Damage::kTruncated : Damage::kCorrupt;
    }
    if (!read_exact(fd, &frame, kFrameBytes, pos)) {
      why = std::string("read error: ") + std::strerror(errno);
      return Damage::kCorrupt;
    }
    if (auto st = ChunkDecoder::check_header(frame, room - kFrameBytes); !st) {
      why = st.message();
      return ChunkDecoder::check_header(frame, UINT64_MAX).ok() ? Damage::kTruncated : Damage::kCorrupt;
    }
    payload.resize(frame.payload_len);
    if (!read_exact(fd, payload.data(), payload.size(), pos + kFrameBytes)) {
      why = std::string("read error: ") + std::strerror(errno);
      return Damage::kCorrupt;
    }
    if (!ChunkDecoder::crc_matches(frame, payload)) {
      why = "CRC mismatch";
      return Damage::kCorrupt;
    }
    return Damage::kNone;
  }

  // Walks the frames in [begin, end), reporting and skipping bad stretches by
  // resynchronizing on the next chunk magic. on_chunk(ordinal, offset, frame)
  // sees each frame whose CRC matched; it returns false to stop (then so does scan).
  template <typename OnChunk>
  bool scan(uint64_t begin, uint64_t end, OnChunk&& on_chunk) {
    uint64_t pos = begin;
    uint64_t ordinal = 0;
    while (pos < end) {
      format::ChunkFrame frame{};
      std::string why;
      Damage damage = read_frame(pos, end, frame, why);
      if (damage == Damage::kNone) {
        if (!on_chunk(ordinal, pos, frame)) return false;
        pos += kFrameBytes + frame.payload_len;
        ++ordinal;
        continue;
      }
      uint64_t next = find_magic(pos + 1, end);
      report.bytes_unreadable += next - pos;
      if (next == end && damage != Damage::kCorrupt) {
        std::string what = damage == Damage::kFooterCut ? "footer at offset " + std::to_string(pos)
                                                        : at_offset(ordinal, pos);
        report.problems.push_back(what + ": " + why + "; the file ends inside it (" + std::to_string(end - pos) +
                                  " bytes lost)");
        return true;
      }
      ++report.chunks_corrupt;
      report.problems.push_back(at_offset(ordinal, pos) + ": " + why + "; skipped " +
                                std::to_string(next - pos) + " bytes" +
                                (next == end ? " to the end of the file" : " to the next chunk"));
      pos = next;
      ++ordinal;
    }
    return true;
  }

  // Validates trailer and footer; fills `chunks` and sets data_end on success.
  bool read_footer() {
    const uint64_t min_size = header.data_start + format::footer_bytes(0) + sizeof(format::Trailer);
    if (file_size < min_size) return false;
    format::Trailer t{};
    if (!read_exact(fd, &t, sizeof t, file_size - sizeof t)) return false;
    if (t.magic != format::kTrailerMagic) return false;  // not closed: no complaint
    auto bad = [&](const char* why) {
      footer_problem = std::string("footer unreadable (") + why + "); chunks found by scanning";
      return false;
    };
    if (crc32c(&t, offsetof(format::Trailer, crc)) != t.crc) return bad("trailer CRC mismatch");
    if (t.footer_offset < header.data_start || t.footer_len > file_size - sizeof t - header.data_start ||
        t.footer_offset != file_size - sizeof t - t.footer_len || t.footer_len < format::footer_bytes(0))
      return bad("trailer points outside the file");
    if ((t.footer_len - format::footer_bytes(0)) % sizeof(format::FooterEntry) != 0)
      return bad("footer length is not a whole number of entries");
    std::vector<uint8_t> footer(static_cast<size_t>(t.footer_len));
    if (!read_exact(fd, footer.data(), footer.size(), t.footer_offset)) return bad("read error");
    format::FooterHead head;
    std::memcpy(&head, footer.data(), sizeof head);
    if (head.magic != format::kFooterMagic || format::footer_bytes(head.chunks) != footer.size())
      return bad("bad footer header");
    size_t crc_at = footer.size() - 8;
    uint32_t crc;
    std::memcpy(&crc, footer.data() + crc_at, sizeof crc);
    if (crc32c(footer.data(), crc_at) != crc) return bad("footer CRC mismatch");

    std::vector<ChunkInfo> index(head.chunks);
    uint64_t records = 0;
    uint64_t previous_end = header.data_start;
    for (uint32_t i = 0; i < head.chunks; ++i) {
      format::FooterEntry e;
      std::memcpy(&e, footer.data() + sizeof head + i * sizeof e, sizeof e);
      if (e.offset < previous_end || e.offset + kFrameBytes > t.footer_offset)
        return bad("chunk offset out of order or outside the data");
      previous_end = e.offset + kFrameBytes;
      index[i] = {e.offset, e.first_ts_ns, e.last_ts_ns, e.records};
      records += e.records;
    }
    chunks = std::move(index);
    data_end = t.footer_offset;
    report.complete = true;
    report.chunks_ok = chunks.size();
    report.records = records;
    return true;
  }

  void rebuild_index() {
    data_end = file_size;
    reset_report();
    std::optional<uint32_t> last_seq;
    scan(header.data_start, data_end, [&](uint64_t ordinal, uint64_t offset, const format::ChunkFrame& f) {
      if (!fresh_seq(last_seq, ordinal, offset, f)) return true;
      chunks.push_back({offset, f.first_ts_ns, f.last_ts_ns, f.records});
      ++report.chunks_ok;
      report.records += f.records;
      return true;
    });
  }

  // Sequence numbers run 0, 1, 2... in write order (format.h); a frame whose
  // number is not above the last one read is a copy of an earlier chunk (a
  // splice, a tool that appended twice) and would count its records twice
  // (issue 17.18). Reports it and returns false.
  bool fresh_seq(std::optional<uint32_t>& last, uint64_t ordinal, uint64_t offset, const format::ChunkFrame& f) {
    if (last && f.seq <= *last) {
      ++report.chunks_corrupt;
      report.bytes_unreadable += kFrameBytes + f.payload_len;
      report.problems.push_back(at_offset(ordinal, offset) + ": sequence number " + std::to_string(f.seq) +
                                " again after " + std::to_string(*last) +
                                " (a repeated or misplaced chunk); skipped");
      return false;
    }
    last = f.seq;
    return true;
  }

  // Decodes the frame just read; on failure reports it and returns false.
  bool decode(uint64_t ordinal, uint64_t offset, const format::ChunkFrame& f) {
    if (auto st = decoder.decode(f, payload, records); !st) {
      ++report.chunks_corrupt;
      report.bytes_unreadable += kFrameBytes + f.payload_len;
      report.problems.push_back(at_offset(ordinal, offset) + ": undecodable (" + st.message() + ")");
      return false;
    }
    ++report.chunks_ok;
    return true;
  }
};

Result<CaptureReader> CaptureReader::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever
  // (issue 17.14); only a regular file gets past the check below.
  impl->fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (impl->fd < 0) return Error{path + ": cannot open: " + std::strerror(errno)};
  struct stat st {};
  if (fstat(impl->fd, &st) != 0) return Error{path + ": cannot stat: " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode))
    return Error{path + ": not a regular file" +
                 (S_ISFIFO(st.st_mode) ? " (a FIFO)" : S_ISDIR(st.st_mode) ? " (a directory)" : "")};
  impl->file_size = static_cast<uint64_t>(st.st_size);
  auto header = read_file_header(impl->fd, impl->file_size, path);
  if (!header) return header.error();
  impl->header = std::move(header.value());
  if (!impl->read_footer()) impl->rebuild_index();
  return CaptureReader(std::move(impl));
}

CaptureReader::CaptureReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaptureReader::CaptureReader(CaptureReader&&) noexcept = default;
CaptureReader& CaptureReader::operator=(CaptureReader&&) noexcept = default;
CaptureReader::~CaptureReader() = default;

const HostInfo& CaptureReader::host() const { return impl_->header.host; }
uint16_t CaptureReader::format_major() const { return impl_->header.format_major; }
uint16_t CaptureReader::format_minor() const { return impl_->header.format_minor; }
const ReadReport& CaptureReader::report() const { return impl_->report; }
const std::vector<ChunkInfo>& CaptureReader::chunks() const { return impl_->chunks; }

Status CaptureReader::for_each(const std::function<bool(const ps_header&)>& fn) {
  Impl& r = *impl_;
  r.reset_report();
  std::optional<uint32_t> last_seq;
  r.scan(r.header.data_start, r.data_end, [&](uint64_t ordinal, uint64_t offset, const format::ChunkFrame& f) {
    if (!r.fresh_seq(last_seq, ordinal, offset, f)) return true;
    if (!r.decode(ordinal, offset, f)) return true;
    return r.records.for_each([&](const ps_header& h) {
      ++r.report.records;
      return fn(h);
    });
  });
  return {};
}

Status CaptureReader::for_each_between(uint64_t from_ns, uint64_t to_ns,
                                       const std::function<bool(const ps_header&)>& fn) {
  Impl& r = *impl_;
  r.reset_report();
  std::optional<uint32_t> last_seq;
  for (size_t i = 0; i < r.chunks.size(); ++i) {
    const ChunkInfo& c = r.chunks[i];
    if (c.last_ts_ns < from_ns || c.first_ts_ns >= to_ns) continue;
    format::ChunkFrame f{};
    std::string why;
    if (c.offset > r.data_end || r.read_frame(c.offset, r.data_end, f, why) != Impl::Damage::kNone) {
      ++r.report.chunks_corrupt;
      r.report.problems.push_back(at_offset(i, c.offset) + ": " + (why.empty() ? "outside the file" : why));
      continue;
    }
    if (!r.fresh_seq(last_seq, i, c.offset, f)) continue;
    if (!r.decode(i, c.offset, f)) continue;
    bool go = r.records.for_each([&](const ps_header& h) {
      if (h.ts_ns < from_ns || h.ts_ns >= to_ns) return true;
      ++r.report.records;
      return fn(h);
    });
    if (!go) break;
  }
  return {};
}

}  // namespace pagescope::capture
