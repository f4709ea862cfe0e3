// pagescope capture files (.psc) as a reference source: every page-fault record
// (struct ps_fault in bpf/events.h) is one reference to the faulting address;
// it is a write when the x86 error code says so (PS_PF_WRITE, and only when
// the error code is known). Other record kinds are skipped.
//
// What a capture can and cannot tell: it holds faults, not references. Pages
// that were touched while resident never appear, so a replay of a capture asks
// "if these faults were the whole reference string", which is a lower bound on
// what the program referenced; the results are comparable between policies
// and sizes, not with the program's real hit counts.
#include "inspector/capture/reader.h"
#include "simulator/traces/formats.h"

namespace pagescope::sim::traces {

namespace {

class CaptureSource final : public ReferenceSource {
 public:
  CaptureSource(capture::CaptureReader reader, std::optional<uint32_t> pid)
      : reader_(std::move(reader)), pid_(pid) {}
  KeyUnit unit() const override { return KeyUnit::kByteAddress; }
  Status for_each(const Sink& sink) override {
    lost_ = 0;
    return reader_.for_each([&](const ps_header& h) {
      if (h.kind == PS_EV_LOST && h.size >= sizeof(ps_lost)) {
        lost_ += reinterpret_cast<const ps_lost&>(h).lost;
        return true;
      }
      if (h.kind != PS_EV_FAULT || h.size < sizeof(ps_fault)) return true;
      if (pid_ && h.pid != *pid_) return true;
      const auto& f = reinterpret_cast<const ps_fault&>(h);
      RawReference r;
      r.key = f.address;
      r.write = (f.flags & PS_FAULT_ERR_KNOWN) && (f.error_code & PS_PF_WRITE);
      r.pid = h.pid;
      sink(r);
      return true;
    });
  }
  std::vector<std::string> caveats() const override {
    std::vector<std::string> out;
    if (lost_ > 0)
      out.push_back(std::to_string(lost_) +
                    " events were lost by the recorder (ring buffer full): the trace is missing references");
    const auto& rep = reader_.report();
    if (rep.chunks_corrupt > 0 || !rep.complete)
      out.push_back(std::string(rep.complete ? "" : "capture not closed cleanly; ") +
                    std::to_string(rep.chunks_corrupt) + " corrupt chunks skipped, " +
                    std::to_string(rep.bytes_unreadable) + " bytes unreadable");
    return out;
  }

 private:
  capture::CaptureReader reader_;
  std::optional<uint32_t> pid_;
  uint64_t lost_ = 0;
};

}  // namespace

Result<std::unique_ptr<ReferenceSource>> open_capture(const std::string& path, const SourceOptions& o) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return reader.error();
  return std::unique_ptr<ReferenceSource>(new CaptureSource(std::move(reader).value(), o.pid));
}

}  // namespace pagescope::sim::traces
