/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Memory syscalls: arguments stashed on the task at entry, one record written
 * at return with the result, so a record's effect is visible from hdr.ts_ns.
 *
 * From the raw tracepoints sys_enter/sys_exit as tp_btf, filtered by syscall
 * number here (what libbpf-tools does when it prefers tp_btf): they need no
 * tracefs, where the syscalls:sys_enter_* events need it mounted. The number
 * is tested first, so every other syscall on the host costs a compare.
 * Compat (ia32) syscalls are skipped, as the syscalls:* events skip them
 * (ARCH_TRACE_IGNORE_COMPAT_SYSCALLS): their numbers mean other calls.
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

#if !defined(__TARGET_ARCH_x86)
#error "mm syscall numbers are defined for x86-64 only"
#endif
#define PS_USER64_CS 0x33 /* __USER_CS: a 64-bit syscall (arch/x86/include/asm/segment.h) */

/* arch/x86/entry/syscalls/syscall_64.tbl */
static __always_inline __u32 mm_syscall_kind(long nr)
{
	switch (nr) {
	case 9: return PS_EV_MMAP;
	case 10: return PS_EV_MPROTECT;
	case 11: return PS_EV_MUNMAP;
	case 12: return PS_EV_BRK;
	case 25: return PS_EV_MREMAP;
	case 28: return PS_EV_MADVISE;
	case 30: return PS_EV_SHMAT;
	case 67: return PS_EV_SHMDT;
	default: return PS_EV_NONE;
	}
}

/* Declared arguments of each call: the rest of args[] is stored as 0, as the
 * syscalls:sys_enter_* records (which carry only those) gave it. */
static __always_inline int mm_syscall_nargs(__u32 kind)
{
	switch (kind) {
	case PS_EV_MMAP: return 6;
	case PS_EV_MREMAP: return 5;
	case PS_EV_MPROTECT:
	case PS_EV_MADVISE:
	case PS_EV_SHMAT: return 3;
	case PS_EV_MUNMAP: return 2;
	default: return 1;
	}
}

/* The low 16 bits of the saved cs; the whole 8-byte slot is read because
 * FRED kernels make cs a u16 inside a union. */
static __always_inline bool is_64bit_syscall(struct pt_regs *regs)
{
	__u64 cs = 0;
	bpf_probe_read_kernel(&cs, sizeof(cs), &regs->cs);
	return (cs & 0xffff) == PS_USER64_CS;
}

/* Both attach paths below share these two: the arguments are stashed on the
 * task at entry, one record is written at return. */
static __always_inline void stash_mm_args(__u32 kind, __u64 a0, __u64 a1, __u64 a2, __u64 a3,
					  __u64 a4, __u64 a5)
{
	struct syscall_stash *s = bpf_task_storage_get(&syscall_stash_map, bpf_get_current_task_btf(),
						       0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return;
	int nargs = mm_syscall_nargs(kind);
	s->args[0] = a0;
	s->args[1] = nargs > 1 ? a1 : 0;
	s->args[2] = nargs > 2 ? a2 : 0;
	s->args[3] = nargs > 3 ? a3 : 0;
	s->args[4] = nargs > 4 ? a4 : 0;
	s->args[5] = nargs > 5 ? a5 : 0;
	s->kind = kind;
	s->start_ns = bpf_ktime_get_ns();
}

#define PS_MAP_ANONYMOUS 0x20
#define PS_PATH_WALK_MAX 48 /* steps: components and mount points */

/* The walk's state, per CPU: bpf_loop's callback sees it through the map, so
 * the verifier checks one step instead of every unrolled iteration. */
struct path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u32 off;
	__u16 depth;
	__u16 whole;
	char names[PS_MMAP_FILE_NAMES];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_walk);
} path_walks SEC(".maps");

static __always_inline struct vfsmount *vfsmount_of(struct mount *m)
{
	return (struct vfsmount *)((void *)m + bpf_core_field_offset(struct mount, mnt));
}

/* One step up, as d_path does: a component, or from a mount's root to where it
 * is mounted. Each name is read at an offset below half the buffer with at
 * most half the buffer's bytes, which keeps the read in bounds. */
static long path_step(__u32 i, void *unused)
{
	__u32 zero = 0;
	struct path_walk *w = bpf_map_lookup_elem(&path_walks, &zero);
	if (!w)
		return 1;
	/* Locals, not w->...: inside BPF_CORE_READ a member of our own struct
	 * would become a CO-RE relocation against the kernel's BTF. */
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
	struct dentry *root = BPF_CORE_READ(vfsmnt, mnt_root);
	if (dentry == root || dentry == parent) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (dentry != root || up == mnt) {
			w->whole = 1; /* the namespace's root: the path is whole */
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = vfsmount_of(up);
		return 0;
	}
	__u32 off = w->off;
	if (off >= PS_MMAP_FILE_NAMES / 2)
		return 1;
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	long n = bpf_probe_read_kernel_str(&w->names[off & (PS_MMAP_FILE_NAMES / 2 - 1)],
					   PS_MMAP_FILE_NAMES / 2, name);
	if (n <= 0)
		return 1;
	w->off = off + n;
	w->depth++;
	w->dentry = parent;
	return 0;
}

/*
 * Names the file of a successful mmap of `fd` (ps_mmap_file) from the fd's
 * struct file, walking its dentries and mounts (bpf_d_path is refused to these
 * program types). The fd is read at the call's return, in the calling thread;
 * another thread closing and reusing it in between, or a rename racing the
 * walk, can give another or a stale name, as /proc/PID/maps can.
 */
static __always_inline void write_mmap_file(__u64 start, __u64 len, __u64 fd, __u64 offset)
{
	__u32 zero = 0;
	struct path_walk *w = bpf_map_lookup_elem(&path_walks, &zero);
	if (!w)
		return;
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return;
	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	w->dentry = BPF_CORE_READ(file, f_path.dentry);
	w->vfsmnt = vfsmnt;
	w->mnt = (struct mount *)((void *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
	w->off = 0;
	w->depth = 0;
	w->whole = 0;
	bpf_loop(PS_PATH_WALK_MAX, path_step, NULL, 0);

	struct ps_mmap_file *r = reserve_record(sizeof(*r));
	if (!r)
		return;
	fill_header(&r->hdr, PS_EV_MMAP_FILE, sizeof(*r));
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	r->start = start;
	r->len = len;
	r->offset = offset;
	r->ino = BPF_CORE_READ(inode, i_ino);
	r->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	r->depth = w->depth;
	r->flags = w->whole ? 0 : PS_MMAP_FILE_TRUNCATED;
	__builtin_memcpy(r->names, w->names, sizeof(r->names));
	submit_record(r);
}

static __always_inline void write_mm_record(__u32 kind, long ret)
{
	struct syscall_stash *s = bpf_task_storage_get(&syscall_stash_map, bpf_get_current_task_btf(), 0, 0);
	if (!s || s->kind != kind)
		return; /* entered before tracing started, or a compat call */
	struct ps_mm_syscall *r = reserve_record(sizeof(*r));
	if (r) {
		fill_header(&r->hdr, kind, sizeof(*r));
		for (int i = 0; i < 6; i++)
			r->args[i] = s->args[i];
		r->ret = ret;
		r->duration_ns = r->hdr.ts_ns - s->start_ns;
		submit_record(r);
	}
	/* mmap(addr, len, prot, flags, fd, offset): a file unless MAP_ANONYMOUS
	 * (the fd is then ignored); a result in [-4095, -1] is an error. */
	if (kind == PS_EV_MMAP && (unsigned long)ret < (unsigned long)-4095 && !(s->args[3] & PS_MAP_ANONYMOUS) &&
	    (int)s->args[4] >= 0)
		write_mmap_file(ret, s->args[1], (int)s->args[4], s->args[5]);
	s->kind = PS_EV_NONE;
}

/* Without tracefs: every syscall of the host runs these two. */
SEC("tp_btf/sys_enter")
int BPF_PROG(mm_sys_enter, struct pt_regs *regs, long id)
{
	__u32 kind = mm_syscall_kind(id);
	if (kind == PS_EV_NONE || !current_traced() || !is_64bit_syscall(regs))
		return 0;
	/* The x86-64 syscall ABI: rdi rsi rdx r10 r8 r9. */
	stash_mm_args(kind, regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(mm_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 kind = mm_syscall_kind(regs->orig_ax);
	if (kind == PS_EV_NONE || !current_traced())
		return 0;
	write_mm_record(kind, ret);
	return 0;
}

/* With tracefs (the host's, or one mounted privately: inspector/live/tracefs.h):
 * one program per memory syscall, so other syscalls run none; the kernel's
 * syscall-event probe tests one bit for them. These events skip compat calls
 * themselves (ARCH_TRACE_IGNORE_COMPAT_SYSCALLS) and carry only the declared
 * arguments: the rest of args[] is past the record, so only nargs are read
 * (constant offsets: the verifier rejects a ctx pointer advanced in a loop). */
static __always_inline int on_mm_enter(struct trace_event_raw_sys_enter *ctx, __u32 kind)
{
	if (!current_traced())
		return 0;
	int nargs = mm_syscall_nargs(kind);
	stash_mm_args(kind, ctx->args[0], nargs > 1 ? ctx->args[1] : 0, nargs > 2 ? ctx->args[2] : 0,
		      nargs > 3 ? ctx->args[3] : 0, nargs > 4 ? ctx->args[4] : 0,
		      nargs > 5 ? ctx->args[5] : 0);
	return 0;
}

static __always_inline int on_mm_exit(struct trace_event_raw_sys_exit *ctx, __u32 kind)
{
	if (current_traced())
		write_mm_record(kind, ctx->ret);
	return 0;
}

/* SEC("tracepoint") without a target: the tracer opens the perf event itself
 * from the id it read, so libbpf never looks for tracefs. */
#define PS_MM_SYSCALL(name, KIND)                                                  \
	SEC("tracepoint")                                                          \
	int enter_##name(struct trace_event_raw_sys_enter *ctx)                    \
	{                                                                          \
		return on_mm_enter(ctx, KIND);                                     \
	}                                                                          \
	SEC("tracepoint")                                                          \
	int exit_##name(struct trace_event_raw_sys_exit *ctx)                      \
	{                                                                          \
		return on_mm_exit(ctx, KIND);                                      \
	}

PS_MM_SYSCALL(mmap, PS_EV_MMAP)
PS_MM_SYSCALL(munmap, PS_EV_MUNMAP)
PS_MM_SYSCALL(mprotect, PS_EV_MPROTECT)
PS_MM_SYSCALL(mremap, PS_EV_MREMAP)
PS_MM_SYSCALL(brk, PS_EV_BRK)
PS_MM_SYSCALL(madvise, PS_EV_MADVISE)
PS_MM_SYSCALL(shmat, PS_EV_SHMAT)
PS_MM_SYSCALL(shmdt, PS_EV_SHMDT)

#endif
