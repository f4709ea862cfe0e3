#include "compressors/compressor.h"

#include "events.h"

namespace pagescope::compressors {

namespace {

struct Entry {
  const char* name;
  std::unique_ptr<Compressor> (*make)();
  int slot;  // PS_COMP_*: where record --sample-contents stores its size
};

constexpr Entry kCompressors[] = {
    {"lz4", make_lz4, PS_COMP_LZ4},
    {"zstd", make_zstd, PS_COMP_ZSTD},
#ifdef PAGESCOPE_HAVE_LZO
    {"lzo", make_lzo, PS_COMP_LZO},
#endif
};

}  // namespace

Result<std::unique_ptr<Compressor>> make_compressor(const std::string& name) {
  for (const auto& e : kCompressors)
    if (name == e.name) return e.make();
  return Error{"unknown compressor '" + name + "' (known: " + compressor_names() + ")"};
}

std::vector<std::string> compressor_list() {
  std::vector<std::string> out;
  for (const auto& e : kCompressors) out.push_back(e.name);
  return out;
}

int compressor_slot(const std::string& name) {
  for (const auto& e : kCompressors)
    if (name == e.name) return e.slot;
  return -1;
}

std::string compressor_names() {
  std::string s;
  for (const auto& e : kCompressors) s += (s.empty() ? "" : ", ") + std::string(e.name);
  return s;
}

}  // namespace pagescope::compressors
