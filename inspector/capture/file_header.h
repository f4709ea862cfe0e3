// The file header and its host facts: encoding for the writer, validation for
// the reader (magic first, then the major version, then the CRCs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "inspector/capture/host_info.h"

namespace pagescope::capture {

// FileHeader followed by the host-fact TLVs, ready to write at offset 0.
std::vector<uint8_t> encode_file_header(const HostInfo& host);

struct FileHeaderInfo {
  uint16_t format_major = 0;
  uint16_t format_minor = 0;
  HostInfo host;
  uint64_t data_start = 0;  // offset of the first chunk frame
};

// Reads and validates the header of an open file of `file_size` bytes. Error
// messages start with `path`.
Result<FileHeaderInfo> read_file_header(int fd, uint64_t file_size, const std::string& path);

}  // namespace pagescope::capture
