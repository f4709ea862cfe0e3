// Writes an in-memory record stream to a real capture file (the writer the
// recorder uses), so model tests go through CaptureWriter -> CaptureReader.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "inspector/capture/writer.h"
#include "tests/support/record_buffer.h"

namespace pagescope::model::testing {

// The host every test capture claims; tests change what they need (sources).
inline capture::HostInfo test_host() {
  capture::HostInfo host;
  host.kernel_release = "6.18.0-test";
  host.hostname = "testhost";
  host.page_size = 4096;
  host.cpu_count = 2;
  return host;
}

inline void write_capture(const std::string& path, const RecordBuffer& records,
                          capture::WriterOptions options = {},
                          const capture::HostInfo& host = test_host()) {
  auto w = capture::CaptureWriter::create(path, host, options);
  ASSERT_TRUE(w.ok()) << w.error().message;
  records.for_each([&](const ps_header& h) {
    Status st = w->append(&h, h.size);
    ASSERT_TRUE(st.ok()) << st.message();
  });
  Status st = w->close();
  ASSERT_TRUE(st.ok()) << st.message();
}

inline std::string temp_path(const std::string& name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/pagescope-model-" + std::to_string(getpid()) + "-" + name;
}

}  // namespace pagescope::model::testing
