// Where a refused access landed, from the layout alone.
#include "inspector/model/signal_site.h"

#include <gtest/gtest.h>

using namespace pagescope::model;

namespace {

Vma vma(uint64_t start, uint64_t end, uint8_t perms, VmaKind kind, bool file = false, std::string path = "") {
  Vma v;
  v.start = start;
  v.end = end;
  v.perms = perms;
  v.kind = v.base_kind = kind;
  v.file = file;
  v.path = std::move(path);
  return v;
}

ps_signal signal(uint32_t signo, int32_t code, uint64_t addr) {
  ps_signal s{};
  s.hdr.kind = PS_EV_SIGNAL;
  s.hdr.size = sizeof s;
  s.signo = signo;
  s.code = code;
  s.addr = addr;
  return s;
}

}  // namespace

TEST(SignalSite, EachSiteFromTheLayout) {
  AddressSpace space;
  space.map(vma(0x555500000000, 0x555500021000, kPermRead | kPermWrite, VmaKind::kHeap, false, "[heap]"));
  space.map(vma(0x7f0000000000, 0x7f0000001000, 0, VmaKind::kGuard));
  space.map(vma(0x7f0000001000, 0x7f0000801000, kPermRead | kPermWrite, VmaKind::kThreadStack));
  space.map(vma(0x7f1000000000, 0x7f1000001000, 0, VmaKind::kGuard));
  space.map(vma(0x7f2000000000, 0x7f2000001000, kPermRead, VmaKind::kAnon));
  space.map(vma(0x7f3000000000, 0x7f3000002000, kPermRead, VmaKind::kFile, true, "/data/f"));
  space.map(vma(0x7ffc00000000, 0x7ffc00021000, kPermRead | kPermWrite, VmaKind::kStack, false, "[stack]"));
  auto site = [&](const ps_signal& s) { return classify_signal(s, space).site; };
  EXPECT_EQ(site(signal(11, 1, 16)), SignalSite::kNullPage);
  EXPECT_EQ(site(signal(11, 1, 0x555500021800)), SignalSite::kBeyondHeap);
  EXPECT_EQ(site(signal(11, 2, 0x7f0000000800)), SignalSite::kThreadStackGuard);
  EXPECT_EQ(site(signal(11, 2, 0x7f1000000800)), SignalSite::kProtNone);
  EXPECT_EQ(site(signal(11, 2, 0x7f2000000010)), SignalSite::kNotAllowed);
  EXPECT_EQ(site(signal(7, 2, 0x7f3000001000)), SignalSite::kBeyondFile);
  EXPECT_EQ(site(signal(11, 1, 0x7ffc00000000 - 0x9000)), SignalSite::kStackGuard);
  EXPECT_EQ(site(signal(11, 1, 0x7ffc00000000 - kStackGuardGap - 4096)), SignalSite::kUnmapped)
      << "beyond the guard gap: not the stack's";
  EXPECT_EQ(site(signal(11, 0, 0)), SignalSite::kSent) << "kill(pid, SIGSEGV): SI_USER";
  EXPECT_EQ(site(signal(7, 1, 0x7f4000000000)), SignalSite::kOther) << "an alignment SIGBUS off any mapping";
  const SignalSiteResult heap = classify_signal(signal(11, 1, 0x555500021800), space);
  ASSERT_NE(heap.vma, nullptr);
  EXPECT_EQ(heap.vma->kind, VmaKind::kHeap);
}
