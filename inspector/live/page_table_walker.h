// Reads another process's page tables with the access_walk BPF programs:
// present/accessed/dirty per 4 KiB page, huge mappings at their size. The
// programs run synchronously (BPF_PROG_TEST_RUN), so a walk is a series of
// bounded calls the caller can spread over time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "access_walk.h"
#include "common/result.h"

struct access_walk_bpf;

namespace pagescope::live {

struct WalkBatch {
  std::span<const ps_walk_chunk> chunks;  // valid until the next walk()
  uint64_t next = 0;                      // continue here; >= end when the range is done
  uint32_t failed_reads = 0;
  uint32_t tables_read = 0;
};

class PageTableWalker {
 public:
  // Loads the programs and finds the direct map. Fails with a one-line reason
  // (no root, BPF refused, physical addresses hidden, direct map not found).
  static Result<std::unique_ptr<PageTableWalker>> open();
  ~PageTableWalker();
  PageTableWalker(const PageTableWalker&) = delete;
  PageTableWalker& operator=(const PageTableWalker&) = delete;

  // Walks [start, end) of pid's page tables, returning at most max_chunks
  // populated 2 MiB (or huge) chunks. ErrorKind::kUnsupported when the process
  // is gone (no task or no mm).
  Result<WalkBatch> walk(uint32_t pid, uint64_t start, uint64_t end,
                         uint32_t max_chunks = PS_WALK_MAX_CHUNKS);

 private:
  PageTableWalker() = default;
  access_walk_bpf* skel_ = nullptr;
};

}  // namespace pagescope::live
