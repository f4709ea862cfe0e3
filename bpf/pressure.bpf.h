/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Memory pressure: reclaim (kswapd, direct, memcg), LRU shrinking, reclaim
 * writes (swap-outs), per-process swap-entry counts, TLB flushes and OOM kills.
 *
 * Attribution: direct and memcg reclaim run in the allocating task, so they
 * are recorded when that task is traced. kswapd works for everyone, so its
 * events (wake/sleep, its LRU passes and writes) are always recorded.
 * Swap-outs done by kswapd are attributed to their owner through kmem:rss_stat,
 * whose tp_btf form passes the mm (mm->owner needs CONFIG_MEMCG).
 */
#ifndef PAGESCOPE_PRESSURE_BPF_H
#define PAGESCOPE_PRESSURE_BPF_H

#include "common.bpf.h"

#define PS_PF_KSWAPD 0x00020000 /* task->flags: I am kswapd (include/linux/sched.h) */

struct reclaim_stash {
	__u64 direct_begin_ns;
	__u64 memcg_begin_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct reclaim_stash);
} reclaim_stash_map SEC(".maps");

static __always_inline bool current_is_kswapd(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	return t->flags & PS_PF_KSWAPD;
}

static __always_inline int emit_reclaim(__u32 what, __s32 order, __u64 gfp, __u64 reclaimed,
					__u64 duration, __u32 nid)
{
	struct ps_reclaim *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_RECLAIM, sizeof(*r));
	r->what = what;
	r->order = order;
	r->gfp_flags = gfp;
	r->nr_reclaimed = reclaimed;
	r->duration_ns = duration;
	r->nid = nid;
	r->_pad = 0;
	submit_record(r);
	return 0;
}

SEC("tp_btf/mm_vmscan_kswapd_wake")
int BPF_PROG(kswapd_wake, int nid, int zid, int order)
{
	return emit_reclaim(PS_RECLAIM_KSWAPD_WAKE, order, 0, 0, 0, nid);
}

SEC("tp_btf/mm_vmscan_kswapd_sleep")
int BPF_PROG(kswapd_sleep, int nid)
{
	return emit_reclaim(PS_RECLAIM_KSWAPD_SLEEP, 0, 0, 0, 0, nid);
}

static __always_inline int on_reclaim_begin(int order, gfp_t gfp_flags, bool memcg)
{
	if (!current_traced())
		return 0;
	struct reclaim_stash *s = bpf_task_storage_get(&reclaim_stash_map, bpf_get_current_task_btf(),
						       0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	__u64 now = bpf_ktime_get_ns();
	if (s) {
		if (memcg)
			s->memcg_begin_ns = now;
		else
			s->direct_begin_ns = now;
	}
	return emit_reclaim(memcg ? PS_RECLAIM_MEMCG_BEGIN : PS_RECLAIM_DIRECT_BEGIN, order,
			    gfp_flags, 0, 0, 0);
}

static __always_inline int on_reclaim_end(unsigned long nr_reclaimed, bool memcg)
{
	if (!current_traced())
		return 0;
	__u64 duration = 0;
	struct reclaim_stash *s = bpf_task_storage_get(&reclaim_stash_map, bpf_get_current_task_btf(), 0, 0);
	if (s) {
		__u64 *begin = memcg ? &s->memcg_begin_ns : &s->direct_begin_ns;
		if (*begin)
			duration = bpf_ktime_get_ns() - *begin;
		*begin = 0;
	}
	return emit_reclaim(memcg ? PS_RECLAIM_MEMCG_END : PS_RECLAIM_DIRECT_END, 0, 0,
			    nr_reclaimed, duration, 0);
}

SEC("tp_btf/mm_vmscan_direct_reclaim_begin")
int BPF_PROG(direct_reclaim_begin, int order, gfp_t gfp_flags)
{
	return on_reclaim_begin(order, gfp_flags, false);
}

SEC("tp_btf/mm_vmscan_direct_reclaim_end")
int BPF_PROG(direct_reclaim_end, unsigned long nr_reclaimed)
{
	return on_reclaim_end(nr_reclaimed, false);
}

SEC("tp_btf/mm_vmscan_memcg_reclaim_begin")
int BPF_PROG(memcg_reclaim_begin, int order, gfp_t gfp_flags)
{
	return on_reclaim_begin(order, gfp_flags, true);
}

SEC("tp_btf/mm_vmscan_memcg_reclaim_end")
int BPF_PROG(memcg_reclaim_end, unsigned long nr_reclaimed)
{
	return on_reclaim_end(nr_reclaimed, true);
}

/* trace_reclaim_flags() of include/trace/events/vmscan.h: what the tracefs
 * event stores as reclaim_flags, rebuilt from the raw arguments. */
static __always_inline __u32 reclaim_flags_of(bool file)
{
	return (file ? PS_RECLAIM_WB_FILE : PS_RECLAIM_WB_ANON) | PS_RECLAIM_WB_ASYNC;
}

SEC("tp_btf/mm_vmscan_lru_shrink_inactive")
int BPF_PROG(lru_shrink_inactive, int nid, unsigned long nr_scanned, unsigned long nr_reclaimed,
	     struct reclaim_stat *stat, int priority, int file)
{
	if (!current_is_kswapd() && !current_traced())
		return 0;
	struct ps_lru_shrink *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_LRU_SHRINK, sizeof(*r));
	r->nid = nid;
	r->priority = priority;
	r->nr_scanned = nr_scanned;
	r->nr_reclaimed = nr_reclaimed;
	r->nr_dirty = BPF_CORE_READ(stat, nr_dirty);
	r->nr_writeback = BPF_CORE_READ(stat, nr_writeback);
	r->nr_congested = BPF_CORE_READ(stat, nr_congested);
	r->nr_immediate = BPF_CORE_READ(stat, nr_immediate);
	r->nr_activate_anon = BPF_CORE_READ(stat, nr_activate[0]);
	r->nr_activate_file = BPF_CORE_READ(stat, nr_activate[1]);
	r->nr_ref_keep = BPF_CORE_READ(stat, nr_ref_keep);
	r->nr_unmap_fail = BPF_CORE_READ(stat, nr_unmap_fail);
	r->reclaim_flags = reclaim_flags_of(file);
	r->_pad = 0;
	submit_record(r);
	return 0;
}

/* folio_is_file_lru(): a folio without PG_swapbacked is file-backed. The pfn
 * would need vmemmap_base, which this kernel exports to neither kallsyms nor
 * BTF, so it is stored as PS_PFN_UNKNOWN; nothing in pagescope reads it. */
SEC("tp_btf/mm_vmscan_write_folio")
int BPF_PROG(write_folio, struct folio *folio)
{
	if (!current_is_kswapd() && !current_traced())
		return 0;
	__u64 flags = 0;
	bpf_core_read(&flags, sizeof(flags), &folio->flags);
	bool file = !(flags & (1ull << bpf_core_enum_value(enum pageflags, PG_swapbacked)));
	struct ps_write_folio *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_WRITE_FOLIO, sizeof(*r));
	r->pfn = PS_PFN_UNKNOWN;
	r->reclaim_flags = reclaim_flags_of(file);
	r->_pad = 0;
	submit_record(r);
	return 0;
}

/* rss_stat fires on every mm counter change (every anon fault too): leave
 * at once unless it is the swap-entry counter of a traced process. */
SEC("tp_btf/rss_stat")
int BPF_PROG(rss_stat, struct mm_struct *mm, int member)
{
	if (member != MM_SWAPENTS)
		return 0;
	struct task_struct *owner = BPF_CORE_READ(mm, owner);
	if (!owner)
		return 0;
	__u32 owner_tgid = BPF_CORE_READ(owner, tgid);
	if (!is_traced(owner_tgid))
		return 0;
	struct ps_swap_ents *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_SWAP_ENTS, sizeof(*r));
	r->by_owner = r->hdr.pid == owner_tgid;
	r->hdr.pid = owner_tgid;
	r->swap_pages = BPF_CORE_READ(mm, rss_stat[MM_SWAPENTS].count);
	r->_pad = 0;
	submit_record(r);
	return 0;
}

SEC("tp_btf/tlb_flush")
int BPF_PROG(tlb_flush, int reason, unsigned long pages)
{
	if (!current_traced())
		return 0;
	struct ps_tlb_flush *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_TLB_FLUSH, sizeof(*r));
	r->reason = reason;
	r->_pad = 0;
	r->pages = (__s64)pages;
	submit_record(r);
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(oom_mark_victim, struct task_struct *task)
{
	struct ps_oom_victim *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_OOM_VICTIM, sizeof(*r));
	r->victim_pid = task->tgid;
	r->oom_score_adj = BPF_CORE_READ(task, signal, oom_score_adj);
	struct mm_struct *mm = task->mm;
	/* Pages from the counters' global part, in KiB like the tracepoint's text. */
	r->total_vm_kb = BPF_CORE_READ(mm, total_vm) * 4;
	r->anon_rss_kb = BPF_CORE_READ(mm, rss_stat[MM_ANONPAGES].count) * 4;
	r->file_rss_kb = BPF_CORE_READ(mm, rss_stat[MM_FILEPAGES].count) * 4;
	r->shmem_rss_kb = BPF_CORE_READ(mm, rss_stat[MM_SHMEMPAGES].count) * 4;
	r->memcg_id = BPF_CORE_READ(task, cgroups, subsys[memory_cgrp_id], cgroup, kn, id);
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), task->comm);
	submit_record(r);
	return 0;
}

#endif
