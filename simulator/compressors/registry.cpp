#include "simulator/compressors/compressor.h"

namespace pagescope::sim::compressors {

namespace {

struct Entry {
  const char* name;
  std::unique_ptr<Compressor> (*make)();
};

constexpr Entry kCompressors[] = {
    {"lz4", make_lz4},
    {"zstd", make_zstd},
};

}  // namespace

Result<std::unique_ptr<Compressor>> make_compressor(const std::string& name) {
  for (const auto& e : kCompressors)
    if (name == e.name) return e.make();
  return Error{"unknown compressor '" + name + "' (known: " + compressor_names() + ")"};
}

std::string compressor_names() {
  std::string s;
  for (const auto& e : kCompressors) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

}  // namespace pagescope::sim::compressors
