#include "traces/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/assert.h"

namespace logact::traces {
namespace {

Status IoError(const std::string& what, const std::string& path, int error) {
  std::string message = what + " '" + path + "': " + std::strerror(error);
  if (error == ENOENT) return NotFoundError(std::move(message));
  return UnavailableError(std::move(message));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// fsync of the directory makes the rename durable (POSIX leaves it to the
// directory entry, not to the file).
Status SyncDirectory(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open directory", directory, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return IoError("cannot fsync directory", directory, error);
  return Status::Ok();
}

}  // namespace

AtomicFileWriter::AtomicFileWriter(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_) Abandon();
}

Result<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Open(const std::string& path) {
  if (path.empty() || path.back() == '/') {
    return InvalidArgumentError("output path '" + path + "' names no file");
  }
  // The temporary name starts with '.' so that directory listings hide it.
  const std::string directory = DirectoryOf(path);
  const size_t slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temp = directory + "/." + base + ".tmp.XXXXXX";
  std::vector<char> buffer(temp.begin(), temp.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) return IoError("cannot create a temporary file for", path, errno);
  temp.assign(buffer.data());
  // mkstemp creates the file 0600; outputs are ordinary readable files.
  if (::fchmod(fd, 0644) != 0) {
    const int error = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return IoError("cannot set the mode of", temp, error);
  }
  return std::unique_ptr<AtomicFileWriter>(new AtomicFileWriter(path, temp, fd));
}

Status AtomicFileWriter::Append(std::string_view data) {
  LOGACT_ASSERT(!committed_);
  if (!status_.ok()) return status_;
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      status_ = IoError("cannot write", temp_path_, errno);
      return status_;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status AtomicFileWriter::Commit() {
  LOGACT_ASSERT(!committed_);
  if (!status_.ok()) {
    Abandon();
    return status_;
  }
  if (::fsync(fd_) != 0) status_ = IoError("cannot fsync", temp_path_, errno);
  if (status_.ok() && ::close(fd_) != 0) status_ = IoError("cannot close", temp_path_, errno);
  if (status_.ok()) fd_ = -1;
  if (status_.ok() && ::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    status_ = IoError("cannot rename the temporary file to", path_, errno);
  }
  if (!status_.ok()) {
    Abandon();
    return status_;
  }
  committed_ = true;
  return SyncDirectory(DirectoryOf(path_));
}

void AtomicFileWriter::Abandon() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  LOGACT_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFileWriter> writer, AtomicFileWriter::Open(path));
  LOGACT_TRY(writer->Append(contents));
  return writer->Commit();
}

}  // namespace logact::traces
