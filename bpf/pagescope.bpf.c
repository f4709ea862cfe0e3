// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one BPF object pagescope loads. Each area lives in its own header so the
 * areas share one ring buffer, one traced-process set and one lost counter
 * without cross-object map sharing; the loader turns off, program by program,
 * what the running kernel cannot attach.
 */
#include "common.bpf.h"
#include "faults.bpf.h"
#include "mm_syscalls.bpf.h"
#include "process.bpf.h"
#include "pressure.bpf.h"
#include "kmem.bpf.h"
