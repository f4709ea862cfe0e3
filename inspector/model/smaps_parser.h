// Parses /proc/PID/smaps text (proc(5)): every VMA's maps line followed by
// "Key:   N kB" lines. Keeps what the working-set view needs: resident,
// referenced (the PTE accessed bit, since the last clear_refs), anonymous and
// swapped bytes.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "inspector/model/vma.h"

namespace pagescope::model {

struct SmapsVma {
  Vma vma;                  // start, end, perms, path... as parse_maps gives them
  uint64_t rss = 0;         // bytes
  uint64_t referenced = 0;  // bytes whose accessed bit was set since the last clear_refs
  uint64_t anonymous = 0;
  uint64_t swap = 0;
};

struct Smaps {
  std::vector<SmapsVma> vmas;  // file order
  uint64_t rss = 0;            // sums over vmas
  uint64_t referenced = 0;
  uint64_t anonymous = 0;
  uint64_t swap = 0;
};

// A malformed VMA line or a value line before any VMA is an error naming its
// line number; keys this parser does not know are skipped.
Result<Smaps> parse_smaps(std::string_view text);

}  // namespace pagescope::model
