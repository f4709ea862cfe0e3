// ps-deny-syscall: runs a command with some system calls refused, to take one
// event source away from `pagescope record` for real (issue 12: a test removes
// one source on purpose and checks that it is named, never silently missing).
//
//   ps-deny-syscall NAME[,NAME...] -- CMD [ARGS...]
//
// Installs a seccomp filter that makes each named call fail with EACCES, then
// execs CMD; the filter is inherited by every child and survives exec
// (seccomp(2)). Only x86-64: system call numbers are per architecture, and the
// filter checks the architecture before it compares a number, so a call made
// through another ABI (i386 int 0x80) is let through rather than misread.
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#if !defined(__x86_64__)
#error "ps-deny-syscall: only x86-64 system call numbers are listed"
#endif

namespace {

struct Call {
  const char* name;
  int nr;
};

// The calls a test may want to take away from the recorder.
constexpr Call kCalls[] = {
    {"perf_event_open", __NR_perf_event_open},
    {"bpf", __NR_bpf},
    {"mount", __NR_mount},
    {"process_vm_readv", __NR_process_vm_readv},
};

int usage() {
  std::fprintf(stderr, "usage: ps-deny-syscall NAME[,NAME...] -- CMD [ARGS...]\nNAME is one of:");
  for (const auto& c : kCalls) std::fprintf(stderr, " %s", c.name);
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--") != 0) return usage();
  std::vector<int> denied;
  std::string names = argv[1];
  for (size_t pos = 0; pos <= names.size();) {
    size_t comma = names.find(',', pos);
    if (comma == std::string::npos) comma = names.size();
    const std::string name = names.substr(pos, comma - pos);
    bool known = false;
    for (const auto& c : kCalls) {
      if (name == c.name) {
        denied.push_back(c.nr);
        known = true;
      }
    }
    if (!known) {
      std::fprintf(stderr, "ps-deny-syscall: unknown system call '%s'\n", name.c_str());
      return usage();
    }
    pos = comma + 1;
  }

  // arch check, then one compare per denied number (each jumps to the EACCES
  // return at the end), then allow.
  std::vector<sock_filter> prog = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
  };
  for (size_t i = 0; i < denied.size(); ++i) {
    // Over the compares after this one and the allow, to the EACCES return.
    const auto skip = static_cast<unsigned char>(denied.size() - i);
    prog.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(denied[i]), skip, 0));
  }
  prog.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  prog.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)));
  sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};

  // Without CAP_SYS_ADMIN a filter needs no_new_privs; root does not, and
  // keeps setuid programs working under it.
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
    if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
      std::fprintf(stderr, "ps-deny-syscall: cannot install the seccomp filter: %s\n",
                   std::strerror(errno));
      return 1;
    }
  }
  execvp(argv[3], argv + 3);
  std::fprintf(stderr, "ps-deny-syscall: cannot run '%s': %s\n", argv[3], std::strerror(errno));
  return 127;
}
