// `r` in top: the record command line, the file name, and the child's life
// (started, stopped with SIGINT, or ending on its own with a reason).
#include "tui/recording.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include <gtest/gtest.h>

namespace pagescope::tui {
namespace {

TEST(Recording, ArgumentsNameThePidsOrAll) {
  EXPECT_EQ(record_arguments("/tmp/a.psc", {}), (std::vector<std::string>{"record", "-o", "/tmp/a.psc", "--all"}));
  EXPECT_EQ(record_arguments("a.psc", {12, 34}),
            (std::vector<std::string>{"record", "-o", "a.psc", "-p", "12", "-p", "34"}));
}

TEST(Recording, PathIsTimestampedInTheDirectory) {
  std::string p = recording_path("/var/tmp", 1700000000);
  EXPECT_EQ(p.rfind("/var/tmp/pagescope-top-2023111", 0), 0u) << p;
  EXPECT_EQ(p.size(), std::string("/var/tmp/pagescope-top-20231114-221320.psc").size()) << p;
  EXPECT_EQ(p.substr(p.size() - 4), ".psc");
  EXPECT_EQ(recording_path("", 0).rfind("./pagescope-top-", 0), 0u);
}

TEST(Recording, StopEndsTheChildWithSigint) {
  const std::string log = ::testing::TempDir() + "/rec_test_" + std::to_string(getpid()) + ".log";
  // A stand-in recorder: sh exits 0 on SIGINT, as `pagescope record` does.
  auto r = Recording::start("/bin/sh", {"-c", "trap 'exit 0' INT; while :; do sleep 0.05; done"}, "out.psc", log);
  ASSERT_TRUE(r) << r.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE((*r)->running());
  Status st = (*r)->stop(3000);
  EXPECT_TRUE(st) << st.message();
  EXPECT_FALSE((*r)->running());
  EXPECT_EQ((*r)->exit_code(), 0);
  unlink(log.c_str());
}

TEST(Recording, AChildThatFailsSaysWhy) {
  const std::string log = ::testing::TempDir() + "/rec_fail_" + std::to_string(getpid()) + ".log";
  auto r = Recording::start("/bin/sh", {"-c", "echo 'pagescope record: needs root' >&2; exit 3"}, "out.psc", log);
  ASSERT_TRUE(r) << r.error().message;
  for (int i = 0; i < 100 && (*r)->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE((*r)->running());
  EXPECT_EQ((*r)->exit_code(), 3);
  EXPECT_EQ((*r)->failure(), "pagescope record: needs root");
  Status st = (*r)->stop();
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("needs root"), std::string::npos) << st.message();
  unlink(log.c_str());
}

TEST(Recording, AMissingProgramIsReportedByTheChild) {
  const std::string log = ::testing::TempDir() + "/rec_missing_" + std::to_string(getpid()) + ".log";
  auto r = Recording::start("/nonexistent/pagescope", {"record"}, "out.psc", log);
  ASSERT_TRUE(r);
  for (int i = 0; i < 100 && (*r)->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ((*r)->exit_code(), 127);
  EXPECT_NE((*r)->failure().find("/nonexistent/pagescope"), std::string::npos);
  unlink(log.c_str());
}

TEST(Recording, AnUnwritableLogIsAnError) {
  auto r = Recording::start("/bin/true", {}, "out.psc", "/nonexistent/dir/x.log");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/nonexistent/dir/x.log"), std::string::npos);
}

// top runs as root: a symlink planted at the log's name (in a directory
// others can write) is replaced by a new file, its target never truncated.
TEST(Recording, APlantedSymlinkAtTheLogIsReplacedNotFollowed) {
  const std::string base = ::testing::TempDir() + "/rec_link_" + std::to_string(getpid());
  const std::string victim = base + ".victim", log = base + ".log";
  { std::ofstream(victim) << "precious"; }
  ASSERT_EQ(symlink(victim.c_str(), log.c_str()), 0);
  auto r = Recording::start("/bin/sh", {"-c", "echo logged >&2"}, "out.psc", log);
  ASSERT_TRUE(r) << r.error().message;
  for (int i = 0; i < 100 && (*r)->running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::ifstream in(victim);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "precious");
  struct stat st {};
  ASSERT_EQ(lstat(log.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ((*r)->failure(), "logged");
  unlink(victim.c_str());
  unlink(log.c_str());
}

// A recorder that had to be SIGKILLed never renamed its capture: the error
// says where the readable prefix is (record writes .NAME.XXXXXX beside NAME).
TEST(Recording, AKilledRecorderSaysWhereItsPrefixIs) {
  const std::string log = ::testing::TempDir() + "/rec_kill_" + std::to_string(getpid()) + ".log";
  auto r = Recording::start("/bin/sh", {"-c", "trap '' INT; while :; do sleep 0.05; done"}, "/d/out.psc", log);
  ASSERT_TRUE(r) << r.error().message;
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status st = (*r)->stop(200);
  EXPECT_FALSE(st);
  EXPECT_NE(st.message().find("what it recorded is in /d/.out.psc.XXXXXX (not renamed to /d/out.psc)"),
            std::string::npos)
      << st.message();
  unlink(log.c_str());
}

}  // namespace
}  // namespace pagescope::tui
