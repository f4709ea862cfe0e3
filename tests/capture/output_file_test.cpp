// Issue 17 items 8, 9 and 10 at the writer's level: a capture is written into
// a new file beside its name and renamed over it on close, so a symlink, a
// hard link, a device node or a FIFO at that name is never written through,
// truncated or chmodded, and the previous capture survives until the new one
// is complete. (The recorder's side, as root: tests/live/record_output_test.cpp.)
#include "inspector/capture/output_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture_io.h"
#include "inspector/capture/reader.h"
#include "inspector/capture/writer.h"

namespace pagescope::capture {
namespace {

using namespace testing;

class OutputFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "pagescope_output_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string at(const std::string& name) const { return dir_ + "/" + name; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string text(const std::string& path) {
    Bytes b = read_file(path);
    return std::string(b.begin(), b.end());
  }
  static void put(const std::string& path, const std::string& s) { write_file(path, Bytes(s.begin(), s.end())); }

  std::string dir_;
};

TEST_F(OutputFileTest, TemporaryFileIsBesideTheNameHidden0600AndRegular) {
  auto f = OutputFile::create(at("run.psc"));
  ASSERT_TRUE(f.ok()) << f.error().message;
  const std::string temp = f->temp_path();
  EXPECT_EQ(temp.rfind(dir_ + "/.run.psc.", 0), 0u) << temp;
  EXPECT_EQ(temp.size(), (dir_ + "/.run.psc.").size() + 6) << temp;
  EXPECT_EQ(OutputFile::temp_pattern(at("run.psc")), dir_ + "/.run.psc.XXXXXX");
  EXPECT_EQ(OutputFile::temp_pattern("run.psc"), ".run.psc.XXXXXX");
  struct stat st {};
  ASSERT_EQ(lstat(temp.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_NE(access(at("run.psc").c_str(), F_OK), 0) << "the name appears only on commit";
  ASSERT_TRUE(f->commit().ok());
  EXPECT_EQ(names(), std::vector<std::string>{"run.psc"});
}

// Item 8: `ln -s /some/victim run.psc` by another user must not make root's
// capture overwrite (or chmod) the victim, nor create a dangling link's target.
TEST_F(OutputFileTest, SymlinkIsRefusedAndItsTargetUntouched) {
  put(at("victim"), "precious");
  ASSERT_EQ(chmod(at("victim").c_str(), 0644), 0);
  ASSERT_EQ(symlink(at("victim").c_str(), at("run.psc").c_str()), 0);
  auto w = CaptureWriter::create(at("run.psc"), test_host());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.error().message.find("cannot write " + at("run.psc") + ": a symbolic link (to " + at("victim")),
            std::string::npos)
      << w.error().message;
  EXPECT_EQ(w.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(text(at("victim")), "precious");
  struct stat st {};
  ASSERT_EQ(stat(at("victim").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);

  ASSERT_EQ(symlink(at("absent").c_str(), at("dangling.psc").c_str()), 0);
  EXPECT_FALSE(CaptureWriter::create(at("dangling.psc"), test_host()).ok());
  EXPECT_NE(access(at("absent").c_str(), F_OK), 0) << "a dangling symlink's target was created";
  EXPECT_EQ(names(), (std::vector<std::string>{"dangling.psc", "run.psc", "victim"})) << "no temporary left";
}

// A hard link to someone else's file at the name: O_TRUNC on the name would
// have emptied that file; rename only replaces the name.
TEST_F(OutputFileTest, HardLinkedFileIsNotTruncated) {
  put(at("other"), "someone else's data");
  ASSERT_EQ(link(at("other").c_str(), at("run.psc").c_str()), 0);
  write_capture(at("run.psc"), every_kind(1));
  EXPECT_EQ(text(at("other")), "someone else's data");
  auto r = CaptureReader::open(at("run.psc"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->report().complete);
}

// Item 9: a device, a FIFO or a directory at the name is refused before
// anything is written, and its mode is left as it was.
TEST_F(OutputFileTest, NonRegularFilesAreRefusedUnchanged) {
  struct stat before {}, after {};
  ASSERT_EQ(stat("/dev/null", &before), 0);
  auto f = OutputFile::create("/dev/null");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message, "cannot write /dev/null: a character device; a capture must be a regular file");
  ASSERT_EQ(stat("/dev/null", &after), 0);
  EXPECT_EQ(after.st_mode, before.st_mode);

  // Opened for writing, a FIFO would block until a reader came.
  ASSERT_EQ(mkfifo(at("fifo.psc").c_str(), 0644), 0);
  f = OutputFile::create(at("fifo.psc"));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("a FIFO; a capture must be a regular file"), std::string::npos);

  ASSERT_EQ(mkdir(at("d.psc").c_str(), 0755), 0);
  f = OutputFile::create(at("d.psc"));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("a directory"), std::string::npos);
  EXPECT_EQ(names(), (std::vector<std::string>{"d.psc", "fifo.psc"}));
}

// Item 10: the previous capture stays as it was while the new one is written,
// and stays for good when the new one is discarded.
TEST_F(OutputFileTest, PreviousCaptureSurvivesUntilTheNewOneIsClosed) {
  write_capture(at("keep.psc"), every_kind(1));
  const Bytes old = read_file(at("keep.psc"));
  ASSERT_FALSE(old.empty());

  auto w = CaptureWriter::create(at("keep.psc"), test_host());
  ASSERT_TRUE(w.ok()) << w.error().message;
  Bytes f = fault(5, 1, 0x1000, 0x2000);
  ASSERT_TRUE(w->append(f.data(), f.size()).ok());
  ASSERT_TRUE(w->flush().ok());
  EXPECT_EQ(read_file(at("keep.psc")), old) << "untouched while writing";
  w->discard();
  EXPECT_EQ(read_file(at("keep.psc")), old) << "untouched after discard";
  EXPECT_EQ(names(), std::vector<std::string>{"keep.psc"}) << "the temporary is removed";

  auto w2 = CaptureWriter::create(at("keep.psc"), test_host());
  ASSERT_TRUE(w2.ok());
  ASSERT_TRUE(w2->append(f.data(), f.size()).ok());
  ASSERT_TRUE(w2->close().ok());
  EXPECT_NE(read_file(at("keep.psc")), old) << "replaced on close";
  EXPECT_EQ(names(), std::vector<std::string>{"keep.psc"});
}

// Planted while recording: the rename replaces the link, not its target.
TEST_F(OutputFileTest, SymlinkPlantedWhileWritingIsReplacedNotFollowed) {
  put(at("victim"), "precious");
  auto w = CaptureWriter::create(at("run.psc"), test_host());
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(symlink(at("victim").c_str(), at("run.psc").c_str()), 0);
  ASSERT_TRUE(w->close().ok());
  EXPECT_EQ(text(at("victim")), "precious");
  struct stat st {};
  ASSERT_EQ(lstat(at("run.psc").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

// Something that is not a file appeared at the name while writing: the
// capture stays under the temporary name, and the error says where.
TEST_F(OutputFileTest, DirectoryAppearingWhileWritingKeepsTheCaptureAside) {
  auto f = OutputFile::create(at("run.psc"));
  ASSERT_TRUE(f.ok());
  const std::string temp = f->temp_path();
  ASSERT_EQ(mkdir(at("run.psc").c_str(), 0755), 0);
  Status st = f->commit();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("is now a directory, not replaced; the capture is kept as " + temp), std::string::npos)
      << st.message();
  EXPECT_EQ(access(temp.c_str(), F_OK), 0);
}

TEST_F(OutputFileTest, UnwritablePlacesGiveOneLineNamingThePath) {
  auto f = OutputFile::create("/nonexistent-dir/x.psc");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message, "cannot write /nonexistent-dir/x.psc: No such file or directory");
  EXPECT_EQ(f.error().kind, ErrorKind::kUsage);
  f = OutputFile::create("/proc/version");  // a regular file in a directory nobody creates files in
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().message.rfind("cannot write /proc/version: cannot create a file in /proc/ (", 0), 0u)
      << f.error().message;
  f = OutputFile::create(dir_ + "/");
  ASSERT_FALSE(f.ok());
  f = OutputFile::create("");
  ASSERT_FALSE(f.ok());
}

TEST_F(OutputFileTest, DestructorDiscardsAnUncommittedFile) {
  put(at("keep.psc"), "old");
  { auto f = OutputFile::create(at("keep.psc")); ASSERT_TRUE(f.ok()); }
  EXPECT_EQ(names(), std::vector<std::string>{"keep.psc"});
  EXPECT_EQ(text(at("keep.psc")), "old");
}

}  // namespace
}  // namespace pagescope::capture
