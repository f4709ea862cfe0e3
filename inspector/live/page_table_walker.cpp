#include "inspector/live/page_table_walker.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "access_walk.skel.h"
#include "inspector/live/direct_map.h"

namespace pagescope::live {
namespace {

// Runs a BPF_PROG_TYPE_SYSCALL program with `args` as its context; the kernel
// copies the context back, results included.
int run_syscall_prog(bpf_program* prog, void* args, size_t size) {
  LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = static_cast<__u32>(size));
  int err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
  if (err) return err;
  return static_cast<int>(opts.retval);
}

}  // namespace

Result<std::unique_ptr<PageTableWalker>> PageTableWalker::open() {
  std::unique_ptr<PageTableWalker> w(new PageTableWalker());
  const bool la57 = five_level_paging();
  w->skel_ = access_walk_bpf__open();
  if (!w->skel_) return Error{std::string("cannot open the page-table walker: ") + strerror(errno)};
  w->skel_->rodata->la57 = la57;
  if (access_walk_bpf__load(w->skel_) != 0) {
    int err = errno;
    return Error{std::string("cannot load the page-table walker (BPF syscall programs, bpf_loop, "
                             "bpf_task_from_pid): ") + strerror(err),
                 err == EPERM ? ErrorKind::kPermission : ErrorKind::kUnsupported};
  }
  bpf_program* find = w->skel_->progs.find_direct_map;
  auto probe = [find](uint64_t phys, uint64_t a, uint64_t b, uint64_t first,
                      uint64_t last) -> Result<uint64_t> {
    ps_direct_map_args args{};
    args.phys = phys;
    args.cookie_a = a;
    args.cookie_b = b;
    args.first_base = first;
    args.last_base = last;
    if (run_syscall_prog(find, &args, sizeof(args)) != 0) {
      return Error{std::string("cannot run the direct-map probe: ") + strerror(errno)};
    }
    return static_cast<uint64_t>(args.base);
  };
  auto base = find_direct_map_base(probe, la57);
  if (!base) return base.error();
  w->skel_->bss->direct_map_base = *base;
  return w;
}

PageTableWalker::~PageTableWalker() {
  if (skel_) access_walk_bpf__destroy(skel_);
}

Result<WalkBatch> PageTableWalker::walk(uint32_t pid, uint64_t start, uint64_t end,
                                        uint32_t max_chunks) {
  ps_walk_args args{};
  args.start = start;
  args.end = end;
  args.pid = pid;
  args.max_chunks = max_chunks;
  if (run_syscall_prog(skel_->progs.walk_range, &args, sizeof(args)) != 0) {
    return Error{std::string("page-table walk failed: ") + strerror(errno)};
  }
  if (args.error == -ESRCH) return Error{"process gone", ErrorKind::kUnsupported};
  if (args.error != 0) return Error{"page-table walk refused: " + std::to_string(args.error)};
  WalkBatch batch;
  uint32_t n = args.chunks < PS_WALK_MAX_CHUNKS ? args.chunks : PS_WALK_MAX_CHUNKS;
  batch.chunks = std::span<const ps_walk_chunk>(skel_->bss->chunks, n);
  batch.next = args.next;
  batch.failed_reads = args.failed_reads;
  batch.tables_read = args.tables_read;
  return batch;
}

}  // namespace pagescope::live
