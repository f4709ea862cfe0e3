// A model of Linux's active/inactive LRU (classic LRU, not MGLRU), per node:
//  - two list pairs, anon and file. Traces do not say which a page is, so a
//    page the trace ever writes is taken as anon and the rest as file: a guess,
//    stated in docs/simulator.md;
//  - a faulted-in page goes to the head of its inactive list (anon too since
//    v5.9, commit b518154e59aa "mm/vmscan: protect the workingset on anonymous
//    LRU");
//  - a hit sets the page's accessed ("young") bit, as the MMU does;
//  - an anon page starts young (the faulting access set its PTE's accessed
//    bit); a file page starts old (it may be page cache read() without a PTE);
//  - reclaim scans the inactive tail: a young page that was already marked
//    referenced is activated and keeps the mark, a young page seen for the
//    first time is marked referenced and rotated (second chance,
//    folio_check_references() in mm/vmscan.c), an old page is evicted and
//    leaves a shadow entry holding the lruvec's non-resident age
//    (mm/workingset.c, workingset_eviction());
//  - when an inactive list is smaller than active / ratio (inactive_is_low(),
//    ratio = sqrt(10 x memory in GiB), at least 1) pages move from the active
//    tail to the inactive head with their young bit cleared and their
//    referenced mark kept (shrink_active_list()), so one young bit brings a
//    used page back;
//  - a refault whose distance (age now - age at eviction) is at most the
//    workingset size (active file + active anon + the other type's inactive,
//    as workingset_test_recent() counts it with swap present) is activated at
//    once (workingset_refault());
//  - evictions and activations age the non-resident clock
//    (workingset_age_nonresident()).
//  - which type to reclaim: file unless anon's inactive list, weighted by
//    swappiness 60 against 140 for file (get_scan_count()), is the larger.
#include <algorithm>
#include <cmath>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {
enum Where : uint8_t { kNone, kInactive, kActive };
enum Type : uint8_t { kFile = 0, kAnon = 1 };

class LinuxLru final : public Policy {
 public:
  explicit LinuxLru(const PolicyConfig& c)
      : links_(c.pages), inactive_{PageList(links_), PageList(links_)},
        active_{PageList(links_), PageList(links_)}, where_(c.pages, kNone), type_(c.pages, kFile),
        young_(c.pages, 0), referenced_(c.pages, 0), shadow_(c.pages, kNoShadow) {
    if (c.trace) {
      for (size_t i = 0; i < c.trace->size(); ++i)
        if (c.trace->writes[i]) type_[c.trace->refs[i]] = kAnon;
    }
    double gib = double(c.frames) * double(c.trace ? c.trace->page_size : 4096) / double(1ull << 30);
    ratio_ = std::max<uint32_t>(1, static_cast<uint32_t>(std::sqrt(10.0 * std::floor(gib))));
  }

  void on_hit(const Access& a) override { young_[a.page] = 1; }

  void on_insert(const Access& a) override {
    const PageId p = a.page;
    const Type t = Type(type_[p]);
    // An anon page is always mapped, and the access that faulted it in left
    // its PTE young, so the first scan marks it referenced and keeps it
    // ("All mapped folios start out with page table references from the
    // instantiating fault", folio_check_references()). File pages may be
    // page cache reached through read() with no PTE: they start old.
    young_[p] = t == kAnon ? 1 : 0;
    referenced_[p] = 0;
    if (shadow_[p] != kNoShadow) {
      uint64_t distance = age_ - shadow_[p];
      shadow_[p] = kNoShadow;
      uint64_t workingset = active_[kFile].size() + active_[kAnon].size() +
                            (t == kAnon ? inactive_[kFile].size() : inactive_[kAnon].size());
      if (distance <= workingset) {
        activate_new(p, t);
        return;
      }
    }
    where_[p] = kInactive;
    inactive_[t].push_head(p);
  }

  PageId pick_victim(const Access&) override {
    for (;;) {
      Type t = choose_type();
      balance(t);
      PageList& in = inactive_[t];
      if (in.empty()) continue;  // balance() refilled the other type's list, or will next round
      PageId p = in.tail();
      if (young_[p]) {
        young_[p] = 0;
        if (referenced_[p]) {
          in.unlink(p);
          // The referenced mark stays on activated folios "so that recently
          // deactivated but used folios are quickly recovered"
          // (folio_check_references()): back on the inactive list, one more
          // young bit activates it again.
          activate_new(p, t);
        } else {
          referenced_[p] = 1;
          in.move_to_head(p);
        }
        continue;
      }
      in.unlink(p);
      where_[p] = kNone;
      shadow_[p] = age_++;
      return p;
    }
  }

  void remove(PageId p) override {
    Type t = Type(type_[p]);
    if (where_[p] == kInactive) inactive_[t].unlink(p);
    else if (where_[p] == kActive) active_[t].unlink(p);
    where_[p] = kNone;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(where_, pages, uint8_t(kNone));
    grow_to(type_, pages, uint8_t(kFile));
    grow_to(young_, pages, uint8_t(0));
    grow_to(referenced_, pages, uint8_t(0));
    grow_to(shadow_, pages, uint64_t(kNoShadow));
  }

 private:
  static constexpr uint64_t kNoShadow = UINT64_MAX;

  void activate_new(PageId p, Type t) {
    where_[p] = kActive;
    active_[t].push_head(p);
    ++age_;
  }
  Type choose_type() const {
    uint64_t anon = inactive_[kAnon].size() + active_[kAnon].size();
    uint64_t file = inactive_[kFile].size() + active_[kFile].size();
    if (file == 0) return kAnon;
    if (anon == 0) return kFile;
    return inactive_[kAnon].size() * 60 > inactive_[kFile].size() * 140 ? kAnon : kFile;
  }
  // shrink_active_list(): deactivate from the active tail while the inactive
  // list is low, or when it is empty and the active list is not.
  void balance(Type t) {
    PageList& in = inactive_[t];
    PageList& act = active_[t];
    while (!act.empty() && (in.empty() || uint64_t(in.size()) * ratio_ < act.size())) {
      PageId p = act.pop_tail();
      young_[p] = 0;  // folio_referenced() tests and clears the young bits; PG_referenced stays
      where_[p] = kInactive;
      in.push_head(p);
    }
  }

  PageLinks links_;
  PageList inactive_[2];
  PageList active_[2];
  std::vector<uint8_t> where_, type_, young_, referenced_;
  std::vector<uint64_t> shadow_;
  uint64_t age_ = 0;
  uint32_t ratio_ = 1;
};
}  // namespace

std::unique_ptr<Policy> make_linux(const PolicyConfig& c) { return std::make_unique<LinuxLru>(c); }

}  // namespace pagescope::sim::policies
