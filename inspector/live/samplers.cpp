// Which interval samplers a recording runs. One line per kind of sampler.
#include <cstdio>

#include "inspector/live/access_sampler.h"
#include "inspector/live/content_sampler.h"
#include "inspector/live/interval_sampler.h"
#include "inspector/live/recorder.h"
#include "inspector/live/smaps_sampler.h"

namespace pagescope::live {

std::vector<std::unique_ptr<IntervalSampler>> make_samplers(const RecordOptions& options,
                                                            capture::SourceSet& sources) {
  using capture::Source;
  using capture::SourceState;
  std::vector<std::unique_ptr<IntervalSampler>> samplers;
  sources.set(Source::kAccessBits, SourceState::kNotRequested, "--access-interval");
  sources.set(Source::kPageContents, SourceState::kNotRequested, "--sample-contents");
  if (options.wss_interval_ms > 0) {
    samplers.push_back(make_smaps_sampler(static_cast<uint64_t>(options.wss_interval_ms) * 1000000ull));
  }
  if (options.access_interval_ms > 0) {
    AccessSamplerOptions access;
    access.interval_ns = static_cast<uint64_t>(options.access_interval_ms) * 1000000ull;
    auto sampler = AccessSampler::create(access);
    if (sampler) {
      samplers.push_back(std::move(*sampler));
      std::string detail = "page-table walk every " + std::to_string(options.access_interval_ms) + " ms";
      // Said once at start and kept in the capture: another clearer of the
      // same bits makes the sampled working set an under-count.
      if (std::string other = probe_access_sources().interference(); !other.empty()) {
        std::fprintf(stderr, "pagescope record: note: access_bits: %s\n", other.c_str());
        detail += "; " + other;
      }
      sources.set(Source::kAccessBits, SourceState::kOn, detail);
    } else {
      sources.set(Source::kAccessBits, SourceState::kUnavailable, sampler.error().message);
    }
  }
  if (options.sample_contents) {
    ContentSamplerOptions content;
    content.pages_per_s = options.contents_pages_per_s;
    samplers.push_back(make_content_sampler(content));
    sources.set(Source::kPageContents, SourceState::kOn, "lz4, zstd and lzo sizes of sampled pages");
  }
  return samplers;
}

}  // namespace pagescope::live
