/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every record pagescope stores, defined once for both sides: the BPF programs
 * (compiled with clang -target bpf against vmlinux.h) and the C++ inspector.
 *
 * Rules: fixed-width fields only, explicit padding, every struct's size
 * asserted below. A record starts with struct ps_header; `size` is the whole
 * record in bytes, so a reader can skip kinds it does not know. Adding a kind
 * or appending fields to the end of a record is compatible (bump
 * PS_FORMAT_MINOR); changing a field's meaning or offset bumps PS_FORMAT_MAJOR.
 */
#ifndef PAGESCOPE_EVENTS_H
#define PAGESCOPE_EVENTS_H

#if defined(__bpf__)
/* vmlinux.h (included before this header) provides __u8 .. __u64. */
#else
#include <linux/types.h>
#endif

#define PS_FORMAT_MAJOR 1
#define PS_FORMAT_MINOR 5 /* 1.1: reclaim, swap, TLB and OOM records; 1.2: access and content samples;
                            1.3: the header says which sources were on (kTagSources);
                            1.4: ps_mmap_file, the file of an mmap named when it is made;
                            1.5: ps_compaction, ps_order_counts, buddyinfo/pagetypeinfo/slabinfo samples;
                                 ps_signal, SIGSEGV and SIGBUS with their address */

#define PS_COMM_LEN 16
#define PS_PATH_LEN 256

enum ps_event_kind {
	PS_EV_NONE = 0,
	/* From BPF programs. */
	PS_EV_FAULT = 1,      /* struct ps_fault */
	PS_EV_MMAP = 2,       /* struct ps_mm_syscall, for each memory syscall */
	PS_EV_MUNMAP = 3,
	PS_EV_MPROTECT = 4,
	PS_EV_MREMAP = 5,
	PS_EV_BRK = 6,
	PS_EV_MADVISE = 7,
	PS_EV_SHMAT = 8,
	PS_EV_SHMDT = 9,
	PS_EV_FORK = 10,      /* struct ps_fork */
	PS_EV_EXEC = 11,      /* struct ps_exec */
	PS_EV_EXIT = 12,      /* struct ps_exit */
	/* Memory pressure (format 1.1). */
	PS_EV_RECLAIM = 13,    /* struct ps_reclaim: kswapd wake/sleep, direct and memcg reclaim */
	PS_EV_LRU_SHRINK = 14, /* struct ps_lru_shrink: one pass over an inactive LRU list */
	PS_EV_WRITE_FOLIO = 15,/* struct ps_write_folio: reclaim wrote a folio (anon: swap-out) */
	PS_EV_SWAP_ENTS = 16,  /* struct ps_swap_ents: a process's swap-entry count changed */
	PS_EV_TLB_FLUSH = 17,  /* struct ps_tlb_flush */
	PS_EV_OOM_VICTIM = 18, /* struct ps_oom_victim */
	PS_EV_MMAP_FILE = 19,  /* struct ps_mmap_file: the file a successful mmap of an fd mapped */
	/* Fragmentation and kernel memory (format 1.5). */
	PS_EV_COMPACTION = 20, /* struct ps_compaction: compaction of a zone begins/ends, direct compaction tried */
	PS_EV_SIGNAL = 21,     /* struct ps_signal: SIGSEGV or SIGBUS sent to a traced task (format 1.5) */
	/* Written by the recorder itself. */
	PS_EV_PROC_FILE = 64, /* struct ps_proc_file + text */
	PS_EV_LOST = 65,      /* struct ps_lost */
	PS_EV_TARGET = 66,    /* struct ps_target */
	/* Sampling (format 1.2). */
	PS_EV_ACCESS_BITS = 67,      /* struct ps_access_bits + bitmaps */
	PS_EV_ACCESS_INTERVAL = 68,  /* struct ps_access_interval */
	PS_EV_PAGE_CONTENT = 69,     /* struct ps_page_content */
	PS_EV_COMPRESS_CALIBRATION = 70, /* struct ps_compress_calibration */
	/* Kernel memory (format 1.5). */
	PS_EV_ORDER_COUNTS = 71,     /* struct ps_order_counts: in-kernel per-order counters, read per sample */
	PS_EV_KIND_MAX = 128,
};

/* Common header of every record. ts_ns is CLOCK_MONOTONIC (bpf_ktime_get_ns). */
struct ps_header {
	__u16 kind;  /* enum ps_event_kind */
	__u16 cpu;
	__u32 size;  /* whole record, header included */
	__u64 ts_ns;
	__u32 pid;   /* thread-group id (user-space "pid") */
	__u32 tid;   /* thread id */
};

/* x86 page-fault error code bits (arch/x86/include/asm/trap_pf.h). */
#define PS_PF_PROT  (1u << 0)  /* 0: page not present, 1: protection violation */
#define PS_PF_WRITE (1u << 1)
#define PS_PF_USER  (1u << 2)
#define PS_PF_RSVD  (1u << 3)
#define PS_PF_INSTR (1u << 4)  /* instruction fetch */
#define PS_PF_PK    (1u << 5)

/* ps_fault.flags */
#define PS_FAULT_MAJOR      (1u << 0) /* accounted as major (maj_flt) */
#define PS_FAULT_KERNEL     (1u << 1) /* taken in kernel mode (e.g. copy_to_user) */
#define PS_FAULT_ERR_KNOWN  (1u << 2) /* error_code is valid */
#define PS_FAULT_ACCOUNTED  (1u << 3) /* seen by the kernel's fault accounting */

/*
 * One page fault. With the perf-event source, one record per fault the kernel
 * accounted (what getrusage counts, minus GUP faults which have no regs);
 * without it, one per exception entry (retries included).
 */
struct ps_fault {
	struct ps_header hdr;
	__u64 address;
	__u64 ip;
	__u32 error_code; /* PS_PF_* */
	__u32 flags;      /* PS_FAULT_* */
};

/*
 * A memory syscall, written when it returns: arguments as passed (unused ones
 * zero), its result, and how long it took. hdr.ts_ns is the return time so the
 * effect is visible from then on.
 */
struct ps_mm_syscall {
	struct ps_header hdr;
	__u64 args[6];
	__s64 ret;
	__u64 duration_ns;
};

/*
 * The file behind a successful mmap of an fd, read from the fd's struct file
 * when the call returns and written right after its ps_mm_syscall (same
 * ts_ns), so a reader knows the file before the mapping's first fault, even
 * for a process gone before any /proc snapshot. `names` holds the path's
 * components leaf first, each NUL-terminated (lib, libc.so.6 → "libc.so.6\0
 * lib\0usr\0" for /usr/lib/libc.so.6), crossing mount points up to the
 * mount namespace's root; PS_MMAP_FILE_TRUNCATED when they did not fit or the
 * walk stopped early (the components present are the innermost ones).
 */
#define PS_MMAP_FILE_TRUNCATED (1u << 0)
#define PS_MMAP_FILE_NAMES 512

struct ps_mmap_file {
	struct ps_header hdr;
	__u64 start;            /* the mmap's result */
	__u64 len;              /* its length argument */
	__u64 offset;           /* the mmap's offset in the file, bytes */
	__u64 ino;              /* the file's inode number */
	__u32 dev;              /* its superblock's s_dev (kernel encoding: major << 20 | minor) */
	__u16 depth;            /* components in names */
	__u16 flags;            /* PS_MMAP_FILE_* */
	char names[PS_MMAP_FILE_NAMES];
};

#define PS_FORK_THREAD    (1u << 0) /* a new thread of the same process */
#define PS_FORK_VFORK     (1u << 1) /* a new process that shares the parent's mm until exec (vfork, CLONE_VM) */

struct ps_fork {
	struct ps_header hdr;   /* pid/tid: the parent */
	__u32 child_pid;
	__u32 child_tid;
	__u32 flags;            /* PS_FORK_* */
	__u32 _pad;
	char comm[PS_COMM_LEN];
};

struct ps_exec {
	struct ps_header hdr;
	__u32 old_tid;          /* the tid that called exec (a non-leader thread takes over) */
	__u32 _pad;
	char comm[PS_COMM_LEN];
	char filename[PS_PATH_LEN];
};

#define PS_EXIT_GROUP_DEAD (1u << 0) /* last thread: the process is gone */

struct ps_exit {
	struct ps_header hdr;
	__s32 exit_code;
	__u32 flags;            /* PS_EXIT_* */
	__u64 min_flt;          /* this thread's own counters at exit */
	__u64 maj_flt;
	char comm[PS_COMM_LEN];
};

enum ps_proc_file_which {
	PS_PROC_MAPS = 1,   /* /proc/PID/maps */
	PS_PROC_STATUS = 2, /* /proc/PID/status */
	/* System context, sampled once per interval; hdr.pid = 0. */
	PS_PROC_VMSTAT = 3,      /* /proc/vmstat */
	PS_PROC_PSI_MEMORY = 4,  /* /proc/pressure/memory */
	PS_PROC_MEMINFO = 5,     /* /proc/meminfo */
	PS_PROC_MEMCG = 6,       /* the traced cgroup: "usage N\nlimit N\n" then its memory.stat */
	PS_PROC_SMAPS = 7,       /* /proc/PID/smaps (working-set sampling) */
	/* Format 1.5: system context too (hdr.pid = 0), with vmstat at the same instant. */
	PS_PROC_BUDDYINFO = 8,   /* /proc/buddyinfo: free blocks per node, zone and order */
	PS_PROC_PAGETYPEINFO = 9,/* /proc/pagetypeinfo: the same per migrate type, and pageblock size */
	PS_PROC_SLABINFO = 10,   /* /proc/slabinfo (root only) */
};

/* Text of a /proc file read at hdr.ts_ns; `length` bytes of text follow. */
struct ps_proc_file {
	struct ps_header hdr;
	__u32 which;        /* enum ps_proc_file_which */
	__u32 length;
	/* char text[length]; hdr.size = sizeof(struct ps_proc_file) + length */
};

/* Ring-buffer records the kernel could not reserve, summed over CPUs, since the last ps_lost. */
struct ps_lost {
	struct ps_header hdr;
	__u64 lost;
	__u64 lost_total;
};

enum ps_target_reason {
	PS_TARGET_COMMAND = 1, /* started by `record -- cmd` */
	PS_TARGET_ATTACH = 2,  /* named with -p */
};

/* A process the user asked to trace (the roots of the traced tree). */
struct ps_target {
	struct ps_header hdr;
	__u32 reason;       /* enum ps_target_reason */
	__u32 _pad;
};

enum ps_reclaim_what {
	PS_RECLAIM_KSWAPD_WAKE = 1,   /* hdr: the waker; nid, order */
	PS_RECLAIM_KSWAPD_SLEEP = 2,  /* hdr: kswapd; nid */
	PS_RECLAIM_DIRECT_BEGIN = 3,  /* hdr: the allocating task (it stalls); order, gfp_flags */
	PS_RECLAIM_DIRECT_END = 4,    /* nr_reclaimed, duration_ns = the stall */
	PS_RECLAIM_MEMCG_BEGIN = 5,   /* reclaim forced by a memory cgroup limit, in the charging task */
	PS_RECLAIM_MEMCG_END = 6,
};

struct ps_reclaim {
	struct ps_header hdr;
	__u32 what;          /* enum ps_reclaim_what */
	__s32 order;
	__u64 gfp_flags;
	__u64 nr_reclaimed;
	__u64 duration_ns;   /* *_END: time since the matching *_BEGIN of this task, 0 if unseen */
	__u32 nid;
	__u32 _pad;
};

/* reclaim_flags bits (include/trace/events/vmscan.h RECLAIM_WB_*) */
#define PS_RECLAIM_WB_ANON  0x0001u
#define PS_RECLAIM_WB_FILE  0x0002u
#define PS_RECLAIM_WB_SYNC  0x0004u
#define PS_RECLAIM_WB_ASYNC 0x0008u

/* vmscan:mm_vmscan_lru_shrink_inactive; hdr: the reclaiming task (kswapd or a direct reclaimer). */
struct ps_lru_shrink {
	struct ps_header hdr;
	__u32 nid;
	__s32 priority;
	__u64 nr_scanned;
	__u64 nr_reclaimed;
	__u64 nr_dirty;
	__u64 nr_writeback;
	__u64 nr_congested;
	__u64 nr_immediate;
	__u32 nr_activate_anon;
	__u32 nr_activate_file;
	__u64 nr_ref_keep;
	__u64 nr_unmap_fail;
	__u32 reclaim_flags;  /* PS_RECLAIM_WB_*: which list (anon or file) */
	__u32 _pad;
};

/* vmscan:mm_vmscan_write_folio; hdr: the reclaiming task. */
#define PS_PFN_UNKNOWN (~0ull) /* format 1.3: the tp_btf program cannot compute the pfn */
struct ps_write_folio {
	struct ps_header hdr;
	__u64 pfn;            /* PS_PFN_UNKNOWN since format 1.3 */
	__u32 reclaim_flags;  /* PS_RECLAIM_WB_ANON: a swap-out; FILE: writeback */
	__u32 _pad;
};

/*
 * A traced process's swap-entry count (kmem:rss_stat, MM_SWAPENTS), sampled when
 * it changes. hdr.pid is the mm's owner (whose pages moved), hdr.tid the task
 * that changed it (kswapd or a reclaimer for swap-outs). The count is the
 * kernel's percpu_counter read, exact to within its per-CPU batch.
 */
struct ps_swap_ents {
	struct ps_header hdr;
	__s64 swap_pages;
	__u32 by_owner;       /* 1 when the owner itself made the change */
	__u32 _pad;
};

/* enum tlb_flush_reason (include/linux/mm_types.h) */
enum ps_tlb_reason {
	PS_TLB_FLUSH_ON_TASK_SWITCH = 0,
	PS_TLB_REMOTE_SHOOTDOWN = 1,
	PS_TLB_LOCAL_SHOOTDOWN = 2,
	PS_TLB_LOCAL_MM_SHOOTDOWN = 3,
	PS_TLB_REMOTE_SEND_IPI = 4,
};

/* tlb:tlb_flush in a traced task's context. */
struct ps_tlb_flush {
	struct ps_header hdr;
	__u32 reason;         /* enum ps_tlb_reason */
	__u32 _pad;
	__s64 pages;          /* pages flushed; -1 (TLB_FLUSH_ALL) for a full flush */
};

/* oom:mark_victim: the OOM killer chose a victim (recorded for every process). */
struct ps_oom_victim {
	struct ps_header hdr;  /* pid/tid: the task running the OOM killer */
	__u32 victim_pid;
	__s32 oom_score_adj;
	__u64 total_vm_kb;
	__u64 anon_rss_kb;
	__u64 file_rss_kb;
	__u64 shmem_rss_kb;
	__u64 memcg_id;        /* the victim's memory cgroup (cgroup id), 0 if unknown */
	char comm[PS_COMM_LEN];
};

/*
 * Access sampling (record --access-interval). Once per interval and process
 * the accessed bits are cleared; at the interval's end each mapped page's
 * page-table bits are read back. One ps_access_bits per range of pages of
 * one size (a VMA, or the part of one that a huge mapping covers), then one
 * ps_access_interval that closes the interval for that process. A process
 * with an interval record and no bits records touched no page.
 */
enum ps_access_source {
	PS_ACCESS_SRC_PTE_WALK = 1,   /* BPF walk of the process's page tables */
	PS_ACCESS_SRC_IDLE_PAGE = 2,  /* /sys/kernel/mm/page_idle */
	PS_ACCESS_SRC_DAMON_VADDR = 3,/* DAMON virtual-address monitoring (region-granular) */
};

#define PS_ACCESS_TRUNCATED (1u << 0) /* the per-interval work bound was hit: later ranges missing */
#define PS_ACCESS_PARTIAL   (1u << 1) /* some reads failed (a concurrent unmap): those pages read as 0 */

struct ps_access_bits {
	struct ps_header hdr;  /* pid: the process; ts_ns: when the bits were read (interval end) */
	__u64 start;           /* address of the first page */
	__u32 pages;           /* pages covered, each (1 << page_shift) bytes */
	__u8 page_shift;       /* 12; 21 or 30 for huge mappings (reported at their size) */
	__u8 source;           /* enum ps_access_source */
	__u16 flags;           /* PS_ACCESS_* */
	/*
	 * Then three bitmaps of words = (pages + 63) / 64 __u64 each, bit i of
	 * word i / 64 for page i: present[words], accessed[words], dirty[words].
	 * hdr.size = sizeof(struct ps_access_bits) + 3 * 8 * words.
	 */
};

struct ps_access_interval {
	struct ps_header hdr;  /* pid: the process; ts_ns: interval end (same as its bits records) */
	__u64 begin_ns;        /* when the accessed bits were cleared */
	__u64 walk_ns;         /* time spent reading the bits */
	__u64 pages_present;   /* summed over the interval's ps_access_bits, in 4 KiB pages */
	__u64 pages_accessed;
	__u32 source;          /* enum ps_access_source */
	__u32 flags;           /* PS_ACCESS_* */
};

/*
 * Content sampling (record --sample-contents): how well one resident page
 * compresses. Page contents are never stored, only sizes.
 */
enum ps_compressor_id {
	PS_COMP_LZ4 = 0,
	PS_COMP_ZSTD = 1,
	PS_COMP_LZO = 2,
	PS_COMP_COUNT = 4,      /* slots in ps_page_content.compressed */
};

#define PS_PAGE_ZERO        (1u << 0) /* every byte zero */
#define PS_PAGE_SAME_FILLED (1u << 1) /* one repeated 8-byte word (zero included) */

struct ps_page_content {
	struct ps_header hdr;   /* pid: the process; ts_ns: when the page was read */
	__u64 address;          /* the page's virtual address */
	__u32 flags;            /* PS_PAGE_* */
	__u16 compressed[PS_COMP_COUNT]; /* bytes after each compressor; 0: not measured */
	__u32 _pad;
};

/* This host's cost of one compressor, measured on sampled pages at record time. */
struct ps_compress_calibration {
	struct ps_header hdr;   /* pid 0 */
	__u32 compressor;       /* enum ps_compressor_id */
	__u32 pages;            /* pages measured */
	__u64 compress_ns;      /* total over `pages` */
	__u64 decompress_ns;
};

/*
 * SIGSEGV or SIGBUS generated for a traced task (tp_btf signal_generate):
 * a memory access the kernel refused (si_code > 0: SEGV_MAPERR no mapping,
 * SEGV_ACCERR not allowed, BUS_ADRERR past a file's end, ...) with the
 * address it tried, or one sent by a process (si_code <= 0, kill/tgkill).
 * hdr.pid/tid: the task the signal is for. A refused access is not a counted
 * fault, so no ps_fault precedes it.
 */
struct ps_signal {
	struct ps_header hdr;
	__u32 signo;        /* 11 SIGSEGV, 7 SIGBUS */
	__s32 code;         /* si_code */
	__u64 addr;         /* si_addr: the address of the refused access (0 when sent) */
	__u64 ip;           /* the task's user instruction pointer */
	__u32 sender_pid;   /* the process that generated it (the task itself for a fault) */
	__s32 result;       /* the tracepoint's result: 0 delivered, 1 ignored, 2 already pending, ... */
};

/*
 * Compaction (format 1.5), recorded for every task: it is rare, and the
 * zone's free blocks it makes serve everyone. BEGIN/END: compact_zone() of
 * mm/compaction.c (tp_btf mm_compaction_begin/end), in the task that
 * compacts: an allocating task (PS_COMPACT_DIRECT: the time it stalls),
 * kcompactd, or a writer of /proc/sys/vm/compact_memory (order -1, whole
 * zone). TRY: try_to_compact_pages(), where an allocation enters direct
 * compaction (mm_compaction_try_to_compact_pages); the kernel's compact_stall
 * counts those that were not skipped.
 */
enum ps_compaction_what {
	PS_COMPACT_BEGIN = 1,
	PS_COMPACT_END = 2,
	PS_COMPACT_TRY = 3,
};

#define PS_COMPACT_SYNC      (1u << 0) /* cc->mode != MIGRATE_ASYNC (the tracepoint's `sync`) */
#define PS_COMPACT_DIRECT    (1u << 1) /* cc->direct_compaction: an allocation waits for it */
#define PS_COMPACT_PROACTIVE (1u << 2) /* cc->proactive_compaction (vm.compaction_proactiveness) */
#define PS_COMPACT_WHOLE     (1u << 3) /* cc->whole_zone */

struct ps_compaction {
	struct ps_header hdr;   /* pid/tid: the compacting task */
	__u32 what;             /* enum ps_compaction_what */
	__s32 order;            /* cc->order (-1: the whole zone); TRY: the allocation's order */
	__s32 status;           /* END: enum compact_result; TRY: enum compact_priority */
	__u32 flags;            /* PS_COMPACT_*; 0 for TRY */
	__u64 gfp_flags;        /* TRY: the allocation's gfp mask */
	__u64 duration_ns;      /* END: since the BEGIN of this task, 0 if unseen */
	__u64 migrate_scanned;  /* END: cc->total_migrate_scanned */
	__u64 free_scanned;     /* END: cc->total_free_scanned */
	__u16 nid;              /* BEGIN/END: the zone's node */
	__u16 zone_idx;         /* BEGIN/END: zone index in its node (0 DMA, 1 DMA32, 2 Normal on x86-64) */
	__u32 _pad;
};

/*
 * Counters the kernel keeps per CPU in a BPF array and the recorder reads and
 * sums at each system sample (format 1.5): totals since the recording
 * started, never streamed per event (mm_page_alloc fires for every
 * allocation). Orders past PS_ORDER_SLOTS - 1 count in the last slot.
 */
#define PS_ORDER_SLOTS 16
#define PS_ORDER_ALLOCS  (1u << 0) /* page_allocs counted (tp_btf mm_page_alloc attached) */
#define PS_ORDER_EXTFRAG (1u << 1) /* extfrag_* counted (tp_btf mm_page_alloc_extfrag attached) */

struct ps_order_counts {
	struct ps_header hdr;   /* pid 0; ts_ns: when the maps were read */
	__u32 flags;            /* PS_ORDER_* */
	__u32 slots;            /* PS_ORDER_SLOTS */
	__u64 page_allocs[PS_ORDER_SLOTS];      /* successful page allocations (blocks) by order */
	__u64 extfrag_by_alloc[PS_ORDER_SLOTS]; /* fallbacks to another migrate type, by requested order */
	__u64 extfrag_by_fallback[PS_ORDER_SLOTS]; /* the same, by the order of the block taken */
};

#ifdef __cplusplus
#define PS_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define PS_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
PS_STATIC_ASSERT(sizeof(struct ps_header) == 24, "ps_header layout");
PS_STATIC_ASSERT(sizeof(struct ps_fault) == 48, "ps_fault layout");
PS_STATIC_ASSERT(sizeof(struct ps_mm_syscall) == 88, "ps_mm_syscall layout");
PS_STATIC_ASSERT(sizeof(struct ps_mmap_file) == 576, "ps_mmap_file layout");
PS_STATIC_ASSERT(sizeof(struct ps_fork) == 56, "ps_fork layout");
PS_STATIC_ASSERT(sizeof(struct ps_exec) == 304, "ps_exec layout");
PS_STATIC_ASSERT(sizeof(struct ps_exit) == 64, "ps_exit layout");
PS_STATIC_ASSERT(sizeof(struct ps_proc_file) == 32, "ps_proc_file layout");
PS_STATIC_ASSERT(sizeof(struct ps_lost) == 40, "ps_lost layout");
PS_STATIC_ASSERT(sizeof(struct ps_target) == 32, "ps_target layout");
PS_STATIC_ASSERT(sizeof(struct ps_reclaim) == 64, "ps_reclaim layout");
PS_STATIC_ASSERT(sizeof(struct ps_lru_shrink) == 112, "ps_lru_shrink layout");
PS_STATIC_ASSERT(sizeof(struct ps_write_folio) == 40, "ps_write_folio layout");
PS_STATIC_ASSERT(sizeof(struct ps_swap_ents) == 40, "ps_swap_ents layout");
PS_STATIC_ASSERT(sizeof(struct ps_tlb_flush) == 40, "ps_tlb_flush layout");
PS_STATIC_ASSERT(sizeof(struct ps_oom_victim) == 88, "ps_oom_victim layout");
PS_STATIC_ASSERT(sizeof(struct ps_access_bits) == 40, "ps_access_bits layout");
PS_STATIC_ASSERT(sizeof(struct ps_access_interval) == 64, "ps_access_interval layout");
PS_STATIC_ASSERT(sizeof(struct ps_page_content) == 48, "ps_page_content layout");
PS_STATIC_ASSERT(sizeof(struct ps_compress_calibration) == 48, "ps_compress_calibration layout");
PS_STATIC_ASSERT(sizeof(struct ps_signal) == 56, "ps_signal layout");
PS_STATIC_ASSERT(sizeof(struct ps_compaction) == 80, "ps_compaction layout");
PS_STATIC_ASSERT(sizeof(struct ps_order_counts) == 416, "ps_order_counts layout");

#endif /* PAGESCOPE_EVENTS_H */
