/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Memory syscalls: arguments stashed on the task at entry, one record written
 * at return with the result, so a record's effect is visible from hdr.ts_ns.
 * syscalls:sys_enter_* records carry only the syscall's declared arguments;
 * the rest of args[] would be past the record, so only nargs are copied.
 */
#ifndef PAGESCOPE_MM_SYSCALLS_BPF_H
#define PAGESCOPE_MM_SYSCALLS_BPF_H

#include "common.bpf.h"

struct syscall_stash {
	__u64 args[6];
	__u64 start_ns;
	__u32 kind;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct syscall_stash);
} syscall_stash_map SEC(".maps");

static __always_inline int on_mm_enter(struct trace_event_raw_sys_enter *ctx, __u32 kind, int nargs)
{
	if (!current_traced())
		return 0;
	struct syscall_stash *s = bpf_task_storage_get(&syscall_stash_map, bpf_get_current_task_btf(),
						       0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return 0;
	/* Constant offsets: the verifier rejects a ctx pointer advanced in a loop. */
	s->args[0] = ctx->args[0];
	s->args[1] = nargs > 1 ? ctx->args[1] : 0;
	s->args[2] = nargs > 2 ? ctx->args[2] : 0;
	s->args[3] = nargs > 3 ? ctx->args[3] : 0;
	s->args[4] = nargs > 4 ? ctx->args[4] : 0;
	s->args[5] = nargs > 5 ? ctx->args[5] : 0;
	s->kind = kind;
	s->start_ns = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_mm_exit(struct trace_event_raw_sys_exit *ctx, __u32 kind)
{
	if (!current_traced())
		return 0;
	struct syscall_stash *s = bpf_task_storage_get(&syscall_stash_map, bpf_get_current_task_btf(), 0, 0);
	if (!s || s->kind != kind)
		return 0; /* entered before tracing started */
	struct ps_mm_syscall *r = reserve_record(sizeof(*r));
	if (r) {
		fill_header(&r->hdr, kind, sizeof(*r));
		for (int i = 0; i < 6; i++)
			r->args[i] = s->args[i];
		r->ret = ctx->ret;
		r->duration_ns = r->hdr.ts_ns - s->start_ns;
		submit_record(r);
	}
	s->kind = PS_EV_NONE;
	return 0;
}

#define PS_MM_SYSCALL(name, KIND, NARGS)                                           \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                    \
	{                                                                          \
		return on_mm_enter(ctx, KIND, NARGS);                              \
	}                                                                          \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                 \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                      \
	{                                                                          \
		return on_mm_exit(ctx, KIND);                                      \
	}

PS_MM_SYSCALL(mmap, PS_EV_MMAP, 6)
PS_MM_SYSCALL(munmap, PS_EV_MUNMAP, 2)
PS_MM_SYSCALL(mprotect, PS_EV_MPROTECT, 3)
PS_MM_SYSCALL(mremap, PS_EV_MREMAP, 5)
PS_MM_SYSCALL(brk, PS_EV_BRK, 1)
PS_MM_SYSCALL(madvise, PS_EV_MADVISE, 3)
PS_MM_SYSCALL(shmat, PS_EV_SHMAT, 3)
PS_MM_SYSCALL(shmdt, PS_EV_SHMDT, 1)

#endif
