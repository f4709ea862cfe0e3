// A reference trace ready to replay: page numbers remapped once, up front, to
// dense ids 0..pages-1 so every policy can keep its state in flat arrays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pagescope::sim {

using PageId = uint32_t;  // dense id, index into per-page arrays
inline constexpr PageId kNoPage = UINT32_MAX;

struct Trace {
  std::vector<PageId> refs;         // one per reference, in order
  std::vector<uint8_t> writes;      // 1 when that reference wrote the page
  std::vector<uint64_t> page_of;    // dense id -> original page number
  std::vector<uint32_t> pids;       // one per reference; empty when the source has none
  uint64_t page_size = 4096;        // bytes per page (1 when the source numbers pages itself)
  std::vector<std::string> caveats; // what the source could not deliver (lost events, corrupt chunks)

  size_t size() const { return refs.size(); }
  uint32_t distinct_pages() const { return static_cast<uint32_t>(page_of.size()); }
  bool has_writes() const;
};

// (pid, page number) -> dense id, in order of first reference. Shared by the
// loaded (TraceBuilder) and the streamed (TraceStream) path, so both number
// pages alike and every policy sees the same ids either way.
class PageIdMap {
 public:
  PageIdMap();
  PageId id_of(uint64_t page, uint32_t pid);
  uint32_t size() const { return static_cast<uint32_t>(page_of_.size()); }
  const std::vector<uint64_t>& page_of() const { return page_of_; }
  std::vector<uint64_t> take_page_of() { return std::move(page_of_); }

 private:
  void grow();
  std::vector<uint64_t> page_of_;  // dense id -> original page number
  // Open-addressing table page -> dense id (sparse page numbers can be 64-bit).
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> key_pids_;
  std::vector<PageId> vals_;
  uint64_t mask_ = 0;
};

// Builds a Trace from page numbers in reference order.
class TraceBuilder {
 public:
  explicit TraceBuilder(uint64_t page_size = 4096);
  void add(uint64_t page, bool write, uint32_t pid = 0);
  // Records pids only if at least one added reference carried a non-zero pid.
  Trace finish();

 private:
  Trace trace_;
  PageIdMap ids_;
  bool any_pid_ = false;
};

// The references of one process (for a per-process memory pool), same dense ids
// renumbered from 0.
std::vector<Trace> split_by_pid(const Trace& trace, std::vector<uint32_t>* pids_out);

}  // namespace pagescope::sim
