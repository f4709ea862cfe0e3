// Typed access to a record given its header: a record shorter than its struct
// (a corrupt or truncated capture) reads as absent instead of past its end.
#pragma once

#include <string_view>

#include "events.h"

namespace pagescope::model {

template <typename T>
const T* record_as(const ps_header& h) {
  return h.size >= sizeof(T) ? reinterpret_cast<const T*>(&h) : nullptr;
}

// The text that follows a ps_proc_file, clamped to the record.
inline std::string_view proc_file_text(const ps_proc_file& f) {
  const size_t room = f.hdr.size > sizeof(ps_proc_file) ? f.hdr.size - sizeof(ps_proc_file) : 0;
  const size_t n = f.length < room ? f.length : room;
  return {reinterpret_cast<const char*>(&f) + sizeof(ps_proc_file), n};
}

// A fixed-size char field (comm, filename) up to its first NUL.
template <size_t N>
std::string_view fixed_string(const char (&field)[N]) {
  size_t n = 0;
  while (n < N && field[n] != '\0') ++n;
  return {field, n};
}

// A syscall return value that is an error (-4095..-1, as the kernel's IS_ERR_VALUE).
inline bool syscall_failed(int64_t ret) { return ret < 0 && ret >= -4095; }

}  // namespace pagescope::model
