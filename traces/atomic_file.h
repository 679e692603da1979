// Atomic output files: a reader of `path` sees either the old file or the
// complete new one, never a partial write, even if the process dies midway.
//
// The data goes to a temporary file in the same directory (so that the final
// rename stays inside one file system), which is fsynced, renamed over `path`,
// and then the directory is fsynced so that the rename itself is durable.
// Every output file of LogAct Sim (traces, reports) is written this way.
//
// Thread-safety: an AtomicFileWriter is used by one thread at a time.
// Not promised: atomicity against another writer of the same path (the last
// rename wins), or on file systems without atomic rename.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace logact::traces {

class AtomicFileWriter {
 public:
  // Creates the temporary file next to `path`. Errors: kNotFound if the
  // directory does not exist, kUnavailable for any other I/O failure.
  static Result<std::unique_ptr<AtomicFileWriter>> Open(const std::string& path);

  // Abandons the temporary file unless Commit() succeeded.
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  // Appends bytes to the temporary file. Errors: kUnavailable (write failed;
  // the writer stays failed and Commit will refuse).
  // REQUIRES: Commit() has not been called.
  Status Append(std::string_view data);

  // Makes the file durable under its final name. Errors: kUnavailable (the
  // temporary file is removed and `path` is left as it was).
  // REQUIRES: called at most once.
  Status Commit();

  const std::string& path() const { return path_; }

 private:
  AtomicFileWriter(std::string path, std::string temp_path, int fd);
  void Abandon();

  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
  Status status_;  // first failure, sticky
};

// Writes `contents` to `path` atomically (see above). Errors as Open/Commit.
Status WriteFileAtomically(const std::string& path, std::string_view contents);

}  // namespace logact::traces
