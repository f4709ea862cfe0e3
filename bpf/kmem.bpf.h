/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Fragmentation and kernel memory: compaction (recorded, it is rare) and
 * page allocations and fallbacks by order (counted here per CPU and read by
 * the recorder at each system sample: mm_page_alloc fires for every
 * allocation, far too often to stream). Both are system-wide: free blocks and
 * the compaction that makes them serve every process, and the counts are
 * compared with /proc/vmstat's pgalloc_*, which are system-wide too.
 */
#ifndef PAGESCOPE_KMEM_BPF_H
#define PAGESCOPE_KMEM_BPF_H

#include "common.bpf.h"

struct order_counts_value {
	__u64 page_allocs[PS_ORDER_SLOTS];
	__u64 extfrag_by_alloc[PS_ORDER_SLOTS];
	__u64 extfrag_by_fallback[PS_ORDER_SLOTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct order_counts_value);
} order_counts SEC(".maps");

static __always_inline __u32 order_slot(int order)
{
	if (order < 0)
		return 0;
	return order >= PS_ORDER_SLOTS ? PS_ORDER_SLOTS - 1 : (__u32)order;
}

/* trace_mm_page_alloc() in __alloc_frozen_pages_noprof() (mm/page_alloc.c):
 * once per allocation request, with page NULL when it failed. */
SEC("tp_btf/mm_page_alloc")
int BPF_PROG(page_alloc, struct page *page, unsigned int order, gfp_t gfp_flags, int migratetype)
{
	if (!page)
		return 0;
	__u32 zero = 0;
	struct order_counts_value *v = bpf_map_lookup_elem(&order_counts, &zero);
	if (v)
		v->page_allocs[order_slot(order)] += 1;
	return 0;
}

/* trace_mm_page_alloc_extfrag() in try_to_claim_block()/__rmqueue_fallback()
 * (mm/page_alloc.c): a request served from another migrate type's free list,
 * the start of external fragmentation when the block taken is smaller than a
 * pageblock (the tracepoint's "fragmenting"; judged on read, from
 * /proc/pagetypeinfo's pageblock size). */
SEC("tp_btf/mm_page_alloc_extfrag")
int BPF_PROG(page_alloc_extfrag, struct page *page, int alloc_order, int fallback_order,
	     int alloc_migratetype, int fallback_migratetype)
{
	__u32 zero = 0;
	struct order_counts_value *v = bpf_map_lookup_elem(&order_counts, &zero);
	if (v) {
		v->extfrag_by_alloc[order_slot(alloc_order)] += 1;
		v->extfrag_by_fallback[order_slot(fallback_order)] += 1;
	}
	return 0;
}

struct compaction_stash {
	__u64 begin_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct compaction_stash);
} compaction_stash_map SEC(".maps");

static __always_inline struct ps_compaction *new_compaction(__u32 what)
{
	struct ps_compaction *r = reserve_record(sizeof(*r));
	if (!r)
		return NULL;
	fill_header(&r->hdr, PS_EV_COMPACTION, sizeof(*r));
	r->what = what;
	r->order = 0;
	r->status = 0;
	r->flags = 0;
	r->gfp_flags = 0;
	r->duration_ns = 0;
	r->migrate_scanned = 0;
	r->free_scanned = 0;
	r->nid = 0;
	r->zone_idx = 0;
	r->_pad = 0;
	return r;
}

/* The zone being compacted: its node and its index in the node (zone_idx()
 * of include/linux/mmzone.h, pointer difference over sizeof(struct zone)). */
static __always_inline void fill_compaction(struct ps_compaction *r, struct compact_control *cc,
					    bool sync)
{
	struct zone *zone = BPF_CORE_READ(cc, zone);
	struct pglist_data *pgdat = BPF_CORE_READ(zone, zone_pgdat);
	__u64 zsize = bpf_core_type_size(struct zone);
	r->nid = BPF_CORE_READ(pgdat, node_id);
	if (zsize)
		r->zone_idx = ((__u64)zone - (__u64)&pgdat->node_zones[0]) / zsize;
	r->order = BPF_CORE_READ(cc, order);
	__u32 flags = sync ? PS_COMPACT_SYNC : 0;
	if (BPF_CORE_READ(cc, direct_compaction))
		flags |= PS_COMPACT_DIRECT;
	if (bpf_core_field_exists(cc->proactive_compaction) && BPF_CORE_READ(cc, proactive_compaction))
		flags |= PS_COMPACT_PROACTIVE;
	if (BPF_CORE_READ(cc, whole_zone))
		flags |= PS_COMPACT_WHOLE;
	r->flags = flags;
}

SEC("tp_btf/mm_compaction_begin")
int BPF_PROG(compaction_begin, struct compact_control *cc, unsigned long zone_start,
	     unsigned long zone_end, bool sync)
{
	struct compaction_stash *s = bpf_task_storage_get(&compaction_stash_map,
							  bpf_get_current_task_btf(), 0,
							  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (s)
		s->begin_ns = bpf_ktime_get_ns();
	struct ps_compaction *r = new_compaction(PS_COMPACT_BEGIN);
	if (!r)
		return 0;
	fill_compaction(r, cc, sync);
	submit_record(r);
	return 0;
}

SEC("tp_btf/mm_compaction_end")
int BPF_PROG(compaction_end, struct compact_control *cc, unsigned long zone_start,
	     unsigned long zone_end, bool sync, int status)
{
	__u64 duration = 0;
	struct compaction_stash *s = bpf_task_storage_get(&compaction_stash_map,
							  bpf_get_current_task_btf(), 0, 0);
	if (s) {
		if (s->begin_ns)
			duration = bpf_ktime_get_ns() - s->begin_ns;
		s->begin_ns = 0;
	}
	struct ps_compaction *r = new_compaction(PS_COMPACT_END);
	if (!r)
		return 0;
	fill_compaction(r, cc, sync);
	r->status = status;
	r->duration_ns = duration;
	r->migrate_scanned = BPF_CORE_READ(cc, total_migrate_scanned);
	r->free_scanned = BPF_CORE_READ(cc, total_free_scanned);
	submit_record(r);
	return 0;
}

SEC("tp_btf/mm_compaction_try_to_compact_pages")
int BPF_PROG(compaction_try, int order, gfp_t gfp_mask, int prio)
{
	struct ps_compaction *r = new_compaction(PS_COMPACT_TRY);
	if (!r)
		return 0;
	r->order = order;
	r->gfp_flags = gfp_mask;
	r->status = prio;
	submit_record(r);
	return 0;
}

#endif /* PAGESCOPE_KMEM_BPF_H */
