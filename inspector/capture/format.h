// The on-disk structures of a capture file, in file order. Every integer is
// little-endian; docs/capture-format.md describes the same bytes in prose.
//
//   FileHeader | host facts (TLV) | ChunkFrame+payload ... | Footer | Trailer
//
// Only the magic and the two version fields are fixed for all time: a reader
// checks them before trusting anything else (see PS_FORMAT_MAJOR in events.h).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

namespace pagescope::capture::format {

static_assert(std::endian::native == std::endian::little,
              "the capture format is little-endian; add byte swapping for this target");

// PNG-style: a high byte catches 7-bit transfers, CR LF / SUB / LF catch
// newline translation and `type` on Windows.
inline constexpr uint8_t kFileMagic[8] = {0x89, 'P', 'S', 'C', '\r', '\n', 0x1a, '\n'};

struct FileHeader {
  uint8_t magic[8];
  uint16_t format_major;  // PS_FORMAT_MAJOR of the writer
  uint16_t format_minor;  // PS_FORMAT_MINOR of the writer
  uint32_t flags;         // 0; reserved
  uint32_t host_len;      // bytes of host-fact TLVs that follow this header
  uint32_t host_crc;      // CRC32C of those bytes
  uint32_t reserved;      // 0
  uint32_t header_crc;    // CRC32C of bytes [0, 28) of this header
};
static_assert(sizeof(FileHeader) == 32);
static_assert(offsetof(FileHeader, header_crc) == 28);

// Host facts: a sequence of {u16 tag, u32 length, length bytes}. Unknown tags
// are skipped, so facts can be added in a minor version.
struct HostTlvHead {
  uint16_t tag;
  uint32_t length;
} __attribute__((packed));
static_assert(sizeof(HostTlvHead) == 6);

enum HostTag : uint16_t {
  kTagKernelRelease = 1,    // string
  kTagHostname = 2,         // string
  kTagCommandLine = 3,      // string
  kTagFeatures = 4,         // string
  kTagPageSize = 5,         // u32
  kTagCpuCount = 6,         // u32
  kTagClockSource = 7,      // string
  kTagRealtimeOffset = 8,   // i64
  kTagStartNs = 9,          // u64
  kTagSources = 10,         // string: SourceSet::encode(), one "name\tstate\tdetail" per line (1.3)
};

// "PSCK": the reader resynchronizes on this after a corrupt chunk.
inline constexpr uint32_t kChunkMagic = 0x4b435350;

enum Transform : uint8_t {
  kTransformRows = 0,     // payload decompresses to the records as appended
  kTransformColumns = 1,  // payload decompresses to the column layout (column_transform.h)
};

struct ChunkFrame {
  uint32_t magic;        // kChunkMagic
  uint8_t codec;         // Codec: 0 none, 1 zstd, 2 lz4
  uint8_t transform;     // Transform
  uint16_t reserved;     // 0
  uint32_t payload_len;  // compressed bytes following this frame header
  uint32_t encoded_len;  // bytes after decompression (the transform's output)
  uint32_t raw_len;      // sum of the records' sizes
  uint32_t records;
  uint64_t first_ts_ns;  // smallest ts_ns in the chunk (records are not strictly ts-ordered)
  uint64_t last_ts_ns;   // largest ts_ns in the chunk
  uint32_t seq;          // 0, 1, 2 ... in write order
  uint32_t crc;          // CRC32C of bytes [0, 44) of this header, then of the payload
};
static_assert(sizeof(ChunkFrame) == 48);
static_assert(offsetof(ChunkFrame, crc) == 44);

// Limits a reader enforces before allocating: larger values mean corruption.
inline constexpr uint32_t kMaxRecordBytes = 16u << 20;
inline constexpr uint32_t kMaxChunkBytes = 256u << 20;  // payload, encoded and raw lengths

// "PSIX": the chunk index written by close().
inline constexpr uint32_t kFooterMagic = 0x58495350;

struct FooterHead {
  uint32_t magic;   // kFooterMagic
  uint32_t chunks;  // FooterEntry count that follows
};
static_assert(sizeof(FooterHead) == 8);

struct FooterEntry {
  uint64_t offset;  // of the ChunkFrame in the file
  uint64_t first_ts_ns;
  uint64_t last_ts_ns;
  uint32_t records;
  uint32_t reserved;  // 0
};
static_assert(sizeof(FooterEntry) == 32);
// The footer ends with a u32 CRC32C of FooterHead and the entries, and a u32 0.

// "PSEN": the last 32 bytes of a cleanly closed file.
inline constexpr uint32_t kTrailerMagic = 0x4e455350;

struct Trailer {
  uint64_t footer_offset;
  uint64_t footer_len;     // FooterHead + entries + crc + pad
  uint64_t records;        // total records in the file
  uint32_t crc;            // CRC32C of bytes [0, 24) of this trailer
  uint32_t magic;          // kTrailerMagic
};
static_assert(sizeof(Trailer) == 32);

inline size_t footer_bytes(size_t chunks) {
  return sizeof(FooterHead) + chunks * sizeof(FooterEntry) + 8;
}

}  // namespace pagescope::capture::format
