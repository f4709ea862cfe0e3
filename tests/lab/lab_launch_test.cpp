// How the workload is started: through `record --cgroup` when this pagescope
// has it, bare in the cgroup otherwise. A stand-in recorder (a shell script
// with the same command line as `pagescope record`) proves the lab builds the
// right command and that the workload, not the recorder, lands in the cgroup.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "lab/lab_runner.h"
#include "lab/sys_file.h"
#include "lab/workload_launcher.h"
#include "tests/lab/lab_kernel_fixture.h"

namespace pagescope::lab::testing {
namespace {

class LabLaunchTest : public LabKernelTest {
 protected:
  void SetUp() override {
    LabKernelTest::SetUp();
    if (IsSkipped()) return;
    dir_ = "/tmp/lab-launch-test-" + std::to_string(::getpid());
    ::mkdir(dir_.c_str(), 0755);
  }
  void TearDown() override {
    ::unlink((dir_ + "/recorder").c_str());
    ::unlink((dir_ + "/recorder.log").c_str());
    ::unlink((dir_ + "/capture.psc").c_str());
    ::rmdir(dir_.c_str());
    LabKernelTest::TearDown();
  }
  // `record --help` lists --cgroup; `record --cgroup DIR -o OUT -- cmd...`
  // writes OUT, and the child joins DIR before exec; the recorder stays out.
  std::string write_fake_recorder(bool with_cgroup_flag) {
    std::string path = dir_ + "/recorder";
    std::ofstream f(path);
    f << "#!/bin/sh\n"
      << "[ \"$1\" = record ] || exit 2; shift\n"
      << "if [ \"$1\" = --help ]; then echo '  -o FILE'; "
      << (with_cgroup_flag ? "echo '  --cgroup DIR  run the command in this cgroup'; " : "") << "exit 0; fi\n"
      << "[ \"$1\" = --cgroup ] || exit 2; cg=$2; shift 2\n"
      << "[ \"$1\" = -o ] || exit 2; out=$2; shift 2\n"
      << "[ \"$1\" = -- ] || exit 2; shift\n"
      << "echo \"recorder pid $$\" > " << dir_ << "/recorder.log\n"
      << "echo capture > \"$out\"\n"
      << "sh -c 'echo $$ > \"$0/cgroup.procs\"; exec \"$@\"' \"$cg\" \"$@\"\n";
    f.close();
    ::chmod(path.c_str(), 0755);
    return path;
  }
  LabOptions short_run() {
    LabOptions o;
    o.limit = "32M";
    o.swap = "zram:lz4:256M";
    o.workload = "loop";
    o.seconds = 1;
    o.workload_bin = PS_PRESSURE_BIN;
    o.capture_path = dir_ + "/capture.psc";
    return o;
  }
  std::string dir_;
};

TEST_F(LabLaunchTest, DetectsRecordCgroupFlag) {
  EXPECT_TRUE(record_supports_cgroup(write_fake_recorder(true)));
  EXPECT_FALSE(record_supports_cgroup(write_fake_recorder(false)));
  EXPECT_FALSE(record_supports_cgroup("/nonexistent/pagescope"));
}

TEST_F(LabLaunchTest, RecordsThroughRecordCgroupWhenAvailable) {
  LabOptions o = short_run();
  o.self_exe = write_fake_recorder(true);
  o.check_capture = false;  // the stand-in writes no real capture
  LabRun r = LabRunner(o, nullptr).run();
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_TRUE(r.report->recorded);
  EXPECT_TRUE(path_exists(o.capture_path)) << "the recorder was not given -o";
  // The workload ran inside the limit: the cgroup saw its swap-ins as major faults.
  EXPECT_GT(r.report->cgroup.stat["pgmajfault"], 100u);
  EXPECT_GE(r.report->cgroup.stat["pgmajfault"], r.report->outcome.majflt);
  expect_nothing_left_behind();
}

TEST_F(LabLaunchTest, ACaptureThatCannotBeReadFailsTheRun) {
  // The lab reads back what the recorder wrote (capture_check.h): a file
  // that is not a capture is a failed run, not an unchecked one.
  LabOptions o = short_run();
  o.self_exe = write_fake_recorder(true);
  LabRun r = LabRunner(o, nullptr).run();
  EXPECT_FALSE(r.status.ok());
  EXPECT_EQ(r.status.kind(), ErrorKind::kFailure);
  EXPECT_NE(r.status.message().find("cannot check the capture"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("not a pagescope capture"), std::string::npos) << r.status.message();
  ASSERT_TRUE(r.report);
  EXPECT_FALSE(r.report->check);
  expect_nothing_left_behind();
}

TEST_F(LabLaunchTest, RunsBareAndSaysSoWithoutRecordCgroup) {
  LabOptions o = short_run();
  o.self_exe = write_fake_recorder(false);
  LabRun r = LabRunner(o, nullptr).run();
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_FALSE(r.report->recorded);
  EXPECT_FALSE(path_exists(o.capture_path));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("no capture is written"), std::string::npos) << r.notes[0];
  EXPECT_GT(r.report->cgroup.stat["pgmajfault"], 100u) << "the bare workload did not run in the cgroup";
  expect_nothing_left_behind();
}

}  // namespace
}  // namespace pagescope::lab::testing
