/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Page faults.
 *
 * Two sources, combined when both work:
 *  - exceptions:page_fault_user/kernel fire when the CPU takes the fault: they
 *    give the error code (read/write/exec, not-present/protection) but fire
 *    again for retried faults and for faults that fail (SIGSEGV).
 *  - the perf software events PAGE_FAULTS_MIN/MAJ (period 1, one per CPU) fire
 *    from mm_account_fault() exactly when the kernel counts a fault in
 *    min_flt/maj_flt (what getrusage reports), and say which kind it was.
 * With both, the tracepoint only stashes the error code on the task and the
 * perf program emits one record per accounted fault. GUP faults (regs == NULL,
 * e.g. execve copying argv) are counted in min_flt but raise no perf event;
 * see mm_account_fault() in mm/memory.c.
 */
#ifndef PAGESCOPE_FAULTS_BPF_H
#define PAGESCOPE_FAULTS_BPF_H

#include "common.bpf.h"

#define PS_USER_ADDR_END 0x0000800000000000ULL /* x86-64 4-level TASK_SIZE bound */

struct fault_stash {
	__u64 address;
	__u64 error_code;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct fault_stash);
} fault_stash_map SEC(".maps");

static __always_inline int emit_fault(__u64 address, __u64 ip, __u32 error_code, __u32 flags)
{
	struct ps_fault *f = reserve_record(sizeof(*f));
	if (!f)
		return 0;
	fill_header(&f->hdr, PS_EV_FAULT, sizeof(*f));
	f->address = address;
	f->ip = ip;
	f->error_code = error_code;
	f->flags = flags;
	submit_record(f);
	return 0;
}

static __always_inline int on_fault_exception(__u64 address, struct pt_regs *regs,
					      __u64 error_code, bool kernel_mode)
{
	if (address >= PS_USER_ADDR_END || !current_traced())
		return 0;
	if (fault_accounting_source) {
		struct fault_stash *s = bpf_task_storage_get(&fault_stash_map, bpf_get_current_task_btf(),
							     0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (s) {
			s->address = address;
			s->error_code = error_code;
		}
		return 0;
	}
	return emit_fault(address, BPF_CORE_READ(regs, ip), (__u32)error_code,
			  PS_FAULT_ERR_KNOWN | (kernel_mode ? PS_FAULT_KERNEL : 0));
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(page_fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	return on_fault_exception(address, regs, error_code, false);
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(page_fault_kernel, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	return on_fault_exception(address, regs, error_code, true);
}

static __always_inline int on_accounted_fault(struct bpf_perf_event_data *ctx, bool major)
{
	if (!current_traced())
		return 0;
	__u64 address = ctx->addr;
	__u32 flags = PS_FAULT_ACCOUNTED | (major ? PS_FAULT_MAJOR : 0);
	/* The perf ctx allows only 8-byte reads of regs; newer kernels make cs a
	 * u16 inside a union (FRED), so read the whole slot. CPL 0 = kernel mode. */
	__u64 cs = *(volatile __u64 *)((char *)&ctx->regs + __builtin_offsetof(struct pt_regs, cs));
	if ((cs & 3) == 0)
		flags |= PS_FAULT_KERNEL;
	__u32 error_code = 0;
	struct fault_stash *s = bpf_task_storage_get(&fault_stash_map, bpf_get_current_task_btf(), 0, 0);
	if (s && s->address == address) {
		error_code = (__u32)s->error_code;
		flags |= PS_FAULT_ERR_KNOWN;
		s->address = 0;
	}
	return emit_fault(address, ctx->regs.ip, error_code, flags);
}

SEC("perf_event")
int minor_fault(struct bpf_perf_event_data *ctx)
{
	return on_accounted_fault(ctx, false);
}

SEC("perf_event")
int major_fault(struct bpf_perf_event_data *ctx)
{
	return on_accounted_fault(ctx, true);
}

#endif
