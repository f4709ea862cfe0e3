/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every pagescope BPF area shares: configuration, the traced-process set,
 * the ring buffer and its lost-event counter, and the record header. */
#ifndef PAGESCOPE_COMMON_BPF_H
#define PAGESCOPE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "events.h"

/* Set by the loader before load (read-only afterwards). */
const volatile __u32 self_tgid = 0;       /* the recorder: never traced */
const volatile bool trace_all = false;    /* --all: every process but ourselves */
const volatile __u64 wakeup_bytes = 1 << 20; /* wake the reader once this much is queued */
const volatile bool fault_accounting_source = false; /* perf_event programs emit faults */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 << 20); /* resized by the loader */
} events SEC(".maps");

/* Thread-group ids being traced; a fork of a traced process adds the child. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced SEC(".maps");

/* Records lost because the ring buffer was full, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

static __always_inline bool is_traced(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (trace_all)
		return true;
	return bpf_map_lookup_elem(&traced, &tgid) != NULL;
}

static __always_inline bool current_traced(void)
{
	return is_traced(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline void *reserve_record(__u32 size)
{
	void *rec = bpf_ringbuf_reserve(&events, size, 0);
	if (!rec) {
		__u32 zero = 0;
		__u64 *lost = bpf_map_lookup_elem(&lost_events, &zero);
		if (lost)
			*lost += 1;
	}
	return rec;
}

/* Waking the reader for every record costs an irq_work each; instead the
 * reader polls on a short timer and is woken early only when much is queued. */
static __always_inline void submit_record(void *rec)
{
	__u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	bpf_ringbuf_submit(rec, queued >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline void fill_header(struct ps_header *h, __u16 kind, __u32 size)
{
	__u64 id = bpf_get_current_pid_tgid();
	h->kind = kind;
	h->cpu = bpf_get_smp_processor_id();
	h->size = size;
	h->ts_ns = bpf_ktime_get_ns();
	h->pid = id >> 32;
	h->tid = (__u32)id;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#endif
