// Human names of the record kinds in bpf/events.h, for tables and JSON.
#pragma once

#include "events.h"

namespace pagescope {

inline const char* event_kind_name(int kind) {
  switch (kind) {
    case PS_EV_FAULT: return "fault";
    case PS_EV_MMAP: return "mmap";
    case PS_EV_MUNMAP: return "munmap";
    case PS_EV_MPROTECT: return "mprotect";
    case PS_EV_MREMAP: return "mremap";
    case PS_EV_BRK: return "brk";
    case PS_EV_MADVISE: return "madvise";
    case PS_EV_SHMAT: return "shmat";
    case PS_EV_SHMDT: return "shmdt";
    case PS_EV_FORK: return "fork";
    case PS_EV_EXEC: return "exec";
    case PS_EV_EXIT: return "exit";
    case PS_EV_RECLAIM: return "reclaim";
    case PS_EV_LRU_SHRINK: return "lru_shrink";
    case PS_EV_WRITE_FOLIO: return "write_folio";
    case PS_EV_SWAP_ENTS: return "swap_ents";
    case PS_EV_TLB_FLUSH: return "tlb_flush";
    case PS_EV_OOM_VICTIM: return "oom_victim";
    case PS_EV_SIGNAL: return "signal";
    case PS_EV_MMAP_FILE: return "mmap_file";
    case PS_EV_COMPACTION: return "compaction";
    case PS_EV_PROC_FILE: return "proc_file";
    case PS_EV_LOST: return "lost";
    case PS_EV_TARGET: return "target";
    case PS_EV_ACCESS_BITS: return "access_bits";
    case PS_EV_ACCESS_INTERVAL: return "access_interval";
    case PS_EV_PAGE_CONTENT: return "page_content";
    case PS_EV_COMPRESS_CALIBRATION: return "compress_calib";
    case PS_EV_ORDER_COUNTS: return "order_counts";
    default: return nullptr;  // a kind this build does not know
  }
}

}  // namespace pagescope
