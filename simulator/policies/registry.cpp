#include "simulator/policies/registry.h"

#include "simulator/mrc.h"

namespace pagescope::sim::policies {

// One line per policy: X(name, description, is a stack algorithm, one-pass stack
// distances or nullptr).
#define PAGESCOPE_POLICIES(X)                                                                                  \
  X(fifo, "first in, first out", false, nullptr, false)                                                               \
  X(lru, "least recently used", true, lru_stack_distances, false)                                                     \
  X(random, "uniformly random victim (seeded: --seed)", false, nullptr, false)                                        \
  X(clock, "second chance; a loaded page starts with its reference bit SET", false, nullptr, false)                   \
  X(clock0, "second chance; a loaded page starts with its reference bit CLEAR", false, nullptr, false)                \
  X(nru, "enhanced clock: (referenced, dirty) classes, prefers clean victims", false, nullptr, false)                 \
  X(lfu, "least frequently used (count kept while resident; ties: least recent)", false, nullptr, false)              \
  X(opt, "Belady's optimal: evicts the page used farthest in the future", true, nullptr, true)                       \
  X(arc, "adaptive replacement cache (Megiddo & Modha, FAST'03)", false, nullptr, false)                              \
  X(twoq, "2Q, full version: A1in FIFO 25%, A1out ghosts 50%, Am LRU (Johnson & Shasha)", false, nullptr, false)      \
  X(s3fifo, "S3-FIFO: small 10% FIFO, main FIFO with 2-bit freq, ghost FIFO (SOSP'23)", false, nullptr, false)        \
  X(sieve, "SIEVE: FIFO with a visited bit and a moving hand (NSDI'24)", false, nullptr, false)                       \
  X(lirs, "LIRS: low inter-reference recency set, 1% of frames for HIR pages (SIGMETRICS'02)", false, nullptr, false) \
  X(linux, "model of Linux's active/inactive anon+file LRU with refault activation", false, nullptr, true)           \
  X(mglru, "model of Linux's multi-generational LRU: 4 generations, aging by accessed bits (v6.1+)", false, nullptr, false) \
  X(lru2, "LRU-K, K=2: oldest second-to-last reference goes; no correlated period (SIGMOD'93)", false, nullptr, false) \
  X(car, "CAR: ARC's adaptation over two clocks with reference bits (Bansal & Modha, FAST'04)", false, nullptr, false) \
  X(clockpro, "CLOCK-Pro: hot/cold pages, test periods, three hands, adaptive cold share (ATC'05)", false, nullptr, false) \
  X(wtinylfu, "W-TinyLFU: 1% LRU window, SLRU main 80/20, count-min admission (TOS'17)", false, nullptr, false)

#define DECLARE(name, desc, stack, distances, ahead) std::unique_ptr<Policy> make_##name(const PolicyConfig&);
PAGESCOPE_POLICIES(DECLARE)

const std::vector<PolicyInfo>& all_policies() {
#define ENTRY(name, desc, stack, distances, ahead) {#name, desc, make_##name, stack, distances, ahead},
  static const std::vector<PolicyInfo> list = {PAGESCOPE_POLICIES(ENTRY)};
  return list;
}

const PolicyInfo* find_policy(const std::string& name) {
  for (const auto& p : all_policies())
    if (name == p.name) return &p;
  if (name == "2q") return find_policy("twoq");
  if (name == "multigen" || name == "lru_gen" || name == "lru-gen") return find_policy("mglru");
  if (name == "belady" || name == "min") return find_policy("opt");
  if (name == "second-chance") return find_policy("clock");
  if (name == "enhanced-clock") return find_policy("nru");
  if (name == "s3-fifo") return find_policy("s3fifo");
  if (name == "clock-pro") return find_policy("clockpro");
  if (name == "w-tinylfu" || name == "tinylfu") return find_policy("wtinylfu");
  if (name == "lru-2" || name == "lru-k" || name == "lruk") return find_policy("lru2");
  return nullptr;
}

std::string policy_names() {
  std::string s;
  for (const auto& p : all_policies()) {
    if (!s.empty()) s += ", ";
    s += p.name;
  }
  return s;
}

Result<std::vector<const PolicyInfo*>> parse_policy_list(const std::string& list) {
  std::vector<const PolicyInfo*> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (name == "all") {
      for (const auto& p : all_policies()) out.push_back(&p);
    } else {
      const PolicyInfo* p = find_policy(name);
      if (!p) return Error{"unknown policy '" + name + "' (known: " + policy_names() + ")"};
      out.push_back(p);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace pagescope::sim::policies
