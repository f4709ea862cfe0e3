// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Reads a process's x86-64 page tables for access sampling: present, accessed
 * (bit 5) and dirty (bit 6) per page, huge mappings (PSE at PMD/PUD) at their
 * size. This kernel offers neither idle-page tracking nor DAMON vaddr, so the
 * bits are read where the MMU keeps them.
 *
 * Two BPF_PROG_TYPE_SYSCALL programs, run by the recorder with
 * BPF_PROG_TEST_RUN (no attach point: fentry/kprobes are refused here):
 *   find_direct_map: which candidate base maps a known physical address to a
 *                    cookie user space wrote there (page_offset_base is in
 *                    neither kallsyms nor BTF here);
 *   walk_range:      the page tables of one pid over an address range.
 * Every table is read with bpf_probe_read_kernel through the direct map, so a
 * table freed by a concurrent munmap or exit reads stale or fails; a failure
 * is reported (PS_CHUNK_FAILED), never faulted on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "access_walk.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by the loader: five paging levels in use (CPU flag la57 enabled). */
const volatile bool la57 = false;
/* Set by the loader once find_direct_map has found it. */
__u64 direct_map_base = 0;

/* Results of one walk_range run; the loader reads them through the mmap'ed bss. */
struct ps_walk_chunk chunks[PS_WALK_MAX_CHUNKS];
/* One PTE table, read at once. Runs are serialised by the (single) loader. */
__u64 pte_table[512];

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

#define PT_PRESENT  (1ull << 0)
#define PT_ACCESSED (1ull << 5)
#define PT_DIRTY    (1ull << 6)
#define PT_PSE      (1ull << 7)  /* huge mapping at PUD/PMD level */
#define PT_PROTNONE (1ull << 8)  /* not present in hardware but resident (PROT_NONE, NUMA hinting) */
/*
 * _PAGE_SPECIAL: the zero page and PFN mappings. clear_refs skips them
 * (vm_normal_folio() is NULL), so their accessed bit stays set forever: such
 * pages are reported present and never accessed.
 */
#define PT_SPECIAL  (1ull << 9)
#define PT_FRAME    0x000ffffffffff000ull /* bits 12-51: the next table's physical address */

#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)

static __always_inline bool entry_present(__u64 e)
{
	return e & (PT_PRESENT | PT_PROTNONE);
}

/* Entry `index` of the table at physical address `table`; false when unreadable. */
static __always_inline bool read_entry(__u64 table, __u64 index, __u64 *entry)
{
	return bpf_probe_read_kernel(entry, sizeof(*entry),
				     (void *)(direct_map_base + table + index * 8)) == 0;
}

struct walk_state {
	__u64 top;      /* physical address of the top table */
	__u64 addr;
	__u64 end;
	__u32 n;
	__u32 max;
	__u32 failed;
	__u32 tables;
	__u32 max_steps; /* bounds empty tables too (MADV_DONTNEED leaves them) */
};

struct word_state {
	struct ps_walk_chunk *c;
	bool any;
};

/* Bits of PTE table entries [64 * w, 64 * w + 64) into word w of the bitmaps. */
static long pte_word(__u64 w, struct word_state *ws)
{
	struct ps_walk_chunk *c = ws->c;
	__u64 present = 0, accessed = 0, dirty = 0;

	if (w >= 8)
		return 1;
	__u64 *ptes = &pte_table[(w & 7) * 64];
	/* Branch-free (the verifier walks one path, not 2^64), and a plain
	 * bounded loop: unrolled, clang 14 spills past the 512-byte stack. */
	for (__u32 j = 0; j < 64; j++) {
		__u64 e = ptes[j];
		__u64 p = (e | (e >> 8)) & 1; /* PT_PRESENT | PT_PROTNONE */
		present |= p << j;
		accessed |= ((e >> 5) & ~(e >> 9) & p) << j; /* accessed, not PT_SPECIAL */
		dirty |= ((e >> 6) & p) << j;
	}
	c->present[w & 7] = present;
	c->accessed[w & 7] = accessed;
	c->dirty[w & 7] = dirty;
	if (present)
		ws->any = true;
	return 0;
}

static __always_inline struct ps_walk_chunk *next_chunk(struct walk_state *s, __u64 addr,
							 __u8 kind, __u8 shift)
{
	__u32 i = s->n;
	if (i >= PS_WALK_MAX_CHUNKS)
		return NULL;
	struct ps_walk_chunk *c = &chunks[i];
	c->addr = addr;
	c->kind = kind;
	c->shift = shift;
	return c;
}

static __always_inline void clear_bits(struct ps_walk_chunk *c)
{
#pragma unroll
	for (int w = 0; w < 8; w++) {
		c->present[w] = 0;
		c->accessed[w] = 0;
		c->dirty[w] = 0;
	}
}

/* A huge mapping (PSE at PUD or PMD level): one chunk with one bit each. */
static __always_inline long huge_entry(struct walk_state *s, __u64 addr, __u64 e, __u8 shift)
{
	__u64 size = 1ull << shift;
	struct ps_walk_chunk *c = next_chunk(s, addr & ~(size - 1), PS_CHUNK_HUGE, shift);

	if (!c)
		return 1;
	clear_bits(c);
	c->present[0] = 1;
	c->accessed[0] = (e & PT_ACCESSED) && !(e & PT_SPECIAL) ? 1 : 0;
	c->dirty[0] = (e & PT_DIRTY) ? 1 : 0;
	s->n++;
	s->addr = (addr | (size - 1)) + 1;
	return 0;
}

/* One step: the 2 MiB (or larger, when unpopulated or huge) span at s->addr. */
static long walk_step(__u64 i, struct walk_state *s)
{
	__u64 addr = s->addr, e, table = s->top;
	struct ps_walk_chunk *c;

	if (addr >= s->end || s->n >= s->max || i >= s->max_steps)
		return 1;
	if (la57) {
		if (!read_entry(table, (addr >> 48) & 511, &e))
			goto failed;
		if (!entry_present(e)) {
			s->addr = (addr | ((1ull << 48) - 1)) + 1;
			return 0;
		}
		table = e & PT_FRAME;
	}
	/* P4D (or the PGD when four levels are in use) */
	if (!read_entry(table, (addr >> 39) & 511, &e))
		goto failed;
	if (!entry_present(e)) {
		s->addr = (addr | ((1ull << 39) - 1)) + 1;
		return 0;
	}
	table = e & PT_FRAME;
	/* PUD */
	if (!read_entry(table, (addr >> 30) & 511, &e))
		goto failed;
	if (!entry_present(e)) {
		s->addr = (addr | (SZ_1G - 1)) + 1;
		return 0;
	}
	if (e & PT_PSE)
		return huge_entry(s, addr, e, 30);
	table = e & PT_FRAME;
	/* PMD */
	if (!read_entry(table, (addr >> 21) & 511, &e))
		goto failed;
	if (!entry_present(e)) {
		s->addr = (addr | (SZ_2M - 1)) + 1;
		return 0;
	}
	if (e & PT_PSE)
		return huge_entry(s, addr, e, 21);
	/* The PTE table: one read of the whole 4 KiB page. */
	if (bpf_probe_read_kernel(pte_table, sizeof(pte_table),
				  (void *)(direct_map_base + (e & PT_FRAME))) != 0)
		goto failed;
	s->tables++;
	c = next_chunk(s, addr & ~(SZ_2M - 1), PS_CHUNK_PTE, 21);
	if (!c)
		return 1;
	struct word_state ws = { .c = c, .any = false };
	bpf_loop(8, pte_word, &ws, 0);
	if (ws.any)
		s->n++;  /* else the slot is reused: nothing resident here */
	s->addr = (addr | (SZ_2M - 1)) + 1;
	return 0;

failed:
	s->failed++;
	c = next_chunk(s, addr & ~(SZ_2M - 1), PS_CHUNK_FAILED, 21);
	if (!c)
		return 1;
	s->n++;
	s->addr = (addr | (SZ_2M - 1)) + 1;
	return 0;
}

SEC("syscall")
int walk_range(struct ps_walk_args *args)
{
	struct walk_state s = {};
	struct task_struct *task;
	__u64 pgd;

	args->chunks = 0;
	args->failed_reads = 0;
	args->tables_read = 0;
	args->next = args->end;
	if (!direct_map_base) {
		args->error = -22; /* EINVAL */
		return 0;
	}
	task = bpf_task_from_pid(args->pid);
	if (!task) {
		args->error = -3; /* ESRCH */
		return 0;
	}
	/* mm is NULL for a process that has exited (a zombie). */
	pgd = (__u64)BPF_CORE_READ(task, mm, pgd);
	bpf_task_release(task);
	if (!pgd || pgd < direct_map_base) {
		args->error = -3;
		return 0;
	}
	s.top = pgd - direct_map_base;
	s.addr = args->start & ~0xfffull;
	s.end = args->end;
	s.max = args->max_chunks < PS_WALK_MAX_CHUNKS ? args->max_chunks : PS_WALK_MAX_CHUNKS;
	s.max_steps = 4 * s.max;
	/* Each step covers at least 2 MiB; unpopulated spans are skipped whole. */
	bpf_loop(4 * PS_WALK_MAX_CHUNKS, walk_step, &s, 0);
	args->next = s.addr;
	args->chunks = s.n;
	args->failed_reads = s.failed;
	args->tables_read = s.tables;
	args->error = 0;
	return 0;
}

struct probe_state {
	__u64 phys;
	__u64 cookie;
	__u64 first;
	__u64 base;
};

static long probe_candidate(__u64 i, struct probe_state *p)
{
	__u64 candidate = p->first + (i << 30), v = 0;

	if (bpf_probe_read_kernel(&v, sizeof(v), (void *)(candidate + p->phys)) == 0 &&
	    v == p->cookie) {
		p->base = candidate;
		return 1; /* first match: never read above the real direct map */
	}
	return 0;
}

SEC("syscall")
int find_direct_map(struct ps_direct_map_args *args)
{
	/* The cookie arrives split in two so its value exists nowhere in kernel
	 * memory but in the user page (the context is copied into the kernel). */
	struct probe_state p = {
		.phys = args->phys,
		.cookie = args->cookie_a ^ args->cookie_b,
		.first = args->first_base,
	};
	__u64 n;

	args->base = 0;
	if (args->last_base < args->first_base)
		return 0;
	n = ((args->last_base - args->first_base) >> 30) + 1;
	if (n > (1 << 23))
		n = 1 << 23;
	args->candidates = bpf_loop(n, probe_candidate, &p, 0);
	args->base = p.base;
	return 0;
}
