// A model of Linux's multi-generational LRU (MGLRU, CONFIG_LRU_GEN, v6.1+;
// Documentation/admin-guide/mm/multigen_lru.rst and mm/vmscan.c, "the
// multi-gen LRU" section), next to the active/inactive `linux` model:
//  - resident pages belong to generations numbered by sequence: min_seq (the
//    oldest) .. max_seq (the youngest), at most MAX_NR_GENS = 4 of them and,
//    for eviction to proceed, at least MIN_NR_GENS + 1 = 3; a new lruvec
//    starts at min_seq 0, max_seq MIN_NR_GENS + 1 (lru_gen_init_lruvec());
//  - a faulted-in page joins generation max_seq - 1, the second youngest
//    (lru_gen_add_folio(): an anon folio not in the swap cache; traces do not
//    say which pages are file pages, which would join min_seq, so all pages are
//    taken as anon), at the head of its list; its accessed bit is set, since
//    the faulting access makes the PTE young;
//  - a hit sets the page's accessed bit, as the MMU does; nothing moves;
//  - aging (inc_max_seq() after walk_mm()) runs when eviction finds fewer than
//    MIN_NR_GENS + 1 generations (should_run_aging(): min_seq + MIN_NR_GENS >
//    max_seq): max_seq grows by one and every resident page whose accessed bit
//    is set moves to the new youngest generation, bit cleared; the walk goes
//    oldest first, so pages keep their order (sort_folio() moves them to the
//    new list's head in scan order);
//  - eviction scans the oldest generation from its tail (scan_folios()): a
//    page whose accessed bit is set is promoted to max_seq, bit cleared (the
//    rmap walk with lru_gen_look_around() finds the young PTE and activates
//    the folio), else it is evicted; an empty oldest generation is retired
//    (try_to_inc_min_seq()) while MIN_NR_GENS + 1 remain.
// Not modelled: tiers within a generation (they count accesses through file
// descriptors, which a page trace does not hold), the PID controller
// between anon and file (one type here), refault feedback from shadow
// entries, the Bloom filters that skip page-table regions (the walk here sees
// every page) and min_ttl_ms thrashing protection. docs/simulator.md says so.
#include <array>
#include <vector>

#include "simulator/intrusive_list.h"
#include "simulator/policy.h"

namespace pagescope::sim::policies {

namespace {

constexpr uint64_t kMaxNrGens = 4;  // MAX_NR_GENS
constexpr uint64_t kMinNrGens = 2;  // MIN_NR_GENS
constexpr uint64_t kNoGen = UINT64_MAX;

class Mglru final : public Policy {
 public:
  explicit Mglru(const PolicyConfig& c)
      : links_(c.pages), lists_{PageList(links_), PageList(links_), PageList(links_), PageList(links_)},
        gen_(c.pages, kNoGen), young_(c.pages, 0) {}

  void on_hit(const Access& a) override { young_[a.page] = 1; }
  void on_insert(const Access& a) override {
    put(a.page, max_seq_ - 1);  // the second youngest generation (anon)
    young_[a.page] = 1;         // the faulting access made the PTE young
  }
  PageId pick_victim(const Access&) override {
    for (;;) {
      // Retire empty oldest generations while enough remain.
      while (min_seq_ + kMinNrGens < max_seq_ && list(min_seq_).empty()) ++min_seq_;
      if (min_seq_ + kMinNrGens > max_seq_) {
        age();
        continue;
      }
      PageList& oldest = list(min_seq_);
      if (oldest.empty()) {
        // Exactly MIN_NR_GENS + 1 generations and the oldest is empty: the
        // kernel retires it and then ages; same here.
        ++min_seq_;
        continue;
      }
      const PageId p = oldest.tail();
      oldest.unlink(p);
      if (young_[p]) {  // referenced since: to the youngest generation
        young_[p] = 0;
        put(p, max_seq_);
        continue;
      }
      gen_[p] = kNoGen;
      return p;
    }
  }
  void remove(PageId p) override {
    list(gen_[p]).unlink(p);
    gen_[p] = kNoGen;
    young_[p] = 0;
  }
  void grow(uint32_t pages) override {
    links_.grow(pages);
    grow_to(gen_, pages, kNoGen);
    grow_to(young_, pages, uint8_t(0));
  }

 private:
  PageList& list(uint64_t seq) { return lists_[seq % kMaxNrGens]; }
  void put(PageId p, uint64_t seq) {
    gen_[p] = seq;
    list(seq).push_head(p);
  }
  // inc_max_seq(): a new youngest generation, and the page-table walk moves
  // every accessed page into it. With MIN_NR_GENS + 1 generations at most
  // before it (aging runs below that), the new one never exceeds MAX_NR_GENS.
  void age() {
    ++max_seq_;
    for (uint64_t seq = min_seq_; seq < max_seq_; ++seq) {
      PageList& l = list(seq);
      for (PageId p = l.tail(); p != kNoPage;) {
        const PageId toward_head = l.next_toward_head(p);
        if (young_[p]) {
          young_[p] = 0;
          l.unlink(p);
          put(p, max_seq_);
        }
        p = toward_head;
      }
    }
  }

  PageLinks links_;
  std::array<PageList, kMaxNrGens> lists_;
  std::vector<uint64_t> gen_;
  std::vector<uint8_t> young_;
  uint64_t min_seq_ = 0, max_seq_ = kMinNrGens + 1;
};

}  // namespace

std::unique_ptr<Policy> make_mglru(const PolicyConfig& c) { return std::make_unique<Mglru>(c); }

}  // namespace pagescope::sim::policies
