#include "inspector/model/capture_replay.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "inspector/model/time_order.h"

namespace pagescope::model {

namespace {
Error named(const std::string& path, const std::string& message) {
  if (message.find(path) != std::string::npos) return Error{message};
  return Error{path + ": " + message};
}

// Records in time order, back to back at 8-byte aligned offsets, as the
// decoding thread hands them to the model's.
struct Batch {
  std::vector<uint64_t> words;
  size_t used = 0;  // in words

  bool add(const ps_header& h) {
    const size_t n = (size_t{h.size} + 7) / 8;
    if (used + n > words.size()) {
      if (used != 0) return false;  // full: send this one first
      words.resize(n);              // a record larger than a batch travels alone
    }
    std::memcpy(words.data() + used, &h, h.size);
    used += n;
    return true;
  }
  template <typename Fn>
  void for_each(Fn&& fn) const {
    const uint64_t* p = words.data();
    const uint64_t* end = p + used;
    while (p < end) {
      const auto& h = *reinterpret_cast<const ps_header*>(p);
      fn(h);
      p += (size_t{h.size} + 7) / 8;
    }
  }
};

// Decoding (read, CRC, decompression, columns, time order) runs on its own
// thread ahead of the model, which only visits records: the model is the
// slower half, so a second core makes the pass as fast as the model alone.
// Batches circulate between the two through a bounded queue (kBatches in
// flight), so memory stays a few MiB however long the file is.
class Pipeline {
 public:
  static constexpr size_t kBatchWords = 1 << 16;  // 512 KiB: ~8k fault records
  static constexpr size_t kBatches = 4;

  Pipeline() {
    for (size_t i = 0; i < kBatches; ++i) free_.emplace_back().words.resize(kBatchWords);
  }

  // Producer side. Returns false when the consumer has stopped.
  bool take_free(Batch& out) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || stopped_; });
    if (stopped_) return false;
    out = std::move(free_.front());
    free_.pop_front();
    out.used = 0;
    return true;
  }
  void send(Batch&& b) {
    std::lock_guard lock(mu_);
    full_.push_back(std::move(b));
    cv_.notify_all();
  }
  void finish(std::exception_ptr error) {
    std::lock_guard lock(mu_);
    done_ = true;
    error_ = error;
    cv_.notify_all();
  }
  bool stopped() {
    std::lock_guard lock(mu_);
    return stopped_;
  }

  // Consumer side. False when the producer is done and nothing is left.
  bool take_full(Batch& out) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !full_.empty() || done_; });
    if (full_.empty()) return false;
    out = std::move(full_.front());
    full_.pop_front();
    return true;
  }
  void give_back(Batch&& b) {
    if (b.words.size() > kBatchWords) b.words.assign(kBatchWords, 0);  // shed an oversized one
    std::lock_guard lock(mu_);
    free_.push_back(std::move(b));
    cv_.notify_all();
  }
  void stop() {
    std::lock_guard lock(mu_);
    stopped_ = true;
    cv_.notify_all();
  }
  std::exception_ptr error() {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> free_;
  std::deque<Batch> full_;
  bool done_ = false;
  bool stopped_ = false;
  std::exception_ptr error_;
};

CaptureRun run_of(const capture::CaptureReader& reader) {
  CaptureRun run;
  run.host = reader.host();
  run.report = reader.report();
  run.format_major = reader.format_major();
  run.format_minor = reader.format_minor();
  return run;
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
                                  const std::function<void(const ps_header&)>& fn, Decode decode) {
  auto reader = capture::CaptureReader::open(path);
  if (!reader) return named(path, reader.error().message);
  if (decode == Decode::kInline) {
    TimeOrderer ordered(fn);
    Status st = reader->for_each([&](const ps_header& h) {
      ordered.push(h);
      return true;
    });
    if (!st) return named(path, st.message());
    ordered.flush();
    return run_of(*reader);
  }

  Pipeline pipe;
  Status st;
  std::thread decoder([&] {
    try {
      Batch batch;
      bool open = pipe.take_free(batch);
      TimeOrderer ordered([&](const ps_header& h) {
        if (!open || batch.add(h)) return;
        pipe.send(std::move(batch));
        open = pipe.take_free(batch) && batch.add(h);
      });
      st = reader->for_each([&](const ps_header& h) {
        ordered.push(h);
        return open;
      });
      if (open) ordered.flush();
      if (open && batch.used) pipe.send(std::move(batch));
      pipe.finish(nullptr);
    } catch (...) {
      pipe.finish(std::current_exception());
    }
  });
  // The model's side: on any way out (an exception from fn) the decoder is
  // told to stop and joined before the reader it uses goes away.
  struct Join {
    Pipeline& pipe;
    std::thread& t;
    ~Join() {
      pipe.stop();
      t.join();
    }
  } join{pipe, decoder};
  Batch batch;
  while (pipe.take_full(batch)) {
    batch.for_each(fn);
    pipe.give_back(std::move(batch));
  }
  if (auto e = pipe.error()) std::rethrow_exception(e);
  if (!st) return named(path, st.message());
  return run_of(*reader);
}

}  // namespace pagescope::model
