#include "ledger/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/ledger_file.hpp"
#include "util/errors.hpp"

namespace etl::ledger {

RunLock::RunLock(const std::filesystem::path& ledger_path) {
  const std::string path = ledger_path.string() + ".lock";
  // Nothing beside another application's file: it is refused before the lock is made.
  inspect_ledger_file(ledger_path);
  create_ledger_folder(ledger_path);
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, static_cast<mode_t>(kLedgerFileMode));
  if (fd_ < 0) throw LedgerError(path + ": cannot create the run lock: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw BusyError("another amlyze-etl run is using " + ledger_path.string() + " (lock " + path +
                      "); nothing was done. Wait for it to finish.");
    }
    throw LedgerError(path + ": cannot lock: " + std::strerror(error));
  }
}

RunLock::~RunLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace etl::ledger
