/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the page-table walker (access_walk.bpf.c) and its loader
 * (inspector/live/page_table_walker.cpp) exchange. These are not capture
 * records: the loader turns chunks into ps_access_bits records.
 *
 * Both programs are BPF_PROG_TYPE_SYSCALL, run synchronously by the recorder
 * with BPF_PROG_TEST_RUN; their context is the argument struct below, which
 * the kernel copies back to user space after the run (results included).
 */
#ifndef PAGESCOPE_ACCESS_WALK_H
#define PAGESCOPE_ACCESS_WALK_H

#if !defined(__bpf__)
#include <linux/types.h>
#endif

/* Chunks one walk call can return (each 2 MiB or more of address space). */
#define PS_WALK_MAX_CHUNKS 256

/* ps_walk_chunk.kind */
enum ps_walk_chunk_kind {
	PS_CHUNK_PTE = 1,      /* a PTE table: 512 pages of 4 KiB, bits in the bitmaps */
	PS_CHUNK_HUGE = 2,     /* one huge mapping of (1 << shift) bytes; bit 0 of word 0 */
	PS_CHUNK_FAILED = 3,   /* a table could not be read (freed under us): nothing known */
};

/*
 * The state of [addr, addr + (1 << shift)). Only chunks with something mapped
 * (or a failed read) are returned: unpopulated tables are skipped silently.
 */
struct ps_walk_chunk {
	__u64 addr;
	__u8 kind;   /* enum ps_walk_chunk_kind */
	__u8 shift;  /* 21 for a PTE table or a PMD mapping, 30 for a PUD mapping */
	__u8 _pad[6];
	__u64 present[8];
	__u64 accessed[8];
	__u64 dirty[8];
};

/* Context of walk_range: walk [start, end) of pid's page tables. */
struct ps_walk_args {
	/* in */
	__u64 start;          /* 2 MiB aligned by the caller's loop; any page address works */
	__u64 end;
	__u32 pid;
	__u32 max_chunks;     /* <= PS_WALK_MAX_CHUNKS */
	/* out */
	__u64 next;           /* where to continue (>= end: done) */
	__u32 chunks;         /* filled in the global chunk array */
	__s32 error;          /* 0, or -ESRCH (no such task / no mm), -EINVAL (no direct-map base) */
	__u32 failed_reads;   /* table reads that failed (concurrent unmap) */
	__u32 tables_read;    /* PTE tables read (4 KiB each) */
};

/* Context of find_direct_map: which base maps physical address `phys` to `cookie`. */
struct ps_direct_map_args {
	/* in */
	__u64 phys;           /* physical address of an 8-byte cookie */
	__u64 cookie_a;       /* cookie = cookie_a ^ cookie_b (never whole in kernel memory) */
	__u64 cookie_b;
	__u64 first_base;     /* first candidate (0xffff888000000000; 0xff11000000000000 with LA57) */
	__u64 last_base;      /* last candidate (inclusive) */
	/* out */
	__u64 base;           /* the direct-map base, 0 if not found */
	__u64 candidates;     /* candidates tried */
};

#endif /* PAGESCOPE_ACCESS_WALK_H */
