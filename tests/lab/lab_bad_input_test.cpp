// Mistakes a user can make: each must end in one clear line on stderr, a
// non-zero exit, and nothing set up or left behind.
#include <unistd.h>

#include <algorithm>

#include "lab/session_lock.h"
#include "lab/sys_file.h"
#include "tests/lab/lab_kernel_fixture.h"

namespace pagescope::lab::testing {
namespace {

class LabBadInputTest : public LabKernelTest {
 protected:
  void expect_one_line_error(const ChildResult& r, int exit_code, const std::string& phrase) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "expected one line, got:\n" << r.err;
    EXPECT_NE(r.err.find(phrase), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    expect_nothing_left_behind();
  }
};

TEST_F(LabBadInputTest, LimitLargerThanRam) {
  expect_one_line_error(run_lab({"--limit", "64T", "--size", "64M"}), 2, "is not below this machine's RAM");
}

TEST_F(LabBadInputTest, SizeZero) {
  expect_one_line_error(run_lab({"--limit", "32M", "--size", "0"}), 2, "--size must be greater than 0");
}

TEST_F(LabBadInputTest, UnknownWorkload) {
  expect_one_line_error(run_lab({"--limit", "32M", "--workload", "fibonacci"}), 2, "unknown workload 'fibonacci'");
}

TEST_F(LabBadInputTest, UnparsableLimit) {
  expect_one_line_error(run_lab({"--limit", "lots"}), 2, "--limit: 'lots' is not a size");
}

TEST_F(LabBadInputTest, UnknownCompressor) {
  expect_one_line_error(run_lab({"--limit", "32M", "--swap", "zram:snappy9:256M", "--seconds", "1"}), 2,
                     "compressor 'snappy9' is not available");
}

TEST_F(LabBadInputTest, WorkingSetBiggerThanLimitPlusSwap) {
  expect_one_line_error(run_lab({"--limit", "32M", "--swap", "zram:lz4:64M", "--size", "512M"}), 2,
                     "does not fit in --limit + swap");
}

TEST_F(LabBadInputTest, ZramDeviceBusy) {
  // Play "someone else": configure a zram device of our own, then point the
  // lab at it. It must refuse and leave the device exactly as it was.
  auto added = read_sys_number("/sys/class/zram-control/hot_add");
  if (!added) GTEST_SKIP() << "cannot hot-add a zram device: " << added.error().message;
  std::string dir = "/sys/block/zram" + std::to_string(*added);
  ASSERT_TRUE(write_sys_file(dir + "/disksize", std::to_string(16u << 20)).ok());
  ChildResult r = run_lab({"--limit", "32M", "--swap", "zram:lz4:256M", "--seconds", "1", "--zram-device",
                          std::to_string(*added)});
  auto disksize = read_sys_number(dir + "/disksize");
  // Undo our own device before asserting, so a failure does not leave it.
  write_sys_file(dir + "/reset", "1");
  write_sys_file("/sys/class/zram-control/hot_remove", std::to_string(*added));
  expect_one_line_error(r, 1, "zram busy: /dev/zram" + std::to_string(*added));
  ASSERT_TRUE(disksize.ok());
  EXPECT_EQ(*disksize, 16u << 20) << "the lab touched a zram device it does not own";
}

TEST_F(LabBadInputTest, AnotherLabRunning) {
  auto lock = SessionLock::acquire(kDefaultStateDir);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  expect_one_line_error(run_lab({"--limit", "32M", "--seconds", "1"}), 1, "lab busy: another pagescope lab is running");
}

}  // namespace
}  // namespace pagescope::lab::testing
