// Reads what record --sample-contents left in a capture: ps_page_content,
// ps_compress_calibration and the maps snapshots that say which VMA a page
// belongs to.
#include "inspector/capture/reader.h"
#include "inspector/model/maps_parser.h"
#include "simulator/tiers/sampled_sizes.h"

namespace pagescope::sim::tiers {

Result<CaptureContents> read_capture_contents(const std::string& path) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return reader.error();
  CaptureContents out;
  auto st = reader->for_each([&](const ps_header& h) {
    if (h.kind == PS_EV_PAGE_CONTENT && h.size >= sizeof(ps_page_content)) {
      const auto& r = reinterpret_cast<const ps_page_content&>(h);
      PageSample s;
      s.pid = h.pid;
      s.address = r.address;
      s.flags = r.flags;
      for (int i = 0; i < PS_COMP_COUNT; ++i) s.compressed[size_t(i)] = r.compressed[i];
      out.pages.push_back(s);
    } else if (h.kind == PS_EV_COMPRESS_CALIBRATION && h.size >= sizeof(ps_compress_calibration)) {
      const auto& r = reinterpret_cast<const ps_compress_calibration&>(h);
      if (r.compressor < PS_COMP_COUNT) out.calibration[r.compressor] = {r.pages, r.compress_ns, r.decompress_ns};
    } else if (h.kind == PS_EV_PROC_FILE && h.size >= sizeof(ps_proc_file)) {
      const auto& f = reinterpret_cast<const ps_proc_file&>(h);
      if (f.which != PS_PROC_MAPS || sizeof(ps_proc_file) + f.length > h.size) return true;
      auto vmas = model::parse_maps(std::string_view(reinterpret_cast<const char*>(&f + 1), f.length));
      if (!vmas) return true;  // a damaged snapshot only costs its regions
      for (const auto& v : *vmas) out.regions.push_back({h.pid, v.start, v.end});
    }
    return true;
  });
  if (!st) return Error{st.message()};
  return out;
}

}  // namespace pagescope::sim::tiers
