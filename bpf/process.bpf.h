/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Process lifecycle: fork/clone (following children into the traced set),
 * exec and exit, from the sched tracepoints with their task_structs. */
#ifndef PAGESCOPE_PROCESS_BPF_H
#define PAGESCOPE_PROCESS_BPF_H

#include "common.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = parent->tgid;
	__u32 child_tgid = child->tgid;
	if (!is_traced(parent_tgid))
		return 0;
	if (!trace_all && child_tgid != parent_tgid) {
		__u8 one = 1;
		bpf_map_update_elem(&traced, &child_tgid, &one, BPF_ANY);
	}
	struct ps_fork *f = reserve_record(sizeof(*f));
	if (!f)
		return 0;
	fill_header(&f->hdr, PS_EV_FORK, sizeof(*f));
	f->hdr.pid = parent_tgid;
	f->hdr.tid = parent->pid;
	f->child_pid = child_tgid;
	f->child_tid = child->pid;
	f->flags = 0;
	if (child_tgid == parent_tgid)
		f->flags |= PS_FORK_THREAD;
	else if (child->mm == parent->mm)
		f->flags |= PS_FORK_VFORK;
	f->_pad = 0;
	bpf_probe_read_kernel_str(f->comm, sizeof(f->comm), child->comm);
	submit_record(f);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!is_traced(p->tgid))
		return 0;
	struct ps_exec *e = reserve_record(sizeof(*e));
	if (!e)
		return 0;
	fill_header(&e->hdr, PS_EV_EXEC, sizeof(*e));
	e->old_tid = old_pid;
	e->_pad = 0;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), p->comm);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));
	submit_record(e);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(process_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid;
	if (!is_traced(tgid))
		return 0;
	/* do_exit() decrements signal->live before this tracepoint: zero means
	 * this is the last thread (the "group_dead" of do_exit). */
	bool group_dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	struct ps_exit *x = reserve_record(sizeof(*x));
	if (x) {
		fill_header(&x->hdr, PS_EV_EXIT, sizeof(*x));
		x->exit_code = p->exit_code;
		x->flags = group_dead ? PS_EXIT_GROUP_DEAD : 0;
		x->min_flt = p->min_flt;
		x->maj_flt = p->maj_flt;
		bpf_probe_read_kernel_str(x->comm, sizeof(x->comm), p->comm);
		submit_record(x);
	}
	if (group_dead && !trace_all)
		bpf_map_delete_elem(&traced, &tgid); /* the pid may be reused */
	return 0;
}

/* SIGSEGV and SIGBUS for a traced task: what a refused access hit, and where.
 * info may be SEND_SIG_NOINFO (0) or SEND_SIG_PRIV (1) for signals sent
 * without one (include/linux/sched/signal.h). */
SEC("tp_btf/signal_generate")
int BPF_PROG(signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task, int group,
	     int result)
{
	if (sig != 11 && sig != 7)
		return 0;
	__u32 tgid = BPF_CORE_READ(task, tgid);
	if (!is_traced(tgid))
		return 0;
	struct ps_signal *s = reserve_record(sizeof(*s));
	if (!s)
		return 0;
	fill_header(&s->hdr, PS_EV_SIGNAL, sizeof(*s));
	s->sender_pid = s->hdr.pid;
	s->hdr.pid = tgid;
	s->hdr.tid = BPF_CORE_READ(task, pid);
	s->signo = sig;
	s->code = 0;
	s->addr = 0;
	if ((unsigned long)info > 1) {
		s->code = BPF_CORE_READ(info, si_code);
		if (s->code > 0)
			s->addr = (__u64)BPF_CORE_READ(info, _sifields._sigfault._addr);
	}
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	s->ip = regs ? BPF_CORE_READ(regs, ip) : 0;
	s->result = result;
	submit_record(s);
	return 0;
}

#endif
