// The /proc text parsers (maps, smaps, stat, statm, status, meminfo, vmstat,
// PSI, interrupts), the first byte choosing which: the same text a capture's
// PS_EV_PROC_FILE records carry, so a hostile capture reaches all of them.
#include <cstdint>
#include <string_view>

#include "inspector/model/maps_parser.h"
#include "inspector/model/proc_counters.h"
#include "inspector/model/smaps_parser.h"
#include "tests/fuzz/fuzz_input.h"

using namespace pagescope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint8_t select = fuzz::take_byte(data, size);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  model::SystemCounters sys;
  switch (select % 11) {
    case 0: {
      auto vmas = model::parse_maps(text);
      if (vmas)
        for (const auto& v : *vmas) (void)v;
      break;
    }
    case 1: (void)model::parse_maps_lax(text); break;
    case 2: (void)model::parse_smaps(text); break;
    case 3: (void)model::parse_pid_stat(text); break;
    case 4: (void)model::parse_statm_resident_pages(text); break;
    case 5: (void)model::parse_status_vmswap_kb(text); break;
    case 6: model::parse_meminfo(text, sys); break;
    case 7: model::parse_vmstat(text, sys); break;
    case 8: model::parse_psi_memory(text, sys); break;
    case 9: (void)model::parse_interrupts_tlb(text); break;
    case 10: (void)model::parse_status_kb(text, "VmRSS"); break;
  }
  return 0;
}
