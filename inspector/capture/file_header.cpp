#include "inspector/capture/file_header.h"

#include <cstring>

#include "events.h"
#include "inspector/capture/crc32c.h"
#include "inspector/capture/file_io.h"
#include "inspector/capture/format.h"

namespace pagescope::capture {
namespace {

using format::HostTag;

void put_tlv(std::vector<uint8_t>& out, HostTag tag, const void* data, size_t len) {
  format::HostTlvHead head{tag, static_cast<uint32_t>(len)};
  const auto* h = reinterpret_cast<const uint8_t*>(&head);
  out.insert(out.end(), h, h + sizeof head);
  const auto* d = static_cast<const uint8_t*>(data);
  out.insert(out.end(), d, d + len);
}
void put_string(std::vector<uint8_t>& out, HostTag tag, const std::string& s) {
  put_tlv(out, tag, s.data(), s.size());
}
template <typename T>
void put_number(std::vector<uint8_t>& out, HostTag tag, T v) {
  put_tlv(out, tag, &v, sizeof v);
}

template <typename T>
bool get_number(const uint8_t* p, uint32_t len, T& v) {
  if (len != sizeof v) return false;
  std::memcpy(&v, p, sizeof v);
  return true;
}

// Host facts are CRC-checked, so a malformed TLV means a writer bug; it is
// still an Error, not a crash.
Status parse_host(const std::vector<uint8_t>& tlv, HostInfo& host) {
  size_t at = 0;
  bool sources_seen = false;
  while (at < tlv.size()) {
    format::HostTlvHead head;
    if (tlv.size() - at < sizeof head) return Error{"host facts end inside an entry"};
    std::memcpy(&head, tlv.data() + at, sizeof head);
    at += sizeof head;
    if (head.length > tlv.size() - at) return Error{"host fact runs past the header"};
    const uint8_t* p = tlv.data() + at;
    std::string text(reinterpret_cast<const char*>(p), head.length);
    bool ok = true;
    switch (head.tag) {
      case format::kTagKernelRelease: host.kernel_release = text; break;
      case format::kTagHostname: host.hostname = text; break;
      case format::kTagCommandLine: host.command_line = text; break;
      case format::kTagFeatures: host.features = text; break;
      case format::kTagClockSource: host.clock_source = text; break;
      case format::kTagPageSize: ok = get_number(p, head.length, host.page_size); break;
      case format::kTagCpuCount: ok = get_number(p, head.length, host.cpu_count); break;
      case format::kTagRealtimeOffset: ok = get_number(p, head.length, host.realtime_offset_ns); break;
      case format::kTagStartNs: ok = get_number(p, head.length, host.start_ns); break;
      case format::kTagSources:
        host.sources = SourceSet::decode(text);
        sources_seen = true;
        break;
      default: break;  // a fact from a newer minor version
    }
    if (!ok) return Error{"host fact " + std::to_string(head.tag) + " has the wrong length"};
    at += head.length;
  }
  if (!sources_seen) host.sources = SourceSet::from_legacy_features(host.features);
  return {};
}

}  // namespace

std::vector<uint8_t> encode_file_header(const HostInfo& host) {
  std::vector<uint8_t> tlv;
  put_string(tlv, format::kTagKernelRelease, host.kernel_release);
  put_string(tlv, format::kTagHostname, host.hostname);
  put_string(tlv, format::kTagCommandLine, host.command_line);
  put_string(tlv, format::kTagFeatures, host.features);
  put_number(tlv, format::kTagPageSize, host.page_size);
  put_number(tlv, format::kTagCpuCount, host.cpu_count);
  put_string(tlv, format::kTagClockSource, host.clock_source);
  put_number(tlv, format::kTagRealtimeOffset, host.realtime_offset_ns);
  put_number(tlv, format::kTagStartNs, host.start_ns);
  if (host.sources.known()) put_string(tlv, format::kTagSources, host.sources.encode());

  format::FileHeader h{};
  std::memcpy(h.magic, format::kFileMagic, sizeof h.magic);
  h.format_major = PS_FORMAT_MAJOR;
  h.format_minor = PS_FORMAT_MINOR;
  h.host_len = static_cast<uint32_t>(tlv.size());
  h.host_crc = crc32c(tlv.data(), tlv.size());
  h.header_crc = crc32c(&h, offsetof(format::FileHeader, header_crc));

  std::vector<uint8_t> out(sizeof h + tlv.size());
  std::memcpy(out.data(), &h, sizeof h);
  if (!tlv.empty()) std::memcpy(out.data() + sizeof h, tlv.data(), tlv.size());
  return out;
}

Result<FileHeaderInfo> read_file_header(int fd, uint64_t file_size, const std::string& path) {
  if (file_size == 0) return Error{path + ": empty file (no capture header)"};
  format::FileHeader h{};
  size_t have = file_size < sizeof h ? static_cast<size_t>(file_size) : sizeof h;
  if (!read_exact(fd, &h, have, 0)) return Error{path + ": cannot read the capture header"};
  size_t magic_bytes = have < sizeof h.magic ? have : sizeof h.magic;
  if (std::memcmp(h.magic, format::kFileMagic, magic_bytes) != 0)
    return Error{path + ": not a pagescope capture (bad magic)"};
  if (have < sizeof h)
    return Error{path + ": truncated capture header (" + std::to_string(have) + " of " +
                 std::to_string(sizeof h) + " bytes)"};
  if (h.format_major != PS_FORMAT_MAJOR)
    return Error{path + ": unsupported capture format version " + std::to_string(h.format_major) + "." +
                 std::to_string(h.format_minor) + " (this build reads " + std::to_string(PS_FORMAT_MAJOR) +
                 ".x)"};
  if (crc32c(&h, offsetof(format::FileHeader, header_crc)) != h.header_crc)
    return Error{path + ": corrupt capture header (CRC mismatch)"};
  if (h.host_len > file_size - sizeof h)
    return Error{path + ": truncated capture header (host facts cut short)"};
  if (h.host_len > (1u << 24)) return Error{path + ": corrupt capture header (implausible host facts length)"};

  std::vector<uint8_t> tlv(h.host_len);
  if (!read_exact(fd, tlv.data(), tlv.size(), sizeof h)) return Error{path + ": cannot read the host facts"};
  if (crc32c(tlv.data(), tlv.size()) != h.host_crc)
    return Error{path + ": corrupt capture header (host facts CRC mismatch)"};

  FileHeaderInfo info;
  info.format_major = h.format_major;
  info.format_minor = h.format_minor;
  if (auto st = parse_host(tlv, info.host); !st) return Error{path + ": corrupt capture header (" + st.message() + ")"};
  info.data_start = sizeof h + h.host_len;
  return info;
}

}  // namespace pagescope::capture
