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

SEC("tracepoint/vmscan/mm_vmscan_kswapd_wake")
int kswapd_wake(struct trace_event_raw_mm_vmscan_kswapd_wake *ctx)
{
	return emit_reclaim(PS_RECLAIM_KSWAPD_WAKE, ctx->order, 0, 0, 0, ctx->nid);
}

SEC("tracepoint/vmscan/mm_vmscan_kswapd_sleep")
int kswapd_sleep(struct trace_event_raw_mm_vmscan_kswapd_sleep *ctx)
{
	return emit_reclaim(PS_RECLAIM_KSWAPD_SLEEP, 0, 0, 0, 0, ctx->nid);
}

static __always_inline int on_reclaim_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx,
					    bool memcg)
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
	return emit_reclaim(memcg ? PS_RECLAIM_MEMCG_BEGIN : PS_RECLAIM_DIRECT_BEGIN, ctx->order,
			    ctx->gfp_flags, 0, 0, 0);
}

static __always_inline int on_reclaim_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx,
					  bool memcg)
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
			    ctx->nr_reclaimed, duration, 0);
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_begin")
int direct_reclaim_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	return on_reclaim_begin(ctx, false);
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_end")
int direct_reclaim_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	return on_reclaim_end(ctx, false);
}

SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_begin")
int memcg_reclaim_begin(struct trace_event_raw_mm_vmscan_direct_reclaim_begin_template *ctx)
{
	return on_reclaim_begin(ctx, true);
}

SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_end")
int memcg_reclaim_end(struct trace_event_raw_mm_vmscan_direct_reclaim_end_template *ctx)
{
	return on_reclaim_end(ctx, true);
}

SEC("tracepoint/vmscan/mm_vmscan_lru_shrink_inactive")
int lru_shrink_inactive(struct trace_event_raw_mm_vmscan_lru_shrink_inactive *ctx)
{
	if (!current_is_kswapd() && !current_traced())
		return 0;
	struct ps_lru_shrink *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_LRU_SHRINK, sizeof(*r));
	r->nid = ctx->nid;
	r->priority = ctx->priority;
	r->nr_scanned = ctx->nr_scanned;
	r->nr_reclaimed = ctx->nr_reclaimed;
	r->nr_dirty = ctx->nr_dirty;
	r->nr_writeback = ctx->nr_writeback;
	r->nr_congested = ctx->nr_congested;
	r->nr_immediate = ctx->nr_immediate;
	r->nr_activate_anon = ctx->nr_activate0;
	r->nr_activate_file = ctx->nr_activate1;
	r->nr_ref_keep = ctx->nr_ref_keep;
	r->nr_unmap_fail = ctx->nr_unmap_fail;
	r->reclaim_flags = ctx->reclaim_flags;
	r->_pad = 0;
	submit_record(r);
	return 0;
}

SEC("tracepoint/vmscan/mm_vmscan_write_folio")
int write_folio(struct trace_event_raw_mm_vmscan_write_folio *ctx)
{
	if (!current_is_kswapd() && !current_traced())
		return 0;
	struct ps_write_folio *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_WRITE_FOLIO, sizeof(*r));
	r->pfn = ctx->pfn;
	r->reclaim_flags = ctx->reclaim_flags;
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

SEC("tracepoint/tlb/tlb_flush")
int tlb_flush(struct trace_event_raw_tlb_flush *ctx)
{
	if (!current_traced())
		return 0;
	struct ps_tlb_flush *r = reserve_record(sizeof(*r));
	if (!r)
		return 0;
	fill_header(&r->hdr, PS_EV_TLB_FLUSH, sizeof(*r));
	r->reason = ctx->reason;
	r->_pad = 0;
	r->pages = (__s64)ctx->pages;
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
