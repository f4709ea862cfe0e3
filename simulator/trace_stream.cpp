#include "simulator/trace_stream.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/units.h"
#include "simulator/trace_file.h"

namespace pagescope::sim {

TraceStream::TraceStream(std::unique_ptr<ReferenceSource> source, uint64_t page_size)
    : source_(std::move(source)), page_size_(page_size) {}
TraceStream::~TraceStream() = default;

Status TraceStream::run(const std::function<void(const TraceChunk&)>& consume, const Progress& progress) {
  // Full chunks go from the parser to this thread through `full`; replayed
  // ones come back through `free` to be filled again: kChunksHeld buffers,
  // allocated once.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::unique_ptr<TraceChunk>> full, free;
  for (size_t i = 0; i < kChunksHeld; ++i) {
    auto c = std::make_unique<TraceChunk>();
    c->refs.reserve(kChunkRefs);
    c->writes.reserve(kChunkRefs);
    free.push_back(std::move(c));
  }
  peak_chunks_ = kChunksHeld;
  bool parsed = false;  // the parser is done (end, or error)
  Status status;
  PageIdMap ids;
  uint64_t refs = 0;
  bool any_write = false;

  std::thread parser([&] {
    const bool bytes = source_->unit() == KeyUnit::kByteAddress;
    std::unique_ptr<TraceChunk> cur;
    auto take_free = [&] {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !free.empty(); });
      cur = std::move(free.front());
      free.pop_front();
      cur->refs.clear();
      cur->writes.clear();
      cur->first = refs;
    };
    auto hand_over = [&] {
      cur->pages = ids.size();
      std::lock_guard<std::mutex> lock(mu);
      full.push_back(std::move(cur));
      cv.notify_all();
    };
    take_free();
    Status st = source_->for_each([&](const RawReference& r) {
      cur->refs.push_back(ids.id_of(bytes ? r.key / page_size_ : r.key, r.pid));
      cur->writes.push_back(r.write ? 1 : 0);
      any_write |= r.write;
      ++refs;
      if (cur->refs.size() == kChunkRefs) {
        hand_over();
        take_free();
      }
    });
    if (!cur->refs.empty()) hand_over();
    std::lock_guard<std::mutex> lock(mu);
    if (cur) free.push_back(std::move(cur));
    status = st;
    parsed = true;
    cv.notify_all();
  });

  const uint64_t total = source_->bytes_total();
  for (;;) {
    std::unique_ptr<TraceChunk> c;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !full.empty() || parsed; });
      if (full.empty()) break;
      c = std::move(full.front());
      full.pop_front();
    }
    consume(*c);
    if (progress) {
      if (total > 0) progress(std::min(source_->bytes_read(), total), total);
      else progress(c->first + c->refs.size(), 0);
    }
    std::lock_guard<std::mutex> lock(mu);
    free.push_back(std::move(c));
    cv.notify_all();
  }
  parser.join();
  totals_.references = refs;
  totals_.pages = ids.size();
  totals_.any_write = any_write;
  totals_.caveats = source_->caveats();
  return status;
}

Result<std::unique_ptr<TraceStream>> open_trace_stream(const TraceFileOptions& o) {
  auto page_size = parse_byte_size(o.page_size);
  if (!page_size) return Error{"--page-size: " + page_size.error().message};
  if (*page_size == 0) return Error{"--page-size must be positive"};
  std::string format = o.format.empty() ? traces::guess_format(o.path) : o.format;
  auto source = traces::open_source(format, o.path, o.source);
  if (!source) return source.error();
  return std::make_unique<TraceStream>(std::move(source).value(), *page_size);
}

}  // namespace pagescope::sim
