#include "inspector/model/capture_replay.h"

#include "inspector/model/time_order.h"

namespace pagescope::model {

namespace {
Error named(const std::string& path, const std::string& message) {
  if (message.find(path) != std::string::npos) return Error{message};
  return Error{path + ": " + message};
}
}  // namespace

Result<CaptureRun> read_capture_info(const std::string& path) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return named(path, reader.error().message);
  CaptureRun run;
  run.host = reader->host();
  run.report = reader->report();
  run.format_major = reader->format_major();
  run.format_minor = reader->format_minor();
  return run;
}

Result<CaptureRun> replay_capture(const std::string& path,
                                  const std::function<void(const ps_header&)>& fn) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return named(path, reader.error().message);
  TimeOrderer ordered(fn);
  Status st = reader->for_each([&](const ps_header& h) {
    ordered.push(h);
    return true;
  });
  if (!st) return named(path, st.message());
  ordered.flush();
  CaptureRun run;
  run.host = reader->host();
  run.report = reader->report();
  run.format_major = reader->format_major();
  run.format_minor = reader->format_minor();
  return run;
}

}  // namespace pagescope::model
