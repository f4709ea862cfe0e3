// Streaming a trace (issue 16.2): the streamed path gives exactly the loaded
// path's results for every policy that can stream, on the public traces, the
// demo capture and generated ones; and its memory stays bounded whatever the
// input's length (the line reader's buffer, the chunks in flight, the whole
// process reading a pipe).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "simulator/experiment.h"
#include "simulator/trace_file.h"
#include "simulator/trace_stream.h"
#include "simulator/traces/line_reader.h"
#include "tests/simulator/sim_test_util.h"

namespace pagescope::sim {
namespace {

std::string shared_trace(const std::string& name) {
  return std::string(PAGESCOPE_SOURCE_DIR) + "/../shared/data/traces/" + name;
}

bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

std::string temp_path(const std::string& name) {
  return std::string(PAGESCOPE_BINARY_DIR) + "/stream_test." + std::to_string(getpid()) + "." + name;
}

// Every policy that streams, at sizes from tiny to all pages, loaded and
// streamed; and the curves (LRU one-pass, the rest swept) the same way.
void expect_same(const std::string& path, const std::string& format) {
  SCOPED_TRACE(path);
  TraceFileOptions o;
  o.path = path;
  o.format = format;
  o.source.csv_header = format == "csv";  // as the csv writer writes it
  auto trace = load_trace_file(o);
  ASSERT_TRUE(trace.ok()) << trace.error().message;
  const uint32_t pages = trace->distinct_pages();
  ExperimentPlan plan;
  for (const auto& p : policies::all_policies())
    if (!p.looks_ahead) plan.policies.push_back(&p);
  plan.frames = {1, 3, std::max<uint64_t>(2, pages / 100), std::max<uint64_t>(2, pages / 10), pages / 2 + 1,
                 uint64_t{pages} + 7};
  plan.curve_sizes = {2, std::max<uint64_t>(3, pages / 20), pages};
  plan.curve_threads = 2;
  ASSERT_EQ(why_not_streamed(plan), "");
  auto loaded = run_experiment(*trace, plan);
  ASSERT_TRUE(loaded.ok());
  auto stream = open_trace_stream(o);
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto streamed = stream_experiment(**stream, plan);
  ASSERT_TRUE(streamed.ok()) << streamed.error().message;
  EXPECT_EQ((*stream)->totals().references, trace->size());
  EXPECT_EQ((*stream)->totals().pages, pages);
  ASSERT_EQ(streamed->cells.size(), loaded->cells.size());
  for (size_t i = 0; i < loaded->cells.size(); ++i) {
    const auto& a = loaded->cells[i];
    const auto& b = streamed->cells[i];
    SCOPED_TRACE(std::string(a.policy->name) + " frames " + std::to_string(a.frames));
    EXPECT_EQ(b.policy, a.policy);
    EXPECT_EQ(b.sim.references, a.sim.references);
    EXPECT_EQ(b.sim.faults, a.sim.faults);
    EXPECT_EQ(b.sim.cold_faults, a.sim.cold_faults);
    EXPECT_EQ(b.sim.evictions, a.sim.evictions);
    EXPECT_EQ(b.sim.dirty_writebacks, a.sim.dirty_writebacks);
  }
  ASSERT_EQ(streamed->curves.size(), loaded->curves.size());
  for (size_t c = 0; c < loaded->curves.size(); ++c)
    for (size_t k = 0; k < loaded->curves[c].points.size(); ++k)
      EXPECT_EQ(streamed->curves[c].points[k].miss_ratio, loaded->curves[c].points[k].miss_ratio)
          << loaded->curves[c].label << " size " << loaded->curves[c].points[k].frames;
}

#define REQUIRE_FILE(path) \
  if (!exists(path)) GTEST_SKIP() << path << " is absent (public test traces not installed)"

TEST(TraceStream, SameAsLoadedOnThePublicTraces) {
  for (const auto& [name, format] : std::vector<std::pair<std::string, std::string>>{
           {"cloudPhysicsIO.oracleGeneral.bin", "oracle-general"},
           {"cpp.trace.gz", "lirs"},
           {"sprite.trace.gz", "lirs"},
           {"multi2.trace.gz", "lirs"},
           {"loop.trace.gz", "lirs"},
           {"zigzag.trace.gz", "lirs"},
           {"gcc.trace.gz", "gcc"}}) {
    const std::string path = shared_trace(name);
    REQUIRE_FILE(path);
    expect_same(path, format);
  }
}

TEST(TraceStream, SameAsLoadedOnTheDemoCapture) {
  const std::string path = std::string(PAGESCOPE_SOURCE_DIR) + "/scripts/data/demo.psc";
  REQUIRE_FILE(path);
  expect_same(path, "capture");
}

// Text, csv and din written from one generated trace (writes included, so
// dirty write-backs are compared too); longer than a chunk, and long enough
// for the LRU counter to renumber its slots many times.
TEST(TraceStream, SameAsLoadedOnGeneratedTextCsvDin) {
  Trace t = testing::uniform_trace(1'200'000, 700, 11, 0.3);
  for (const char* format : {"text", "csv", "din"}) {  // oracle-general: the public trace above
    const std::string path = temp_path(std::string("gen.") + format);
    ASSERT_TRUE(traces::find_format(format)->write(t, path).ok()) << format;
    expect_same(path, format);
    unlink(path.c_str());
  }
}

// The one-pass LRU counter, renumbering its slots, against the loaded
// trace's distances at every distance.
TEST(TraceStream, LruCounterRenumbersWithoutChangingDistances) {
  Trace t = testing::uniform_trace(400'000, 3000, 5, 0);
  LruStackCounter k(16);
  k.grow(t.distinct_pages());
  for (size_t i = 0; i < t.size(); i += 777) k.feed(t.refs.data() + i, std::min<size_t>(777, t.size() - i));
  StackDistances a = k.finish();
  // Independent: distances by a naive LRU stack.
  std::vector<PageId> stack;
  std::vector<uint64_t> hits(t.distinct_pages() + 1, 0);
  uint64_t cold = 0;
  for (PageId p : t.refs) {
    auto it = std::find(stack.begin(), stack.end(), p);
    if (it == stack.end()) {
      ++cold;
    } else {
      ++hits[size_t(it - stack.begin()) + 1];
      stack.erase(it);
    }
    stack.insert(stack.begin(), p);
  }
  EXPECT_EQ(a.cold, cold);
  EXPECT_EQ(a.references, t.size());
  ASSERT_EQ(a.hits_at.size(), hits.size());
  EXPECT_EQ(a.hits_at, hits);
}

// Runs `body` with standard input reading from a pipe that a thread fills
// with `bytes` of `unit` repeated.
template <typename Body>
void with_stdin_pipe(const std::string& unit, size_t bytes, Body body) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int saved = dup(0);
  dup2(fds[0], 0);
  close(fds[0]);
  std::thread writer([&] {
    size_t left = bytes;
    while (left > 0) {
      const size_t n = std::min(left, unit.size());
      if (write(fds[1], unit.data(), n) != ssize_t(n)) break;
      left -= n;
    }
    close(fds[1]);
  });
  body();
  writer.join();
  dup2(saved, 0);
  close(saved);
}

// 64 MiB of text as ONE line through a pipe (stdin): the reader hands it over
// in pieces and never holds more than its cap.
TEST(TraceStream, LineReaderBufferStaysUnderItsCapOnOneHugeLine) {
  std::string unit;
  for (int i = 0; i < 1000; ++i) unit += std::to_string(i % 97) + " ";
  const size_t bytes = size_t{64} << 20;
  with_stdin_pipe(unit, bytes, [&] {
    auto source = traces::open_source("text", "-", {});
    ASSERT_TRUE(source.ok()) << source.error().message;
    TraceStream stream(std::move(source).value(), 1);
    uint64_t refs = 0;
    Status st = stream.run([&](const TraceChunk& c) { refs += c.refs.size(); });
    ASSERT_TRUE(st.ok()) << st.message();
    EXPECT_GT(refs, bytes / 4);  // ~ 2.9 bytes per reference
    EXPECT_EQ(stream.totals().pages, 97u);
    EXPECT_LE(stream.peak_chunks(), TraceStream::kChunksHeld);
  });
  // The reader alone, to see its buffer.
  with_stdin_pipe(unit, bytes, [&] {
    auto r = traces::LineReader::open("-");
    ASSERT_TRUE(r.ok()) << r.error().message;
    r->split_long_lines();
    std::string_view piece;
    size_t pieces = 0;
    while (r->next(&piece)) ++pieces;
    EXPECT_GT(pieces, bytes / traces::LineReader::kMaxLine - 1);
    EXPECT_EQ(r->line_number(), 1u);  // all pieces of line 1
    EXPECT_LE(r->peak_buffer_bytes(), traces::LineReader::kBufferCap);
  });
}

// The whole command on a pipe far larger than what it may hold: 8 M
// references (40 MB as a loaded trace, 72 MB while loading it) replayed under
// three policies in one read; the process's peak RSS stays far below.
TEST(TraceStream, ReplayOfAPipeRunsInBoundedMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make RSS no measure of the "
                  "program's own memory (the chunk bound above is checked in this build too)";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make RSS no measure of the "
                  "program's own memory (the chunk bound above is checked in this build too)";
#endif
#endif
  const std::string bin = std::string(PAGESCOPE_BINARY_DIR) + "/app/pagescope";
  const std::string out = temp_path("pipe.out");
  const std::string cmd = "awk 'BEGIN { for (i = 0; i < 8000000; i++) print (i * 7919) % 5000 }' | " + bin +
                          " replay - --format text -p lru,fifo,clock --frames 1000 --csv > " + out;
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), (char*)nullptr);
    _exit(127);
  }
  int status = 0;
  struct rusage ru {};
  ASSERT_EQ(wait4(pid, &status, 0, &ru), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd;
  // ru covers the shell only; the pipeline's processes were its children.
  struct rusage kids {};
  getrusage(RUSAGE_CHILDREN, &kids);
  const long peak_kb = std::max(ru.ru_maxrss, kids.ru_maxrss);
  EXPECT_LT(peak_kb, 40 * 1024) << "peak RSS " << peak_kb << " KiB";
  std::FILE* f = std::fopen(out.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[4096];
  std::string text(buf, std::fread(buf, 1, sizeof buf, f));
  std::fclose(f);
  unlink(out.c_str());
  EXPECT_NE(text.find("lru,1000,3.91M,8000000,8000000,"), std::string::npos) << text;  // a cycle of 5000 pages
}

// What cannot stream says why (the commands then load the trace).
TEST(TraceStream, LookAheadTiersAndPoolsAreNotStreamed) {
  ExperimentPlan plan;
  plan.policies = {policies::find_policy("opt")};
  EXPECT_NE(why_not_streamed(plan).find("opt"), std::string::npos);
  plan.policies = {policies::find_policy("linux")};
  EXPECT_NE(why_not_streamed(plan), "");
  plan.policies = {policies::find_policy("lru")};
  EXPECT_EQ(why_not_streamed(plan), "");
  plan.per_process = true;
  EXPECT_NE(why_not_streamed(plan), "");
}

}  // namespace
}  // namespace pagescope::sim
