// CRC32C (Castagnoli, reflected polynomial 0x82F63B78, init and final xor
// 0xFFFFFFFF): the checksum of iSCSI, ext4 and btrfs. Uses the SSE4.2 crc32
// instruction when the CPU has it, slicing-by-8 tables otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pagescope::capture {

// crc32c(data) == crc32c_extend(0, data); extend lets a CRC run over pieces.
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t len);
inline uint32_t crc32c(const void* data, size_t len) { return crc32c_extend(0, data, len); }

// The portable path, exposed so tests can compare it with the hardware path.
uint32_t crc32c_extend_software(uint32_t crc, const void* data, size_t len);
bool crc32c_hardware_available();

}  // namespace pagescope::capture
