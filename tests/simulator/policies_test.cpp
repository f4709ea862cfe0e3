// Each policy against a sequence worked by hand (the working is in the
// comments), chosen to exercise what makes the policy different.
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {
using testing::make_trace;
using testing::replay;
using V = std::vector<uint64_t>;

// Clock, bit SET on load, 3 frames: 1 2 3 fill slots 0..2 with bits set. 4: the
// hand clears 1, 2, 3 and comes back to slot 0 -> evicts 1 (as FIFO would).
// 2 hits (bit set). 5: hand at slot 1: 2 has its bit -> cleared; slot 2: 3 clear
// -> evict 3 (FIFO would evict 2: the second chance).
TEST(Clock, SecondChanceSparesReferencedPage) {
  auto r = replay(make_trace({1, 2, 3, 4, 2, 5}), "clock", 3);
  EXPECT_EQ(r.evicted, (V{1, 3}));
  EXPECT_EQ(r.pattern, "MMMMHM");
}

// The initial-bit convention matters: 1 2 3 1 4 with 3 frames.
// clock  (set on load): every bit is set at 4, the hand sweeps round -> evicts 1.
// clock0 (clear on load): only 1 (hit) has its bit; the hand clears it and
// evicts 2.
TEST(Clock, InitialReferenceBitConventions) {
  Trace t = make_trace({1, 2, 3, 1, 4});
  EXPECT_EQ(replay(t, "clock", 3).evicted, (V{1}));
  EXPECT_EQ(replay(t, "clock0", 3).evicted, (V{2}));
}

// Enhanced clock, 3 frames: 1 is written, 2 and 3 read. At 4 every page is
// referenced: pass 1 finds no (0,0), pass 2 clears all bits finding no (0,1);
// pass 1 again finds 2 = (0,0) first: the clean page goes, not the dirty 1
// that FIFO and clock would evict.
TEST(Nru, PrefersCleanVictim) {
  Trace t = make_trace({1, 2, 3, 4}, {true, false, false, false});
  auto r = replay(t, "nru", 3);
  EXPECT_EQ(r.evicted, (V{2}));
  EXPECT_EQ(r.result.dirty_writebacks, 0u);
  EXPECT_EQ(replay(t, "clock", 3).result.dirty_writebacks, 1u);
}

// LFU, 2 frames: 1 1 2 3 -> counts {1:2, 2:1}: 2 goes (LRU would evict 1),
// so the final 1 hits. Ties go to the least recent: 1 2 3 evicts 1.
TEST(Lfu, EvictsLeastFrequentThenLeastRecent) {
  auto r = replay(make_trace({1, 1, 2, 3, 1}), "lfu", 2);
  EXPECT_EQ(r.evicted, (V{2}));
  EXPECT_EQ(r.pattern, "MHMMH");
  EXPECT_EQ(replay(make_trace({1, 2, 3}), "lfu", 2).evicted, (V{1}));
}

TEST(Random, SeededAndReproducible) {
  Trace t = testing::uniform_trace(20000, 200, 7);
  auto a = testing::run(t, "random", 50, 42);
  auto b = testing::run(t, "random", 50, 42);
  EXPECT_EQ(a.faults, b.faults);
  bool some_seed_differs = false;
  for (uint64_t s = 1; s < 6; ++s) some_seed_differs |= testing::run(t, "random", 50, s).faults != a.faults;
  EXPECT_TRUE(some_seed_differs);
}

// ARC, c = 2 (T1, T2 resident; B1, B2 ghosts; p starts at 0):
//  1 miss  T1=[1]
//  1 hit   T2=[1]
//  2 miss  T1=[2]
//  3 miss  |T1|+|B1| = 1 < 2: REPLACE with p=0: |T1| = 1 > 0 -> 2 to B1. Evict 2.
//  2 miss, ghost hit in B1: p += max(|B2|/|B1|, 1) = 1. REPLACE: |T1| = 1 is not
//          > p = 1 -> T2's LRU 1 goes to B2. Evict 1 (with p still 0 it would
//          have been 3: the adaptation decided). 2 -> T2.
//  1 miss, ghost hit in B2: p -= max(|B1|/|B2|, 1) -> 0. REPLACE: |T1| = 1 > 0
//          -> 3 to B1. Evict 3. 1 -> T2 = [1, 2].
//  3 miss, ghost hit in B1: p -> 1. T1 empty -> T2's LRU 2 to B2. Evict 2.
TEST(Arc, GhostHitsAdaptTarget) {
  auto r = replay(make_trace({1, 1, 2, 3, 2, 1, 3}), "arc", 2);
  EXPECT_EQ(r.evicted, (V{2, 1, 3, 2}));
  EXPECT_EQ(r.pattern, "MHMMMMM");
}

// ARC keeps a page referenced twice (T2) through a scan of one-time pages,
// which LRU does not.
TEST(Arc, ScanResistant) {
  V refs = {1, 1, 2, 2};
  for (uint64_t p = 100; p < 110; ++p) refs.push_back(p);
  refs.push_back(1);
  refs.push_back(2);
  Trace t = make_trace(refs);
  EXPECT_EQ(replay(t, "arc", 4).pattern.substr(refs.size() - 2), "HH");
  EXPECT_EQ(replay(t, "lru", 4).pattern.substr(refs.size() - 2), "MM");
}

// 2Q, 4 frames: Kin = 1, Kout = 2.
//  1 2 3 4 fill A1in. 5: |A1in| = 4 > Kin -> 1 out to A1out. 1 again: 2 out
//  to A1out = [2, 1], then 1 is found in A1out and promoted to Am.
//  6 7 8 9 10: each pushes A1in's oldest out (3, 4, 5, 6, 7) while |A1in| > Kin;
//  Am = [1] is untouched, so the last 1 hits. (FIFO with 4 frames misses it.)
TEST(TwoQ, A1outPromotesToAm) {
  Trace t = make_trace({1, 2, 3, 4, 5, 1, 6, 7, 8, 9, 10, 1});
  auto r = replay(t, "twoq", 4);
  EXPECT_EQ(r.evicted, (V{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(r.pattern, "MMMMMMMMMMMH");
  EXPECT_EQ(replay(t, "fifo", 4).pattern.back(), 'M');
}

// 2Q: a hit in A1in does not promote (correlated references): 1 1 then a scan
// of 5 new pages with 4 frames pushes 1 out of A1in like FIFO.
TEST(TwoQ, A1inHitDoesNotPromote) {
  auto r = replay(make_trace({1, 1, 2, 3, 4, 5, 6, 1}), "twoq", 4);
  EXPECT_EQ(r.evicted.front(), 1u);
  EXPECT_EQ(r.pattern.back(), 'M');
}

// 2Q (Johnson & Shasha, VLDB'94, Fig. 2): a page found in A1out on a fault
// goes to Am even when reclaimfor() pushes its own id off A1out. 4 frames:
// Kin = 1, Kout = 2 (lists newest first).
//   8 1 2 4   fill the free frames: A1in [4 2 1 8]
//   3   |A1in| 4 > Kin: 8 out, A1out [8]; A1in [3 4 2 1]
//   8   in A1out: reclaimfor: 1 out, A1out [1 8] (2, not > Kout); 8 -> Am [8];
//       A1out [1]; A1in [3 4 2]
//   7   new: 2 out, A1out [2 1]; A1in [7 3 4]
//   1   in A1out: reclaimfor: 4 out, A1out [4 2 1] is 3 > Kout, so its tail,
//       1 itself, is trimmed; 1 still goes to Am [1 8] (the bug put it in A1in
//       because its id was gone). A1out [4 2]; A1in [7 3]
//   4   in A1out: reclaimfor: 3 out, A1out [3 4 2] trims 2; 4 -> Am [4 1 8];
//       A1out [3]; A1in [7]
//   6   new: |A1in| 1 = Kin: Am's LRU 8 out (no ghost); A1in [6 7]; Am [4 1]
//   8   not in A1out (it left from Am): a miss; 7 out to A1out.
// 11 faults, evictions 8 1 2 4 3 8 7. (With 1 in A1in, 7 not 8 left at 6 and
// the last 8 hit: 10 faults.)
TEST(TwoQ, A1outPageTrimmedByItsOwnReclaimStillGoesToAm) {
  auto r = replay(make_trace({8, 1, 2, 4, 3, 8, 7, 1, 4, 6, 8}), "twoq", 4);
  EXPECT_EQ(r.result.faults, 11u);
  EXPECT_EQ(r.evicted, (V{8, 1, 2, 4, 3, 8, 7}));
  EXPECT_EQ(r.pattern, "MMMMMMMMMMM");
}

// S3-FIFO, 10 frames: S holds 10% = 1 page's worth before it starts evicting.
//  1..10 fill S. 11: S's tail 1 has freq 0 -> to the ghost queue G. Evict 1.
//  1: in G -> inserted into M (ghost re-insertion); S's tail 2 -> G. Evict 2.
//  12..30: S is always >= 10%, so each new page evicts S's tail; M = [1] stays.
//  The final 1 hits; FIFO with 10 frames would have evicted it.
TEST(S3Fifo, GhostReinsertionGoesToMain) {
  V refs;
  for (uint64_t p = 1; p <= 11; ++p) refs.push_back(p);
  refs.push_back(1);
  for (uint64_t p = 12; p <= 30; ++p) refs.push_back(p);
  refs.push_back(1);
  Trace t = make_trace(refs);
  auto r = replay(t, "s3fifo", 10);
  ASSERT_GE(r.evicted.size(), 2u);
  EXPECT_EQ(r.evicted[0], 1u);
  EXPECT_EQ(r.evicted[1], 2u);
  EXPECT_EQ(std::count(r.evicted.begin(), r.evicted.end(), 1u), 1);
  EXPECT_EQ(r.pattern.back(), 'H');
  EXPECT_EQ(replay(t, "fifo", 10).pattern.back(), 'M');
}

// S3-FIFO: a page hit twice while in S (freq 2 > 1) moves to M instead of
// leaving: 1..10, 1, 1, 11 -> S's tail 1 moves to M, then 2 (freq 0) is evicted.
TEST(S3Fifo, FrequentSmallPageMovesToMain) {
  V refs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 1, 11};
  auto r = replay(make_trace(refs), "s3fifo", 10);
  EXPECT_EQ(r.evicted, (V{2}));
}

// SIEVE, 3 frames (queue written head..tail):
//  1 2 3 -> [3 2 1]. 1 hits: visited(1).
//  4: hand starts at the tail, 1 is visited -> cleared, move toward the head:
//     2 unvisited -> evict 2; the hand stays at 3. Queue [4 3 1].
//  5: hand at 3, unvisited -> evict 3 (LRU-from-tail would take 1). Hand -> 4.
//  1 hits (visited). 6: hand at 4 -> evict 4, hand -> 5. Queue [6 5 1].
//  5 and 6 hit. 7: hand at 5 visited -> clear; 6 visited -> clear; the head is
//  passed so the hand wraps to the tail: 1 visited -> clear; then 5 -> evict 5.
TEST(Sieve, HandStaysAndWraps) {
  auto r = replay(make_trace({1, 2, 3, 1, 4, 5, 1, 6, 5, 6, 7}), "sieve", 3);
  EXPECT_EQ(r.evicted, (V{2, 3, 4, 5}));
  EXPECT_EQ(r.pattern, "MMMHMMHMHHM");
}

// LIRS, 3 frames: 2 LIR pages and 1 resident-HIR slot. (S top first; Q front first.)
//  1 2 -> LIR. 3 -> resident HIR, Q=[3]. S=[3 2 1].
//  4: evict Q's front 3 (stays in S, non-resident); 4 resident HIR, Q=[4].
//  3: evict 4 (non-resident in S); 3 was in S -> LIR; LIR set overfull, so the
//     bottom LIR page 1 becomes resident HIR, Q=[1]. S=[3 4 2] after pruning.
//  1 hits (resident HIR not in S: pushed on S, moved to Q's end).
//  5: evict Q's front 1; 5 resident HIR.
//  2 hits: LIR at the bottom of S -> moved to the top; pruning drops the
//     non-resident 4 from the bottom.
// LRU would miss on both 1 and 2 here.
TEST(Lirs, HandWorkedLirHirTransitions) {
  auto r = replay(make_trace({1, 2, 3, 4, 3, 1, 5, 2}), "lirs", 3);
  EXPECT_EQ(r.evicted, (V{3, 4, 1}));
  EXPECT_EQ(r.pattern, "MMMMMHMH");
  EXPECT_EQ(replay(make_trace({1, 2, 3, 4, 3, 1, 5, 2}), "lru", 3).pattern, "MMMMHMMM");
}

// The Linux model, 4 frames of read-only (file) pages, inactive ratio 1
// (inactive list written head first):
//  1 2 3 4 -> inactive [4 3 2 1]. 1, 2 hit (young).
//  5: 1 and 2 are young, not yet referenced -> marked referenced and rotated
//     (second chance); 3 is old -> evicted (age 0 -> 1). [5 2 1 4]
//  1, 2 hit again. 6: evicts 4 (age 2). [6 5 2 1]
//  7: 1 and 2 are young AND referenced -> activated (age 3, 4); 5 evicted with
//     shadow age 4 (age 5). inactive [7 6], active [2 1].
//  5 refaults: 6 is evicted first (age 6); distance 6 - 4 = 2 <= workingset
//     (active file = 2) -> 5 goes straight to the active list (age 7).
//  3 refaults: inactive [7] < active 3 -> 1 deactivated; 7 evicted (age 8);
//     distance 8 - 0 = 8 > 2 -> 3 goes to the inactive list. [3 1]
//  8: 1 (deactivated, old) is evicted. 9: 3 is evicted. 5, active, hits.
TEST(Linux, SecondChancePromotionAndRefaultActivation) {
  auto r = replay(make_trace({1, 2, 3, 4, 1, 2, 5, 1, 2, 6, 7, 5, 3, 8, 9, 5}), "linux", 4);
  EXPECT_EQ(r.evicted, (V{3, 4, 5, 6, 7, 1, 3}));
  EXPECT_EQ(r.pattern, "MMMMHHMHHMMMMMMH");
}

// LRU-2 (O'Neil, O'Neil & Weikum, SIGMOD'93: evict the page whose second-to-last
// reference is oldest; pages seen once first, LRU among them; no correlated
// reference period; history kept for evicted pages). 3 frames, times from 0,
// "once" = pages with one known reference, oldest last:
//  t0 1   miss, once [1]          t1 1  hit: HIST2(1) = 0, off the once list
//  t2 2, t3 3  miss, once [3 2]   t4 4  miss: once's oldest 2 goes (LRU: 1)
//  t5 1   hit: HIST2(1) = 1
//  t6 2   miss: once's oldest 3 goes; 2 comes back with HIST2 = 2 (its t2
//         reference, remembered), so it is not "once"
//  t7 5   miss: 4 (the only once page) goes. t8 2 hit: HIST2(2) = 6
//  t9 3   miss: 5 goes; 3 comes back with HIST2 = 3. t10 1 hit: HIST2(1) = 5
//  t11 6  miss, no once page: HIST2 1 -> 5, 2 -> 6, 3 -> 3: 3 goes, though it
//         was referenced more recently than 2 (LRU evicts 2).
TEST(Lru2, EvictsOldestSecondToLastReference) {
  Trace t = make_trace({1, 1, 2, 3, 4, 1, 2, 5, 2, 3, 1, 6});
  auto r = replay(t, "lru2", 3);
  EXPECT_EQ(r.evicted, (V{2, 3, 4, 5, 3}));
  EXPECT_EQ(r.pattern, "MHMMMHMMHMHM");
  auto lru = replay(t, "lru", 3);
  EXPECT_EQ(lru.pattern, "MHMMMMMMHMMM");
  EXPECT_EQ(lru.evicted.back(), 2u);
  EXPECT_EQ(policies::find_policy("lru-k"), policies::find_policy("lru2"));
}

// LRU-2 against its definition, computed the slow way: at each fault with
// memory full, scan every resident page for the largest backward 2-distance
// (never referenced twice = infinite, least recent first). The list + heap
// must evict the same pages in the same order.
TEST(Lru2, MatchesTheDefinitionOnRandomTraces) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Trace t = seed % 2 ? testing::uniform_trace(3000, 60, seed) : testing::zipf_trace(3000, 200, 0.9, seed);
    for (uint32_t frames : {1u, 2u, 5u, 17u, 40u}) {
      std::vector<uint64_t> last(t.distinct_pages(), 0), second(t.distinct_pages(), 0);
      std::vector<uint8_t> resident(t.distinct_pages(), 0);
      uint32_t used = 0;
      V expected;
      for (size_t i = 0; i < t.size(); ++i) {
        const PageId p = t.refs[i];
        if (!resident[p]) {
          if (used == frames) {
            PageId victim = kNoPage;
            auto key = [&](PageId q) { return std::pair{second[q] != 0, second[q] ? second[q] : last[q]}; };
            for (PageId q = 0; q < t.distinct_pages(); ++q)
              if (resident[q] && (victim == kNoPage || key(q) < key(victim))) victim = q;
            resident[victim] = 0;
            --used;
            expected.push_back(t.page_of[victim]);
          }
          resident[p] = 1;
          ++used;
        }
        second[p] = last[p];
        last[p] = i + 1;
      }
      EXPECT_EQ(replay(t, "lru2", frames).evicted, expected) << "seed " << seed << " frames " << frames;
    }
  }
}

// CAR (Bansal & Modha, FAST'04, Fig. 2), c = 2, p = 0. Clocks written from the
// hand (oldest) to the tail, * = reference bit set; ghost lists MRU first.
//  1 2      T1 [1 2]. 1 hits: T1 [1* 2]
//  3   replace: |T1| 2 >= max(1, p): 1 has its bit -> cleared, to T2's tail;
//      2's is clear -> B1 [2]. Evict 2. T1 [3], T2 [1]
//  4   replace: 3 -> B1 [3 2]. Evict 3. |T1| + |B1| = 2 = c: B1's LRU 2 is
//      dropped. T1 [4]
//  3   replace first: 4 -> B1 [4 3]. Evict 4. Then 3 is in B1: p = 0 + max(1,
//      0/2) = 1; 3 to T2 [1 3]
//  1   hits: T2 [1* 3]
//  5   replace: |T1| 0 < max(1, p) -> T2's hand: 1 cleared and to the tail,
//      3 -> B2 [3]. Evict 3. T1 [5], T2 [1]
//  3   replace: |T1| 1 >= 1: 5 -> B1 [5 4]. Evict 5. 3 in B2: p = 1 - max(1,
//      2/1) -> 0; T2 [1 3]
//  4   replace: |T1| 0 -> T2's hand: 1 (bit cleared at 5) -> B2 [1]. Evict 1.
//      4 in B1: p = 0 + max(1, 1/2) = 1; T2 [3 4]
//  3   hits.
TEST(Car, ClocksAndGhostHitsAdaptTarget) {
  auto r = replay(make_trace({1, 2, 1, 3, 4, 3, 1, 5, 3, 4, 3}), "car", 2);
  EXPECT_EQ(r.evicted, (V{2, 3, 4, 3, 5, 1}));
  EXPECT_EQ(r.pattern, "MMHMMMHMMMH");
}

// CLOCK-Pro (Jiang, Chen & Zhang, USENIX ATC'05, section 3), m = 3 frames:
// m_c starts at 1 and stays in [1, 2]; hot pages at most m - m_c. List head
// first; H hot, C cold in its test period, c cold after it, N non-resident
// in its test period; hands move from the tail toward the head and wrap.
//  1 2   warm-up, fewer than m - m_c = 2 hot: [2H 1H]. 3: [3C 2H 1H]
//  4   HAND_cold from the tail skips 1, 2 (hot); 3's bit is clear -> evicted,
//      stays as 3N. [4C 3N 2H 1H]; the hand wraps to the tail
//  3   HAND_cold: 1, 2, 3N skipped, 4 evicted -> 4N. 3 was in its test period:
//      hot at the head, m_c = 2, so hot pages <= 1: HAND_hot demotes 1 then 2
//      (bits clear). [3H 4N 2c 1c], HAND_hot at 4
//  1   hits (bit set)
//  5   HAND_cold at 1: bit set, not in a test period -> cleared, to the head
//      with a new one; 2 (clear, no test period) evicted and forgotten.
//      [5C 1C 3H 4N]
//  4   HAND_cold skips 4N and 3H, evicts 1 -> 1N. 4 in its test period: hot;
//      HAND_hot (moved on from 4 to 3) demotes 3. [4H 5C 1N 3c]
//  1   HAND_cold evicts 5 -> 5N. 1 in its test period: hot; HAND_hot ends 5N's
//      test period (forgotten, m_c back to 1), demotes 4. [1H 4c 3c]
//  3   hits.
TEST(ClockPro, HandWorkedTestPeriodsAndHands) {
  auto r = replay(make_trace({1, 2, 3, 4, 3, 1, 5, 4, 1, 3}), "clockpro", 3);
  EXPECT_EQ(r.evicted, (V{3, 4, 2, 1, 5}));
  EXPECT_EQ(r.pattern, "MMMMMHMMMH");
}

// CLOCK-Pro keeps hot pages through a scan of pages referenced once: the scan's
// pages are cold and HAND_cold takes them; nothing is promoted, so HAND_hot
// never runs. 4 frames: 1, 2 (referenced twice) and 100 are hot after warm-up.
TEST(ClockPro, ScanResistant) {
  V refs = {1, 1, 2, 2};
  for (uint64_t p = 100; p < 110; ++p) refs.push_back(p);
  refs.push_back(1);
  refs.push_back(2);
  Trace t = make_trace(refs);
  EXPECT_EQ(replay(t, "clockpro", 4).pattern.substr(refs.size() - 2), "HH");
  EXPECT_EQ(replay(t, "lru", 4).pattern.substr(refs.size() - 2), "MM");
}

// W-TinyLFU (Einziger, Friedman & Manes, ACM TOS 2017), 4 frames: window 1,
// main 3 (protected at most 2). f = the sketch's count (every reference adds
// one; no reset within 40 references). Lists MRU first.
//  1 2 3 4   each pushes the window's page into probation (memory not full):
//            window [4], probation [3 2 1]
//  1 2       hit in probation -> protected [2 1]; probation [3]
//  5   window's 4 (f 1) against probation's LRU 3 (f 1): not more -> 4 evicted
//  3   hit in probation -> protected [3 2 1] over 2: 1 back to probation [1]
//  6   5 (f 1) vs 1 (f 2): 5 evicted.  5: 6 (f 1) vs 1: 6 evicted (f5 = 2)
//  6   5 (f 2) vs 1 (f 2): a tie keeps 1, 5 evicted (f6 = 2)
//  5   6 (f 2) vs 1: 6 evicted (f5 = 3)
//  7   5 (f 3) vs 1 (f 2): 5 admitted to probation [5], 1 evicted
//  1   7 (f 1) vs 5 (f 3): 7 evicted.  5 hits in probation -> protected.
// LRU with 4 frames keeps 5 and 6 instead and misses on 3.
TEST(WTinyLfu, FrequencyAdmitsTheWindowsCandidate) {
  Trace t = make_trace({1, 2, 3, 4, 1, 2, 5, 3, 6, 5, 6, 5, 7, 1, 5});
  auto r = replay(t, "wtinylfu", 4);
  EXPECT_EQ(r.evicted, (V{4, 5, 6, 5, 6, 1, 7}));
  EXPECT_EQ(r.pattern, "MMMMHHMHMMMMMMH");
  EXPECT_EQ(replay(t, "lru", 4).pattern, "MMMMHHMMMHHHMMH");
}

// W-TinyLFU's aging: 2 frames (window 1, main 1), so the sketch halves every
// counter after 10 x 2 = 20 references, and the count of references with it.
//  t0-9    1 ten times: f1 = 10. t10: 2 pushes 1 into main (memory not full).
//  t11-28  3..20: each window page (f 1) loses to 1 and is evicted.
//          At t19 (the 20th reference) the reset: f1 = 5, the count 10.
//  t29     50: 20 evicted; the 20th count again: reset, f1 = 2, f50 = 0.
//  t30-32  50 hits three times: f50 = 3.
//  t33     51: the candidate 50 (3) beats main's 1 (2): 1 is evicted. With
//          f1 still 10, or halved once (5), 50 would have been.
TEST(WTinyLfu, ResetAgesOldFrequencies) {
  V refs(10, 1);
  for (uint64_t p = 2; p <= 20; ++p) refs.push_back(p);
  for (int i = 0; i < 4; ++i) refs.push_back(50);
  refs.push_back(51);
  auto r = replay(make_trace(refs), "wtinylfu", 2);
  V expected;
  for (uint64_t p = 2; p <= 20; ++p) expected.push_back(p);
  expected.push_back(1);
  EXPECT_EQ(r.evicted, expected);
}

// remove() (a page unmapped) must leave every policy consistent: afterwards
// the policy still replays to completion with the right number of references.
TEST(AllPolicies, RemoveKeepsStateConsistent) {
  Trace t = testing::uniform_trace(4000, 64, 3);
  for (const auto& info : policies::all_policies()) {
    PolicyConfig cfg{16, t.distinct_pages(), 1, &t};
    auto policy = info.make(cfg);
    std::vector<uint8_t> resident(t.distinct_pages(), 0);
    uint32_t used = 0;
    for (size_t i = 0; i < t.size(); ++i) {
      Access a{t.refs[i], i, t.writes[i] != 0};
      if (resident[a.page]) {
        policy->on_hit(a);
        if (i % 7 == 0) {  // unmap it right after the hit
          policy->remove(a.page);
          resident[a.page] = 0;
          --used;
        }
        continue;
      }
      if (used == 16) {
        PageId v = policy->pick_victim(a);
        ASSERT_TRUE(resident[v]) << info.name << " evicted a page not in memory at " << i;
        resident[v] = 0;
        --used;
      }
      policy->on_insert(a);
      resident[a.page] = 1;
      ++used;
    }
  }
}

// MGLRU (simulator/policies/mglru.cpp), worked by hand with 3 frames on
// 1 2 3 1 4 5 1 2. Faults put pages in generation max_seq - 1 = 2 (start:
// min_seq 0, max_seq 3), accessed bit set.
//  t3 (1): hit, bit already set.
//  t4 (4): generations 0 and 1 are empty and retired; two left (2, 3), so
//    aging: max_seq 4, and the walk moves 1, 2, 3 (all accessed) to
//    generation 4 in order, bits cleared. Generations 2 and 3 empty: retired,
//    with two agings (max_seq 5, 6) finding nothing accessed. The oldest is
//    4 = [3 2 1]: its tail 1 is not accessed since the walk: evicted, though
//    LRU would keep it (it was used after 2 and 3). 4 joins generation 5.
//  t5 (5): 2 evicted (tail of generation 4); t6 (1): 3 evicted.
//  t7 (2): generation 4 empty, retired; aging (max_seq 7) moves 4, 5, 1 (all
//    accessed at their faults) to 7; two more agings; 4, at the tail, goes.
// 7 faults where LRU takes 6 (it hits at t6).
TEST(Mglru, GenerationsAgeByAccessedBitsNotByOrder) {
  auto t = make_trace({1, 2, 3, 1, 4, 5, 1, 2});
  auto r = replay(t, "mglru", 3);
  EXPECT_EQ(r.pattern, "MMMHMMMM");
  EXPECT_EQ(r.evicted, (V{1, 2, 3, 4}));
  EXPECT_EQ(replay(t, "lru", 3).pattern, "MMMHMMHM");
}

// A page referenced again after aging is found accessed by the eviction
// scan (look-around) and promoted to the youngest generation instead of
// going: 1 2 3 4 (ages, evicts 1), then 2 is referenced, and 5 evicts 3,
// not 2 (2's bit is set: promoted to max_seq).
TEST(Mglru, AnAccessedPageInTheOldestGenerationIsPromoted) {
  auto t = make_trace({1, 2, 3, 4, 2, 5});
  auto r = replay(t, "mglru", 3);
  EXPECT_EQ(r.pattern, "MMMMHM");
  EXPECT_EQ(r.evicted, (V{1, 3}));
}

}  // namespace
}  // namespace pagescope::sim
