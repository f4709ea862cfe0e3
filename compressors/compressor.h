// A real compression library, as the tiers see it: compressed size of a page
// and the work to undo it. Registering one: write compressors/<name>.cpp with
// make_<name>() and add one line to registry.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace pagescope::compressors {

class Compressor {
 public:
  virtual ~Compressor() = default;
  virtual const char* name() const = 0;
  // Largest output compress() may produce for `n` input bytes.
  virtual size_t bound(size_t n) const = 0;
  // Compresses src into dst (capacity cap); returns the compressed size, 0 on failure.
  virtual size_t compress(const uint8_t* src, size_t n, uint8_t* dst, size_t cap) const = 0;
  // Decompresses exactly `out_n` bytes into out; false when the input is corrupt.
  virtual bool decompress(const uint8_t* src, size_t n, uint8_t* out, size_t out_n) const = 0;
};

std::unique_ptr<Compressor> make_lz4();
std::unique_ptr<Compressor> make_zstd();
#ifdef PAGESCOPE_HAVE_LZO
std::unique_ptr<Compressor> make_lzo();
#endif

// "lz4" or "zstd" -> a compressor; unknown names are an error naming the choices.
Result<std::unique_ptr<Compressor>> make_compressor(const std::string& name);
std::string compressor_names();
// Every compressor this build has, in registry order.
std::vector<std::string> compressor_list();
// The compressor's slot in ps_page_content.compressed (PS_COMP_*), -1 if unknown.
int compressor_slot(const std::string& name);

}  // namespace pagescope::compressors
