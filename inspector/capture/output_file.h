// Where a capture is written: never through the name the user gave, but into a
// new file beside it, renamed over that name once the capture is closed.
//
// `record -o run.psc` runs as root, often in a directory other users can
// write. Opening run.psc itself would follow a symlink planted there
// (overwriting, chmodding or creating its target), truncate a hard-linked
// file, chmod a device node, block on a FIFO, and destroy the previous
// capture before the new one exists. So the capture is created as
// `.run.psc.XXXXXX` in the same directory with O_CREAT|O_EXCL|O_NOFOLLOW
// (a fresh regular file that is ours, mode 0600) and rename(2)d to run.psc
// when it is closed: rename replaces the name, never what a symlink or hard
// link there points to, and it is atomic, so run.psc is always either the
// previous capture or the complete new one. This is how git (lockfiles),
// rsync and systemd's atomic writes replace files. A recorder killed with
// SIGKILL leaves its readable prefix under the temporary name.
//
// Names that exist and are not regular files are refused before any work
// starts: a symlink (with what it points to, so the user can give that path
// on purpose), a device such as /dev/null, a FIFO, a directory. A capture
// is a regular file.
#pragma once

#include <string>

#include "common/result.h"

namespace pagescope::capture {

class OutputFile {
 public:
  // Checks `path` and creates the temporary file beside it. Errors are
  // kUsage with one line naming the path: "cannot write PATH: REASON".
  static Result<OutputFile> create(const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&& other) noexcept;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // discards the temporary file unless it was committed or kept

  int fd() const { return fd_; }                        // open for writing, at offset 0
  const std::string& path() const { return path_; }     // the name the user gave
  const std::string& temp_path() const { return temp_; }// ".NAME.XXXXXX" beside it

  // fsyncs and closes the file, then renames it to path() (replacing a
  // regular file, or a symlink that appeared there meanwhile, never its
  // target) and fsyncs the directory. If the name has become something else
  // (a directory, a device) or the rename fails, the capture stays under
  // temp_path() and the error says so.
  Status commit();
  // Closes and removes the temporary file; path() is untouched.
  void discard();
  // Closes the file and leaves it under temp_path() (for a caller that
  // cannot finish but must not lose what was written).
  void keep();

  // The temporary name create() would use for `path`, with XXXXXX as the
  // random part: ".run.psc.XXXXXX" (documented in the README).
  static std::string temp_pattern(const std::string& path);

 private:
  OutputFile() = default;
  void close_fd();

  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool done_ = true;  // committed, discarded or kept: the destructor leaves it alone
};

}  // namespace pagescope::capture
