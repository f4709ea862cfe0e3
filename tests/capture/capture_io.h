// Write a list of records to a capture and read them back, for the tests.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "inspector/capture/reader.h"
#include "inspector/capture/writer.h"
#include "test_records.h"

namespace pagescope::capture::testing {

inline HostInfo test_host() {
  HostInfo host = read_host_info();
  host.command_line = "pagescope record -o test.psc -- ./workload";
  host.features = "tp_btf/page_fault_user: yes\nperf page-faults: no (EACCES)\n";
  return host;
}

// Appends every record, flushing after every `flush_every` records (0: never).
inline void write_capture(const std::string& path, const std::vector<Bytes>& records,
                          const WriterOptions& options = {}, size_t flush_every = 0) {
  auto writer = CaptureWriter::create(path, test_host(), options);
  ASSERT_TRUE(writer.ok()) << writer.error().message;
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_TRUE(writer->append(records[i].data(), records[i].size()).ok());
    if (flush_every && (i + 1) % flush_every == 0) {
      ASSERT_TRUE(writer->flush().ok());
    }
  }
  ASSERT_TRUE(writer->close().ok());
}

inline std::vector<Bytes> read_all(CaptureReader& reader) {
  std::vector<Bytes> out;
  Status st = reader.for_each([&](const ps_header& h) {
    const auto* p = reinterpret_cast<const uint8_t*>(&h);
    out.emplace_back(p, p + h.size);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.message();
  return out;
}

}  // namespace pagescope::capture::testing
